//! The audit trail: every change of a rating, status or decision is recorded with who made it,
//! when, and the state before and after, in the same transaction as the change. The ASN the
//! change is about (`subject`) can read the entries about themself.

pub mod graphql;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::db::schema::audit_log;
use crate::error::AppResult;
use crate::ids::AsnId;

/// One audited change.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// Who made it (None for the system, e.g. an appeal window closing).
    pub actor: Option<AsnId>,
    /// The ASN the changed record is about.
    pub subject: AsnId,
    /// GraphQL type of the record (`Evaluation`, `Appeal`, …).
    pub entity_type: &'static str,
    /// Row id of the record.
    pub entity_id: i64,
    /// What happened, e.g. `PUBLISHED`, `DECIDED`, `RATINGS_CHANGED`.
    pub action: &'a str,
    /// Relevant fields before; None for a creation.
    pub before: Option<Value>,
    /// Relevant fields after.
    pub after: Option<Value>,
}

/// Appends `change` to the audit log, stamped `at`. Call inside the change's transaction.
pub async fn record(
    conn: &mut AsyncPgConnection,
    change: Change<'_>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    record_all(conn, vec![change], at).await
}

/// Appends `changes` to the audit log in one statement, stamped `at`, in their order (none:
/// no statement). Call inside the changes' transaction.
pub async fn record_all(
    conn: &mut AsyncPgConnection,
    changes: Vec<Change<'_>>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = changes
        .into_iter()
        .map(|change| {
            (
                audit_log::actor_id.eq(change.actor),
                audit_log::subject_asn_id.eq(change.subject),
                audit_log::entity_type.eq(change.entity_type),
                audit_log::entity_id.eq(change.entity_id),
                audit_log::action.eq(change.action),
                audit_log::before.eq(change.before),
                audit_log::after.eq(change.after),
                audit_log::created_at.eq(at),
            )
        })
        .collect();
    diesel::insert_into(audit_log::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}
