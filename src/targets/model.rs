//! Target rows as stored, and their enums.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{performance_targets, target_indicators};
use crate::ids::{AsnId, TargetId};

/// Kind of RHK.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum TargetKind {
    /// RHK utama: the main results the position exists for.
    Utama,
    /// RHK tambahan: additional results beyond the position's main ones.
    Tambahan,
}

/// Where a target is in its agreement.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum TargetStatus {
    /// Being written by the ASN; editable.
    Draft,
    /// Agreed by the direct supervisor; no longer editable.
    Agreed,
}

/// Aspect an indicator measures.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum IndicatorAspect {
    /// Kuantitas: how much (documents, patients, reports).
    Kuantitas,
    /// Kualitas: how well (accuracy, satisfaction, compliance).
    Kualitas,
    /// Waktu: how fast or by when.
    Waktu,
}

crate::db_text_enum!(TargetKind, TargetStatus, IndicatorAspect);

/// A performance target (RHK).
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = performance_targets, check_for_backend(diesel::pg::Pg))]
pub struct PerformanceTarget {
    /// Row id.
    pub id: TargetId,
    /// The ASN whose RHK it is.
    pub asn_id: AsnId,
    /// SKP year.
    pub year: i32,
    /// The result to achieve.
    pub title: String,
    /// UTAMA or TAMBAHAN.
    pub kind: TargetKind,
    /// The supervisor's RHK this one intervenes on.
    pub parent_target_id: Option<TargetId>,
    /// DRAFT or AGREED.
    pub status: TargetStatus,
    /// The supervisor who agreed it.
    pub agreed_by: Option<AsnId>,
    /// When it was agreed.
    pub agreed_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// An indicator (IKI) of a target.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = target_indicators, check_for_backend(diesel::pg::Pg))]
pub struct IndicatorRow {
    /// Row id.
    pub id: i64,
    /// The target.
    pub target_id: TargetId,
    /// Aspect.
    pub aspect: IndicatorAspect,
    /// What is measured.
    pub description: String,
    /// Target value.
    pub target_value: f64,
    /// Unit of measure.
    pub unit_of_measure: String,
}

/// A new target.
#[derive(Debug, Insertable)]
#[diesel(table_name = performance_targets)]
pub struct NewTarget<'a> {
    /// Owner.
    pub asn_id: AsnId,
    /// Year.
    pub year: i32,
    /// Title.
    pub title: &'a str,
    /// Kind.
    pub kind: TargetKind,
    /// Parent target.
    pub parent_target_id: Option<TargetId>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Same as creation.
    pub updated_at: DateTime<Utc>,
}

/// A validated indicator, ready to insert under a target.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValues {
    /// Aspect.
    pub aspect: IndicatorAspect,
    /// What is measured.
    pub description: String,
    /// Target value (finite, ≥ 0).
    pub target_value: f64,
    /// Unit of measure.
    pub unit_of_measure: String,
}

impl PerformanceTarget {
    /// The audited fields.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "title": self.title,
            "kind": self.kind.as_str(),
            "status": self.status.as_str(),
            "parentTargetId": self.parent_target_id.map(|id| id.0),
        })
    }
}
