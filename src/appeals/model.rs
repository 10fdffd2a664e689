//! Appeal rows as stored, and their enums.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::appeals;
use crate::ids::{AppealId, AsnId, EvaluationId};
use crate::ratings::Rating;

/// Where an appeal stands.
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
pub enum AppealStatus {
    /// Filed and waiting for the atasan pejabat penilai; the evaluation is locked.
    Open,
    /// Decided: the original ratings stand.
    Rejected,
    /// Decided: new ratings replace the original ones.
    Revised,
}
crate::db_text_enum!(AppealStatus);

/// The decision on an appeal.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealDecision {
    /// The original ratings stand.
    Rejected,
    /// New ratings (both required) replace the original ones and give a new predikat.
    Revised,
}

/// An appeal row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = appeals, check_for_backend(diesel::pg::Pg))]
pub struct Appeal {
    /// Row id.
    pub id: AppealId,
    /// The appealed evaluation.
    pub evaluation_id: EvaluationId,
    /// The evaluated ASN who filed it.
    pub appellant_id: AsnId,
    /// Their reasons.
    pub reason: String,
    /// Where it stands.
    pub status: AppealStatus,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<AsnId>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The decider's reasoning.
    pub decision_note: Option<String>,
    /// Rating of hasil kerja when the appeal was filed.
    pub original_work_result_rating: Rating,
    /// Rating of perilaku kerja when the appeal was filed.
    pub original_behaviour_rating: Rating,
    /// Revised rating of hasil kerja.
    pub new_work_result_rating: Option<Rating>,
    /// Revised rating of perilaku kerja.
    pub new_behaviour_rating: Option<Rating>,
}
