//! Grades: golongan/ruang with pangkat for PNS, golongan for PPPK.
//!
//! PNS hold one of 17 grades from golongan/ruang I/a to IV/e, each with a pangkat name
//! (I/a Juru Muda … IV/e Pembina Utama). PPPK, full- or part-time, hold one of 17 golongan
//! I … XVII, with no ruang and no pangkat. A grade is stored and exchanged as its code,
//! e.g. `"III/a"` or `"IX"`.

use std::fmt;
use std::str::FromStr;

use crate::asn::model::EmploymentType;

/// Number of grades in each scheme.
const GRADES_PER_SCHEME: usize = 17;

/// PNS codes, lowest first.
const PNS_CODES: [&str; GRADES_PER_SCHEME] = [
    "I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d",
    "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
];

/// PNS pangkat names, in the order of [`PNS_CODES`].
const PNS_PANGKAT: [&str; GRADES_PER_SCHEME] = [
    "Juru Muda",
    "Juru Muda Tingkat I",
    "Juru",
    "Juru Tingkat I",
    "Pengatur Muda",
    "Pengatur Muda Tingkat I",
    "Pengatur",
    "Pengatur Tingkat I",
    "Penata Muda",
    "Penata Muda Tingkat I",
    "Penata",
    "Penata Tingkat I",
    "Pembina",
    "Pembina Tingkat I",
    "Pembina Utama Muda",
    "Pembina Utama Madya",
    "Pembina Utama",
];

/// PPPK codes, lowest first.
const PPPK_CODES: [&str; GRADES_PER_SCHEME] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
    "XVI", "XVII",
];

/// Which grading scheme a grade belongs to.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GradeScheme {
    /// PNS golongan/ruang I/a … IV/e.
    Pns,
    /// PPPK golongan I … XVII.
    Pppk,
}

impl GradeScheme {
    fn codes(self) -> &'static [&'static str; GRADES_PER_SCHEME] {
        match self {
            Self::Pns => &PNS_CODES,
            Self::Pppk => &PPPK_CODES,
        }
    }
}

/// A grade code: "III/a" (PNS) or "IX" (PPPK). Stored and exchanged as that code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grade {
    scheme: GradeScheme,
    /// 0-based position within the scheme, always below [`GRADES_PER_SCHEME`].
    index: u8,
}

impl Grade {
    /// The grade with exactly this code (case-sensitive), if any.
    pub fn parse(code: &str) -> Option<Grade> {
        Self::all().find(|grade| grade.code() == code)
    }

    /// The code, e.g. `"III/a"` or `"IX"`.
    pub fn code(self) -> &'static str {
        self.scheme.codes()[usize::from(self.index)]
    }

    /// The scheme the grade belongs to.
    pub fn scheme(self) -> GradeScheme {
        self.scheme
    }

    /// The golongan: `"III"` for III/a, `"IX"` for PPPK IX.
    pub fn golongan(self) -> &'static str {
        let code = self.code();
        code.split_once('/').map_or(code, |(golongan, _)| golongan)
    }

    /// The ruang: `Some("a")` for III/a, `None` for PPPK grades.
    pub fn ruang(self) -> Option<&'static str> {
        self.code().split_once('/').map(|(_, ruang)| ruang)
    }

    /// The pangkat name: `Some("Penata Muda")` for III/a, `None` for PPPK grades.
    pub fn pangkat(self) -> Option<&'static str> {
        match self.scheme {
            GradeScheme::Pns => Some(PNS_PANGKAT[usize::from(self.index)]),
            GradeScheme::Pppk => None,
        }
    }

    /// Position within its scheme, 1 (lowest) to 17 (highest), for ordering.
    pub fn rank(self) -> u8 {
        self.index + 1
    }

    /// Whether an ASN of this employment type may hold the grade: PNS grades for PNS only,
    /// PPPK grades for full- and part-time PPPK.
    pub fn fits(self, employment_type: EmploymentType) -> bool {
        match self.scheme {
            GradeScheme::Pns => employment_type == EmploymentType::Pns,
            GradeScheme::Pppk => matches!(
                employment_type,
                EmploymentType::Pppk | EmploymentType::PppkParuhWaktu
            ),
        }
    }

    /// All 34 grades: the PNS grades from I/a, then the PPPK grades from I.
    pub fn all() -> impl Iterator<Item = Grade> {
        [GradeScheme::Pns, GradeScheme::Pppk]
            .into_iter()
            .flat_map(|scheme| {
                (0..GRADES_PER_SCHEME as u8).map(move |index| Grade { scheme, index })
            })
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A string that is not a grade code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a grade code (expected I/a … IV/e or I … XVII)")]
pub struct UnknownGrade(pub String);

impl FromStr for Grade {
    type Err = UnknownGrade;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownGrade(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_codes_round_trip() {
        let grades: Vec<Grade> = Grade::all().collect();
        assert_eq!(grades.len(), 34);
        for grade in grades {
            assert_eq!(Grade::parse(grade.code()), Some(grade));
            assert_eq!(grade.to_string().parse::<Grade>(), Ok(grade));
        }
    }

    #[test]
    fn ranks_run_from_1_to_17_in_each_scheme() {
        for scheme in [GradeScheme::Pns, GradeScheme::Pppk] {
            let ranks: Vec<u8> = Grade::all()
                .filter(|g| g.scheme() == scheme)
                .map(Grade::rank)
                .collect();
            assert_eq!(ranks, (1..=17).collect::<Vec<u8>>());
        }
    }

    #[test]
    fn pns_grades_have_golongan_ruang_and_pangkat() {
        let cases = [
            ("I/a", "I", "a", "Juru Muda", 1),
            ("II/d", "II", "d", "Pengatur Tingkat I", 8),
            ("III/a", "III", "a", "Penata Muda", 9),
            ("IV/e", "IV", "e", "Pembina Utama", 17),
        ];
        for (code, golongan, ruang, pangkat, rank) in cases {
            let grade = Grade::parse(code);
            assert_eq!(grade.map(Grade::scheme), Some(GradeScheme::Pns), "{code}");
            assert_eq!(grade.map(Grade::golongan), Some(golongan), "{code}");
            assert_eq!(grade.and_then(Grade::ruang), Some(ruang), "{code}");
            assert_eq!(grade.and_then(Grade::pangkat), Some(pangkat), "{code}");
            assert_eq!(grade.map(Grade::rank), Some(rank), "{code}");
        }
    }

    #[test]
    fn pppk_grades_have_no_ruang_or_pangkat() {
        let pppk: Vec<Grade> = Grade::all()
            .filter(|g| g.scheme() == GradeScheme::Pppk)
            .collect();
        assert_eq!(pppk.len(), 17);
        for grade in pppk {
            assert_eq!(grade.golongan(), grade.code());
            assert_eq!(grade.ruang(), None);
            assert_eq!(grade.pangkat(), None);
        }
        assert_eq!(Grade::parse("IX").map(Grade::rank), Some(9));
        assert_eq!(Grade::parse("XVII").map(Grade::rank), Some(17));
    }

    #[test]
    fn rejects_unknown_codes() {
        for code in [
            "III/f", "iii/a", "XVIII", "", " III/a", "III/a ", "V/a", "I/", "0",
        ] {
            assert_eq!(
                code.parse::<Grade>(),
                Err(UnknownGrade(code.to_owned())),
                "{code:?}"
            );
        }
        // "III" is a PPPK golongan, not the PNS golongan III.
        assert_eq!(
            Grade::parse("III").map(Grade::scheme),
            Some(GradeScheme::Pppk)
        );
    }

    #[test]
    fn fits_matches_the_employment_type() {
        use EmploymentType::{Pns, Pppk, PppkParuhWaktu};
        for grade in Grade::all() {
            let pns = grade.scheme() == GradeScheme::Pns;
            assert_eq!(grade.fits(Pns), pns, "{grade}");
            assert_eq!(grade.fits(Pppk), !pns, "{grade}");
            assert_eq!(grade.fits(PppkParuhWaktu), !pns, "{grade}");
        }
    }
}
