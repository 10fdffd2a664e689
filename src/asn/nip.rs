//! NIP (Nomor Induk Pegawai) parsing and validation.
//!
//! A NIP has 18 digits. The PNS layout follows Peraturan Kepala BKN 22/2007 as amended by
//! Peraturan Kepala BKN 43/2007; PPPK NIPs keep the same frame but put the appointment year and
//! a two-digit code where PNS NIPs have the TMT CPNS:
//!
//! | digits | PNS                                   | PPPK (incl. PPPK paruh waktu)       |
//! |--------|---------------------------------------|-------------------------------------|
//! | 1–8    | birth date `yyyymmdd`                 | birth date `yyyymmdd`               |
//! | 9–14   | TMT CPNS `yyyymm` (first appointment) | appointment year `yyyy` + code `nn` |
//! | 15     | gender: `1` male, `2` female          | gender: `1` male, `2` female        |
//! | 16–18  | sequence number, `001` upward         | sequence number, `001` upward       |
//!
//! [`Nip::parse`] checks what both layouts share: 18 ASCII digits, a real birth date in or after
//! 1900, a gender digit of 1 or 2 and a sequence other than `000`. [`Nip::check_for`] adds the
//! checks that depend on the employment type and on the recorded gender:
//!
//! - PNS: the TMT month is 01–12, falls in or after the month of the 18th birthday and is not
//!   after the current month;
//! - PPPK: the appointment year is at least the birth year + 18 and not after the current year
//!   (digits 13–14 are a code, not a month, and are not checked);
//! - both: the gender digit matches the recorded gender.
//!
//! Error messages name the failing part and its value but never echo the whole NIP.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::asn::model::{EmploymentType, Gender};

/// Number of digits in a NIP.
pub const NIP_LEN: usize = 18;

/// Minimum age, in years, at the first appointment.
const MIN_AGE: i32 = 18;

/// Earliest accepted birth year.
const MIN_BIRTH_YEAR: i32 = 1900;

/// The part of a NIP that failed validation; `as_str()` gives a stable camelCase name
/// used in API errors: "length", "digits", "birthDate", "appointmentDate", "gender", "sequence".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NipPart {
    /// The NIP does not have 18 characters.
    Length,
    /// The NIP contains a character other than an ASCII digit (whitespace included).
    Digits,
    /// Digits 1–8 are not a real date in or after 1900.
    BirthDate,
    /// Digits 9–14 (TMT CPNS or PPPK appointment year) break the rule for the employment type.
    AppointmentDate,
    /// Digit 15 is not 1 or 2, or disagrees with the recorded gender.
    Gender,
    /// Digits 16–18 are `000`.
    Sequence,
}

impl NipPart {
    /// The stable camelCase name of the part.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Length => "length",
            Self::Digits => "digits",
            Self::BirthDate => "birthDate",
            Self::AppointmentDate => "appointmentDate",
            Self::Gender => "gender",
            Self::Sequence => "sequence",
        }
    }
}

impl fmt::Display for NipPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a NIP is invalid. Display gives a clear English sentence that names the part and the
/// offending value (e.g. "NIP birth date 19870230 is not a real date"), never the whole NIP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NipError {
    /// The failing part.
    pub part: NipPart,
    /// The client-facing sentence.
    pub message: String,
}

impl NipError {
    /// The failing part.
    pub fn part(&self) -> NipPart {
        self.part
    }
}

/// A syntactically valid NIP (18 digits, real birth date, gender digit 1/2, sequence ≠ 000).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nip {
    digits: String,
    birth_date: NaiveDate,
}

impl Nip {
    /// Checks the form shared by PNS and PPPK NIPs (used for lookups, where the employment type
    /// is unknown). Surrounding whitespace is rejected as a non-digit, not trimmed.
    pub fn parse(s: &str) -> Result<Nip, NipError> {
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            let message = format!(
                "NIP must contain only digits 0-9, found {c:?} at position {}",
                i + 1
            );
            return fail(NipPart::Digits, message);
        }
        if s.len() != NIP_LEN {
            let message = format!("NIP must be {NIP_LEN} digits long, not {}", s.len());
            return fail(NipPart::Length, message);
        }
        let b = s.as_bytes();
        let raw_birth = &s[0..8];
        let Some(birth_date) =
            NaiveDate::from_ymd_opt(num(&b[0..4]) as i32, num(&b[4..6]), num(&b[6..8]))
        else {
            return fail(
                NipPart::BirthDate,
                format!("NIP birth date {raw_birth} is not a real date"),
            );
        };
        if birth_date.year() < MIN_BIRTH_YEAR {
            let message = format!("NIP birth date {raw_birth} is before {MIN_BIRTH_YEAR}");
            return fail(NipPart::BirthDate, message);
        }
        let gender_digit = char::from(b[14]);
        if !matches!(gender_digit, '1' | '2') {
            let message = format!("NIP gender digit {gender_digit} must be 1 (male) or 2 (female)");
            return fail(NipPart::Gender, message);
        }
        if num(&b[15..18]) == 0 {
            let message = "NIP sequence number 000 is not allowed; numbering starts at 001";
            return fail(NipPart::Sequence, message.to_owned());
        }
        Ok(Nip {
            digits: s.to_owned(),
            birth_date,
        })
    }

    /// The 18 digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The birth date (digits 1–8).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The year of the first appointment (digits 9–12): TMT CPNS for PNS, appointment for PPPK.
    pub fn appointment_year(&self) -> i32 {
        num(&self.digits.as_bytes()[8..12]) as i32
    }

    /// The gender encoded by digit 15.
    pub fn gender(&self) -> Gender {
        match self.digits.as_bytes()[14] {
            b'1' => Gender::Male,
            _ => Gender::Female,
        }
    }

    /// The sequence number (digits 16–18), 1..=999.
    pub fn sequence(&self) -> u16 {
        num(&self.digits.as_bytes()[15..18]) as u16
    }

    /// Full validation for a record of this employment type and gender, as of `today`.
    pub fn check_for(
        &self,
        employment_type: EmploymentType,
        gender: Gender,
        today: NaiveDate,
    ) -> Result<(), NipError> {
        let appointment_problem = match employment_type {
            EmploymentType::Pns => self.tmt_cpns_problem(today),
            EmploymentType::Pppk | EmploymentType::PppkParuhWaktu => self.pppk_year_problem(today),
        };
        if let Some(message) = appointment_problem {
            return fail(NipPart::AppointmentDate, message);
        }
        if self.gender() != gender {
            let message = format!(
                "NIP gender digit {} ({}) does not match the recorded gender ({})",
                &self.digits[14..15],
                gender_name(self.gender()),
                gender_name(gender)
            );
            return fail(NipPart::Gender, message);
        }
        Ok(())
    }

    /// PNS: digits 9–14 are the TMT CPNS `yyyymm`, in or after the month of the 18th birthday
    /// and not after the month of `today`.
    fn tmt_cpns_problem(&self, today: NaiveDate) -> Option<String> {
        let raw = &self.digits[8..14];
        let month = num(&self.digits.as_bytes()[12..14]);
        if !(1..=12).contains(&month) {
            return Some(format!(
                "NIP TMT CPNS {raw} has month {month:02}, which is not 01-12"
            ));
        }
        let tmt = (self.appointment_year(), month);
        let birth = self.birth_date;
        if tmt < (birth.year() + MIN_AGE, birth.month()) {
            return Some(format!(
                "NIP TMT CPNS {raw} is before the month of the {MIN_AGE}th birthday"
            ));
        }
        (tmt > (today.year(), today.month()))
            .then(|| format!("NIP TMT CPNS {raw} is in the future"))
    }

    /// PPPK: digits 9–12 are the appointment year, at least the birth year + 18 and not after
    /// the year of `today`; digits 13–14 are a code and are not checked.
    fn pppk_year_problem(&self, today: NaiveDate) -> Option<String> {
        let year = self.appointment_year();
        let earliest = self.birth_date.year() + MIN_AGE;
        if year < earliest {
            return Some(format!(
                "NIP appointment year {year:04} is before {earliest}, the {MIN_AGE}th birthday year"
            ));
        }
        (year > today.year()).then(|| format!("NIP appointment year {year:04} is in the future"))
    }
}

/// Convenience: [`Nip::parse`] followed by [`Nip::check_for`].
pub fn validate(
    s: &str,
    employment_type: EmploymentType,
    gender: Gender,
    today: NaiveDate,
) -> Result<Nip, NipError> {
    let nip = Nip::parse(s)?;
    nip.check_for(employment_type, gender, today)?;
    Ok(nip)
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl FromStr for Nip {
    type Err = NipError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// An error for `part` with `message`.
fn fail<T>(part: NipPart, message: String) -> Result<T, NipError> {
    Err(NipError { part, message })
}

/// The value of a run of ASCII digits (at most 9, so it cannot overflow).
fn num(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |n, d| n * 10 + u32::from(d.wrapping_sub(b'0')))
}

fn gender_name(gender: Gender) -> &'static str {
    match gender {
        Gender::Male => "male",
        Gender::Female => "female",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EmploymentType::{Pns, Pppk, PppkParuhWaktu};
    use Gender::{Female, Male};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
    }

    #[test]
    fn accepts_valid_nips() {
        let cases = [
            ("198609262015051001", Pns, Male),
            ("199207242019032004", Pns, Female),
            ("197501012000031001", Pns, Male),
            ("198004102005012003", Pns, Female),
            ("199005122022212014", Pppk, Female),
            ("199005122022212014", PppkParuhWaktu, Female),
            // PNS: TMT in the month of the 18th birthday, and in the current month.
            ("198609262004091001", Pns, Male),
            ("198609262026111001", Pns, Male),
            // PPPK: digits 13-14 are a code, not a month; the year bounds are inclusive.
            ("198609262015131001", Pppk, Male),
            ("198609262015001001", PppkParuhWaktu, Male),
            ("199005122008992999", Pppk, Female),
            ("199005122026012001", Pppk, Female),
            ("200002292020011001", Pns, Male),
        ];
        for (nip, et, gender) in cases {
            let result = validate(nip, et, gender, today()).map(|nip| nip.to_string());
            assert_eq!(result, Ok(nip.to_owned()), "{et:?} {gender:?}");
        }
    }

    #[test]
    fn rejects_invalid_nips_naming_part_and_value() {
        use NipPart::*;
        #[rustfmt::skip]
        let cases = [
            ("19860926201505100", Pns, Male, Length, "not 17"),
            ("1986092620150510011", Pns, Male, Length, "not 19"),
            ("", Pppk, Male, Length, "not 0"),
            ("19860926201505100x", Pns, Male, Digits, "'x' at position 18"),
            ("1986-09-26-2015051", Pns, Male, Digits, "'-' at position 5"),
            (" 198609262015051001", Pns, Male, Digits, "' ' at position 1"),
            ("198609262015051001\n", Pns, Male, Digits, "'\\n' at position 19"),
            (" 98609262015051001", Pns, Male, Digits, "position 1"),
            ("١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١", Pns, Male, Digits, "position 1"),
            ("198702302015051001", Pns, Male, BirthDate, "birth date 19870230 is not a real date"),
            ("198713012015051001", Pppk, Male, BirthDate, "19871301"),
            ("198700012015051001", Pns, Male, BirthDate, "19870001"),
            ("190102292015051001", Pns, Male, BirthDate, "19010229"),
            ("189912312015051001", Pns, Male, BirthDate, "18991231 is before 1900"),
            ("198609262015001001", Pns, Male, AppointmentDate, "month 00"),
            ("198609262015131001", Pns, Male, AppointmentDate, "month 13"),
            ("198609262004081001", Pns, Male, AppointmentDate, "200408 is before"),
            ("198609262026121001", Pns, Male, AppointmentDate, "202612 is in the future"),
            ("199005122007212014", Pppk, Female, AppointmentDate, "2007 is before 2008"),
            ("199005122027212014", PppkParuhWaktu, Female, AppointmentDate, "2027 is in the"),
            ("198609262015053001", Pns, Male, Gender, "digit 3"),
            ("198609262015050001", Pppk, Male, Gender, "digit 0"),
            ("198609262015051001", Pns, Female, Gender, "1 (male)"),
            ("199005122022212014", Pppk, Male, Gender, "2 (female)"),
            ("198609262015051000", Pns, Male, Sequence, "000"),
            ("199005122022212000", Pppk, Female, Sequence, "000"),
        ];
        for (nip, et, gender, part, needle) in cases {
            let Err(err) = validate(nip, et, gender, today()) else {
                panic!("{nip:?} should be invalid as {et:?} {gender:?}");
            };
            let message = err.to_string();
            assert_eq!(err.part(), part, "{nip:?}: {message}");
            assert!(message.contains(needle), "{message:?} lacks {needle:?}");
            assert!(
                nip.len() < 18 || !message.contains(nip),
                "{message:?} echoes the NIP"
            );
        }
    }

    #[test]
    fn part_names_are_stable() {
        let names = [
            (NipPart::Length, "length"),
            (NipPart::Digits, "digits"),
            (NipPart::BirthDate, "birthDate"),
            (NipPart::AppointmentDate, "appointmentDate"),
            (NipPart::Gender, "gender"),
            (NipPart::Sequence, "sequence"),
        ];
        for (part, name) in names {
            assert_eq!((part.as_str(), part.to_string()), (name, name.to_owned()));
        }
    }

    #[test]
    fn exposes_the_encoded_fields() -> Result<(), NipError> {
        let nip: Nip = "197501012000031001".parse()?;
        assert_eq!(Some(nip.birth_date()), NaiveDate::from_ymd_opt(1975, 1, 1));
        assert_eq!(
            (nip.appointment_year(), nip.gender(), nip.sequence()),
            (2000, Male, 1)
        );
        assert_eq!(nip.as_str(), "197501012000031001");
        let nip = Nip::parse("199005122022212014")?;
        assert_eq!(Some(nip.birth_date()), NaiveDate::from_ymd_opt(1990, 5, 12));
        assert_eq!(
            (nip.appointment_year(), nip.gender(), nip.sequence()),
            (2022, Female, 14)
        );
        let bad_date = Nip::parse("198702302015051001").map_err(|e| e.to_string());
        assert_eq!(
            bad_date,
            Err("NIP birth date 19870230 is not a real date".to_owned())
        );
        // Month 13 and a future TMT only fail once the employment type is known.
        Nip::parse("198609262015131001")?;
        Nip::parse("198609262099011001")?;
        Ok(())
    }
}
