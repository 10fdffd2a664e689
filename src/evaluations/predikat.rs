//! The predikat kinerja pegawai: a pure function of the two ratings (PermenPANRB 6/2022,
//! Lampiran, kuadran predikat kinerja pegawai).
//!
//! | hasil kerja ↓ / perilaku kerja → | DI_BAWAH      | SESUAI          | DI_ATAS         |
//! |----------------------------------|---------------|-----------------|-----------------|
//! | DI_ATAS                          | KURANG        | BAIK            | SANGAT_BAIK     |
//! | SESUAI                           | KURANG        | BAIK            | BAIK            |
//! | DI_BAWAH                         | SANGAT_KURANG | BUTUH_PERBAIKAN | BUTUH_PERBAIKAN |
//!
//! Behaviour dominates downward (a behaviour rating below expectation never yields better than
//! Kurang/Misconduct); results dominate the top (Sangat Baik needs both ratings above).

use async_graphql::SimpleObject;

use crate::ratings::Rating;

/// The predikat kinerja pegawai.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Predikat {
    /// Sangat Baik: both ratings above expectation.
    SangatBaik,
    /// Baik.
    Baik,
    /// Butuh Perbaikan: work results below expectation, behaviour at or above.
    ButuhPerbaikan,
    /// Kurang/Misconduct: behaviour below expectation, work results at or above.
    Kurang,
    /// Sangat Kurang: both ratings below expectation.
    SangatKurang,
}
crate::db_text_enum!(Predikat);

impl Predikat {
    /// The official label; `KURANG` is "Kurang/Misconduct".
    pub fn label(self) -> &'static str {
        match self {
            Predikat::SangatBaik => "Sangat Baik",
            Predikat::Baik => "Baik",
            Predikat::ButuhPerbaikan => "Butuh Perbaikan",
            Predikat::Kurang => "Kurang/Misconduct",
            Predikat::SangatKurang => "Sangat Kurang",
        }
    }
}

/// The predikat for a rating of hasil kerja (work results) and perilaku kerja (behaviour).
pub fn predikat(work_result: Rating, behaviour: Rating) -> Predikat {
    use Rating::*;
    match (work_result, behaviour) {
        (DiAtasEkspektasi, DiAtasEkspektasi) => Predikat::SangatBaik,
        (DiAtasEkspektasi | SesuaiEkspektasi, SesuaiEkspektasi) => Predikat::Baik,
        (SesuaiEkspektasi, DiAtasEkspektasi) => Predikat::Baik,
        (DiAtasEkspektasi | SesuaiEkspektasi, DiBawahEkspektasi) => Predikat::Kurang,
        (DiBawahEkspektasi, DiBawahEkspektasi) => Predikat::SangatKurang,
        (DiBawahEkspektasi, SesuaiEkspektasi | DiAtasEkspektasi) => Predikat::ButuhPerbaikan,
    }
}

/// Why an evaluation has its predikat, in words an ASN can read.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct PredikatRule {
    /// The rating of hasil kerja (work results) used.
    pub work_result_rating: Rating,
    /// The rating of perilaku kerja (behaviour) used.
    pub behaviour_rating: Rating,
    /// The resulting predikat.
    pub predikat: Predikat,
    /// The predikat's official label.
    pub label: String,
    /// The cell of the matrix and the reading rule that produced the predikat.
    pub explanation: String,
    /// The regulation the matrix comes from.
    pub regulation: String,
}

/// The rule that produced the predikat of these two ratings.
pub fn rule(work_result: Rating, behaviour: Rating) -> PredikatRule {
    let predikat = predikat(work_result, behaviour);
    let why = match predikat {
        Predikat::SangatBaik => "Sangat Baik needs both ratings above expectation",
        Predikat::Baik => "work results and behaviour at or above expectation give Baik",
        Predikat::ButuhPerbaikan => {
            "work results below expectation with behaviour at or above it give Butuh Perbaikan"
        }
        Predikat::Kurang => {
            "behaviour below expectation never yields better than Kurang/Misconduct"
        }
        Predikat::SangatKurang => "both ratings below expectation give Sangat Kurang",
    };
    PredikatRule {
        work_result_rating: work_result,
        behaviour_rating: behaviour,
        predikat,
        label: predikat.label().to_owned(),
        explanation: format!(
            "Hasil kerja {} and perilaku kerja {}: {why}.",
            work_result.label(),
            behaviour.label()
        ),
        regulation: "PermenPANRB 6/2022, Lampiran: kuadran predikat kinerja pegawai".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rating::*;

    #[test]
    fn all_nine_cells_of_the_matrix() {
        let cells = [
            (DiAtasEkspektasi, DiBawahEkspektasi, Predikat::Kurang),
            (DiAtasEkspektasi, SesuaiEkspektasi, Predikat::Baik),
            (DiAtasEkspektasi, DiAtasEkspektasi, Predikat::SangatBaik),
            (SesuaiEkspektasi, DiBawahEkspektasi, Predikat::Kurang),
            (SesuaiEkspektasi, SesuaiEkspektasi, Predikat::Baik),
            (SesuaiEkspektasi, DiAtasEkspektasi, Predikat::Baik),
            (DiBawahEkspektasi, DiBawahEkspektasi, Predikat::SangatKurang),
            (
                DiBawahEkspektasi,
                SesuaiEkspektasi,
                Predikat::ButuhPerbaikan,
            ),
            (
                DiBawahEkspektasi,
                DiAtasEkspektasi,
                Predikat::ButuhPerbaikan,
            ),
        ];
        for (work, behaviour, expected) in cells {
            assert_eq!(
                predikat(work, behaviour),
                expected,
                "{work:?} × {behaviour:?}"
            );
            let rule = rule(work, behaviour);
            assert_eq!(rule.predikat, expected);
            assert_eq!(rule.label, expected.label());
            assert!(rule.explanation.contains(work.label()));
            assert!(rule.explanation.contains(behaviour.label()));
        }
    }

    #[test]
    fn kurang_is_labelled_misconduct() {
        assert_eq!(Predikat::Kurang.label(), "Kurang/Misconduct");
        assert_eq!(Predikat::Kurang.as_str(), "KURANG");
    }
}
