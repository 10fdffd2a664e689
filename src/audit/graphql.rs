//! GraphQL face of the audit trail: `AuditEntry`, reachable from the records it describes and
//! from `Asn.auditTrail` (readable by whoever may read that ASN's personal records, each entry
//! only where the record it describes is readable too).

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::asn::model::Asn;
use crate::auth::rules::{self, RecordKind, SqlScope};
use crate::db::schema::audit_log;
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::ids::{AsnId, encode_global};

crate::connection_type!(AuditEntry, AuditEntryConnection, AuditEntryEdge);

/// An audit-log row.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct AuditEntry {
    /// Row id.
    pub id: i64,
    /// Who made the change.
    pub actor_id: Option<AsnId>,
    /// Whom the changed record is about.
    pub subject_asn_id: Option<AsnId>,
    /// GraphQL type of the changed record.
    pub entity_type: String,
    /// Row id of the changed record.
    pub entity_id: i64,
    /// What happened.
    pub action: String,
    /// State before.
    pub before: Option<serde_json::Value>,
    /// State after.
    pub after: Option<serde_json::Value>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One recorded change of a rating, status or decision.
#[Object]
impl AuditEntry {
    /// Who made the change; null when the system did (e.g. an appeal window closing).
    async fn actor(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        match self.actor_id {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }

    /// What happened, e.g. `CREATED`, `PUBLISHED`, `RATINGS_CHANGED`, `DECIDED`.
    async fn action(&self) -> &str {
        &self.action
    }

    /// Global ID of the changed record.
    async fn entity_id(&self) -> ID {
        encode_global(&self.entity_type, self.entity_id)
    }

    /// Type of the changed record (`Evaluation`, `Appeal`, `Activity`, …).
    async fn entity_type(&self) -> &str {
        &self.entity_type
    }

    /// The changed fields before the change; null for a creation.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.before.clone().map(Json)
    }

    /// The changed fields after the change.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.after.clone().map(Json)
    }

    /// When the change was made.
    async fn at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// The ASN the changed record is about.
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        match self.subject_asn_id {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }
}

/// Entries about one record, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HistoryOf(pub &'static str, pub i64);

impl async_graphql::dataloader::Loader<HistoryOf> for crate::graphql::loaders::DbLoader {
    type Value = Vec<AuditEntry>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[HistoryOf],
    ) -> Result<std::collections::HashMap<HistoryOf, Vec<AuditEntry>>, AppError> {
        let mut out: std::collections::HashMap<HistoryOf, Vec<AuditEntry>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        let mut conn = self.db.conn().await?;
        // One statement per entity type in the batch (normally one).
        let mut types: Vec<&'static str> = keys.iter().map(|k| k.0).collect();
        types.sort_unstable();
        types.dedup();
        for entity_type in types {
            let ids: Vec<i64> = keys
                .iter()
                .filter(|k| k.0 == entity_type)
                .map(|k| k.1)
                .collect();
            let rows: Vec<AuditEntry> = audit_log::table
                .filter(audit_log::entity_type.eq(entity_type))
                .filter(audit_log::entity_id.eq_any(ids))
                .order_by(audit_log::id)
                .select(AuditEntry::as_select())
                .load(&mut conn)
                .await?;
            for row in rows {
                out.entry(HistoryOf(entity_type, row.entity_id))
                    .or_default()
                    .push(row);
            }
        }
        Ok(out)
    }
}

/// A page of the audit entries about one ASN, newest first, that the viewer (of `scope`, for
/// [`RecordKind::Inspectable`] records) may read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuditAbout(
    pub AsnId,
    pub crate::graphql::pagination::Window,
    pub SqlScope,
);

/// SQL ranking the audit entries about the ASN in `$1` that describe records the viewer may
/// read, newest first; the viewer's scope is bound from `$4`.
fn about_sql() -> String {
    format!(
        "SELECT l.*, \
         count(*) OVER (PARTITION BY l.subject_asn_id) AS total, \
         row_number() OVER (PARTITION BY l.subject_asn_id ORDER BY l.id DESC) AS __rn \
         FROM audit_log l WHERE l.subject_asn_id = ANY($1) AND {}",
        rules::audit_entry_sql("l", 4)
    )
}

impl async_graphql::dataloader::Loader<AuditAbout> for crate::graphql::loaders::DbLoader {
    type Value = crate::db::ranked::ChildPage<AuditEntry>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[AuditAbout],
    ) -> Result<std::collections::HashMap<AuditAbout, Self::Value>, AppError> {
        let keys: Vec<(AsnId, crate::graphql::pagination::Window, SqlScope)> =
            keys.iter().map(|k| (k.0, k.1, k.2.clone())).collect();
        let pages = crate::db::ranked::child_pages_with(
            &self.db,
            &about_sql(),
            &keys,
            |e: &AuditEntry| e.subject_asn_id.unwrap_or(AsnId(0)),
            SqlScope::bind,
        )
        .await?;
        Ok(pages
            .into_iter()
            .map(|((asn, window, scope), page)| (AuditAbout(asn, window, scope), page))
            .collect())
    }
}

/// `Asn.auditTrail`: the audit entries about `asn`, for those who may read the ASN's personal
/// records (the ASN themself included); null for everyone else. Each entry also obeys the read
/// rule of the record it describes ([`rules::audit_entry_sql`]).
pub async fn about(
    ctx: &Context<'_>,
    asn: &Asn,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<Option<AuditEntryConnection>> {
    use crate::graphql::pagination::{PageArgs, connection};
    let viewer = ctx.viewer()?;
    let unit = ctx
        .loaders()?
        .load_one(asn.unit_id)
        .await?
        .ok_or_else(|| AppError::internal("ASN without unit"))?;
    if !rules::can_read_personal(viewer, asn.subject(&unit.path)) {
        return Ok(None);
    }
    let window = PageArgs::forward(first, after).plan()?.window(None);
    let scope = SqlScope::of(viewer, RecordKind::Inspectable);
    let page = ctx
        .loaders()?
        .load_one(AuditAbout(asn.id, window, scope))
        .await?
        .unwrap_or_default();
    Ok(Some(connection(page.rows, window, Some(page.total)).into()))
}
