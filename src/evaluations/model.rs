//! Evaluation rows as stored, and their enums.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::predikat::Predikat;
use crate::db::schema::{evaluation_behaviour_notes, evaluations};
use crate::ids::{AsnId, EvaluationId};
use crate::ratings::Rating;

/// Length of an evaluation period.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PeriodKind {
    /// A quarter (triwulan), numbers 1–4; the default cycle with the annual evaluation.
    Quarterly,
    /// The whole year (number 1).
    Annual,
    /// A month, numbers 1–12.
    Monthly,
}

/// Where an evaluation is in its life.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EvaluationStatus {
    /// Being written by the evaluator; not visible to the evaluated ASN.
    Draft,
    /// Published to the evaluated ASN; an appeal may be filed within the appeal window.
    Published,
    /// An appeal is open; the evaluation is locked until it is decided.
    Appealed,
    /// Final: the appeal window closed, or the appeal was decided.
    Final,
}

/// The seven BerAKHLAK core values on which perilaku kerja is assessed (SE MenPANRB 20/2021).
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CoreValue {
    /// Berorientasi Pelayanan.
    BerorientasiPelayanan,
    /// Akuntabel.
    Akuntabel,
    /// Kompeten.
    Kompeten,
    /// Harmonis.
    Harmonis,
    /// Loyal.
    Loyal,
    /// Adaptif.
    Adaptif,
    /// Kolaboratif.
    Kolaboratif,
}

crate::db_text_enum!(PeriodKind, EvaluationStatus, CoreValue);

/// An evaluation row.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = evaluations, check_for_backend(diesel::pg::Pg))]
pub struct Evaluation {
    /// Row id.
    pub id: EvaluationId,
    /// The evaluated ASN.
    pub asn_id: AsnId,
    /// The pejabat penilai.
    pub evaluator_id: AsnId,
    /// Period year.
    pub period_year: i32,
    /// Period kind.
    pub period_kind: PeriodKind,
    /// Period number within the year.
    pub period_number: i32,
    /// Rating of hasil kerja.
    pub work_result_rating: Option<Rating>,
    /// Rating of perilaku kerja.
    pub behaviour_rating: Option<Rating>,
    /// Predikat computed from the two ratings.
    pub predikat: Option<Predikat>,
    /// The evaluator's summary.
    pub summary: Option<String>,
    /// Stored status (see [`super::workflow::effective_status`]).
    pub status: EvaluationStatus,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// When it became final.
    pub finalized_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Evaluation {
    /// The period of this evaluation.
    pub fn as_period(&self) -> Period {
        Period {
            year: self.period_year,
            kind: self.period_kind,
            number: self.period_number,
        }
    }
}

/// A behaviour note on one core value.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluation_behaviour_notes, check_for_backend(diesel::pg::Pg))]
pub struct BehaviourNoteRow {
    /// The evaluation.
    pub evaluation_id: EvaluationId,
    /// The core value.
    pub core_value: CoreValue,
    /// The note.
    pub note: String,
}

/// An evaluation period: year, kind and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// Year.
    pub year: i32,
    /// Kind.
    pub kind: PeriodKind,
    /// Number within the year (quarter, month, or 1 for the year).
    pub number: i32,
}

impl Period {
    /// Checks the number against the kind and the year against a sane range.
    pub fn validate(self) -> Result<Self, String> {
        if !(2000..=2100).contains(&self.year) {
            return Err(format!("period year {} is outside 2000–2100", self.year));
        }
        let max = match self.kind {
            PeriodKind::Annual => 1,
            PeriodKind::Quarterly => 4,
            PeriodKind::Monthly => 12,
        };
        if !(1..=max).contains(&self.number) {
            return Err(format!(
                "a {} period has numbers 1–{max}, not {}",
                self.kind.as_str(),
                self.number
            ));
        }
        Ok(self)
    }

    /// First and last day of the period.
    pub fn dates(self) -> (NaiveDate, NaiveDate) {
        let (first_month, months) = match self.kind {
            PeriodKind::Annual => (1, 12),
            PeriodKind::Quarterly => ((self.number - 1) * 3 + 1, 3),
            PeriodKind::Monthly => (self.number, 1),
        };
        let start = NaiveDate::from_ymd_opt(self.year, first_month as u32, 1).unwrap_or_default();
        let end = start
            .checked_add_months(chrono::Months::new(months as u32))
            .and_then(|next| next.pred_opt())
            .unwrap_or(start);
        (start, end)
    }

    /// A label such as "Triwulan II 2026", "Tahunan 2026" or "Bulan 3 2026".
    pub fn label(self) -> String {
        const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
        match self.kind {
            PeriodKind::Annual => format!("Tahunan {}", self.year),
            PeriodKind::Quarterly => format!(
                "Triwulan {} {}",
                ROMAN.get((self.number - 1).max(0) as usize).unwrap_or(&"?"),
                self.year
            ),
            PeriodKind::Monthly => format!("Bulan {} {}", self.number, self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_validate_and_span_their_dates() {
        let q2 = Period {
            year: 2026,
            kind: PeriodKind::Quarterly,
            number: 2,
        };
        assert_eq!(q2.validate(), Ok(q2));
        assert_eq!(q2.dates().0.to_string(), "2026-04-01");
        assert_eq!(q2.dates().1.to_string(), "2026-06-30");
        assert_eq!(q2.label(), "Triwulan II 2026");
        let feb = Period {
            year: 2028,
            kind: PeriodKind::Monthly,
            number: 2,
        };
        assert_eq!(feb.dates().1.to_string(), "2028-02-29");
        let year = Period {
            year: 2026,
            kind: PeriodKind::Annual,
            number: 1,
        };
        assert_eq!(year.dates().1.to_string(), "2026-12-31");
        assert!(Period { number: 5, ..q2 }.validate().is_err());
        assert!(Period { number: 0, ..q2 }.validate().is_err());
        assert!(Period { number: 2, ..year }.validate().is_err());
        assert!(Period { year: 1999, ..year }.validate().is_err());
    }
}
