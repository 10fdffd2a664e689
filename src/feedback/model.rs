//! Feedback rows as stored, and their kinds.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::feedback;
use crate::ids::{AsnId, EvaluationId, FeedbackId};

/// What a feedback entry is.
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
pub enum FeedbackKind {
    /// Apresiasi: recognition of good work.
    Appreciation,
    /// Constructive feedback: what to improve.
    Constructive,
    /// Coaching: guidance towards a goal.
    Coaching,
    /// A question, e.g. the evaluated ASN asking about their evaluation.
    Question,
    /// An answer to a question; always a reply.
    Answer,
}
crate::db_text_enum!(FeedbackKind);

/// A feedback entry.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = feedback, check_for_backend(diesel::pg::Pg))]
pub struct Feedback {
    /// Row id.
    pub id: FeedbackId,
    /// Who wrote it.
    pub author_id: AsnId,
    /// To whom.
    pub recipient_id: AsnId,
    /// The evaluation whose dialog it belongs to.
    pub evaluation_id: Option<EvaluationId>,
    /// The entry it replies to.
    pub parent_id: Option<FeedbackId>,
    /// Kind.
    pub kind: FeedbackKind,
    /// Text.
    pub body: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// A new feedback entry.
#[derive(Debug, Insertable)]
#[diesel(table_name = feedback)]
pub struct NewFeedback<'a> {
    /// Author (the viewer).
    pub author_id: AsnId,
    /// Recipient.
    pub recipient_id: AsnId,
    /// Evaluation.
    pub evaluation_id: Option<EvaluationId>,
    /// Parent entry.
    pub parent_id: Option<FeedbackId>,
    /// Kind.
    pub kind: FeedbackKind,
    /// Trimmed text.
    pub body: &'a str,
    /// Now.
    pub created_at: DateTime<Utc>,
}
