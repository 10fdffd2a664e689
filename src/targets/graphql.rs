//! GraphQL face of targets: the `PerformanceTarget` type, `Asn.targets` and the visibility
//! checks every read of a target goes through.

use std::collections::HashSet;

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::loaders::{ChildTargetsOf, IndicatorsOf, TargetsOf};
use super::model::{IndicatorAspect, IndicatorRow, PerformanceTarget, TargetKind, TargetStatus};
use crate::activities::graphql::ActivityConnection;
use crate::activities::loaders::ActivitiesOfTarget;
use crate::asn::loaders::with_unit;
use crate::asn::model::Asn;
use crate::audit::graphql::{AuditEntry, HistoryOf};
use crate::auth::Viewer;
use crate::auth::rules::{self, RecordKind, Subject};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{PageArgs, connection, list_cost};
use crate::ids::{AsnId, TargetId};

/// An indicator (Indikator Kinerja Individu) of an RHK: what is measured and the value to reach.
#[derive(SimpleObject, Debug, Clone)]
pub struct TargetIndicator {
    /// Aspect measured: KUANTITAS, KUALITAS or WAKTU.
    pub aspect: IndicatorAspect,
    /// What is measured, e.g. "Persentase pasien hipertensi yang mendapat pelayanan sesuai standar".
    pub description: String,
    /// The value to reach.
    pub target_value: f64,
    /// Unit of the value, e.g. `persen`, `dokumen`, `hari`.
    pub unit_of_measure: String,
}

impl From<IndicatorRow> for TargetIndicator {
    fn from(row: IndicatorRow) -> Self {
        Self {
            aspect: row.aspect,
            description: row.description,
            target_value: row.target_value,
            unit_of_measure: row.unit_of_measure,
        }
    }
}

/// Keeps the items whose owner passes `rule` for the viewer. Owners and their units are loaded
/// through the request's loader, so a list of any length costs two batched statements at most.
pub async fn keep_readable<T>(
    ctx: &Context<'_>,
    items: Vec<T>,
    owner: impl Fn(&T) -> AsnId,
    rule: impl Fn(&Viewer, Subject<'_>) -> bool,
) -> AppResult<Vec<T>> {
    if items.is_empty() {
        return Ok(items);
    }
    let viewer = ctx.viewer()?;
    let loaders = ctx.loaders()?;
    let owners = loaders.load_many(items.iter().map(&owner)).await?;
    let units = loaders
        .load_many(owners.values().map(|a| a.unit_id))
        .await?;
    let readable: HashSet<AsnId> = owners
        .values()
        .filter(|asn| {
            units
                .get(&asn.unit_id)
                .is_some_and(|unit| rule(viewer, asn.subject(&unit.path)))
        })
        .map(|asn| asn.id)
        .collect();
    Ok(items
        .into_iter()
        .filter(|item| readable.contains(&owner(item)))
        .collect())
}

/// Whether the viewer may read records of the ASN `owner` under `rule`.
pub async fn may_read(
    ctx: &Context<'_>,
    owner: AsnId,
    rule: impl Fn(&Viewer, Subject<'_>) -> bool,
) -> AppResult<bool> {
    let viewer = ctx.viewer()?;
    let (asn, unit) = with_unit(ctx.loaders()?, owner).await?;
    Ok(rule(viewer, asn.subject(&unit.path)))
}

/// The target `id` for a direct read (`node`): None when it does not exist, `FORBIDDEN` when
/// the viewer may not read it.
pub async fn fetch(ctx: &Context<'_>, id: TargetId) -> AppResult<Option<PerformanceTarget>> {
    let Some(target) = ctx.loaders()?.load_one(id).await? else {
        return Ok(None);
    };
    if !may_read(ctx, target.asn_id, rules::can_read_targets).await? {
        return Err(AppError::forbidden(
            "targets are readable by the ASN, their supervisor chain, their direct reports and admins",
        ));
    }
    Ok(Some(target))
}

/// `Asn.targets`: the ASN's targets, or None when the viewer may not read them.
pub async fn targets_of(
    ctx: &Context<'_>,
    asn: &Asn,
    year: Option<i32>,
) -> AppResult<Option<Vec<PerformanceTarget>>> {
    if !may_read(ctx, asn.id, rules::can_read_targets).await? {
        return Ok(None);
    }
    let rows = ctx
        .loaders()?
        .load_one(TargetsOf(asn.id, year))
        .await?
        .unwrap_or_default();
    Ok(Some(rows))
}

/// A performance target: one Rencana Hasil Kerja (RHK) of an ASN's yearly SKP, with its
/// indicators and the supervisor's RHK it cascades from.
#[Object]
impl PerformanceTarget {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The ASN whose RHK this is.
    async fn asn(&self, ctx: &Context<'_>) -> AppResult<Asn> {
        ctx.loaders()?
            .load_one(self.asn_id)
            .await?
            .ok_or_else(|| AppError::internal("target without ASN"))
    }

    /// SKP year.
    async fn year(&self) -> i32 {
        self.year
    }

    /// The result to achieve.
    async fn title(&self) -> &str {
        &self.title
    }

    /// UTAMA or TAMBAHAN.
    async fn kind(&self) -> TargetKind {
        self.kind
    }

    /// DRAFT (editable by the ASN) or AGREED (by the direct supervisor).
    async fn status(&self) -> TargetStatus {
        self.status
    }

    /// The indicators (IKI), in the order they were written.
    async fn indicators(&self, ctx: &Context<'_>) -> AppResult<Vec<TargetIndicator>> {
        let rows = ctx
            .loaders()?
            .load_one(IndicatorsOf(self.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(TargetIndicator::from).collect())
    }

    /// The direct supervisor's RHK this one intervenes on (cascading); null when there is none
    /// or the viewer may not read it.
    async fn parent_target(&self, ctx: &Context<'_>) -> AppResult<Option<PerformanceTarget>> {
        let Some(parent) = self.parent_target_id else {
            return Ok(None);
        };
        let Some(parent) = ctx.loaders()?.load_one(parent).await? else {
            return Ok(None);
        };
        Ok(may_read(ctx, parent.asn_id, rules::can_read_targets)
            .await?
            .then_some(parent))
    }

    /// The direct reports' RHK that cascade from this one, UTAMA first; only those the viewer
    /// may read.
    async fn child_targets(&self, ctx: &Context<'_>) -> AppResult<Vec<PerformanceTarget>> {
        let rows = ctx
            .loaders()?
            .load_one(ChildTargetsOf(self.id))
            .await?
            .unwrap_or_default();
        keep_readable(ctx, rows, |t| t.asn_id, rules::can_read_targets).await
    }

    /// The supervisor who agreed the target.
    async fn agreed_by(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        match self.agreed_by {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }

    /// When the target was agreed.
    async fn agreed_at(&self) -> Option<DateTime<Utc>> {
        self.agreed_at
    }

    /// When the target was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When the target last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// Daily activities reported against this target, newest first; null when the viewer may
    /// not read the owner's activities.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<Option<ActivityConnection>> {
        let window = PageArgs::forward(first, after).plan()?.window(None);
        let readable = may_read(ctx, self.asn_id, |viewer, subject| {
            rules::can_read(viewer, subject, RecordKind::Inspectable)
        })
        .await?;
        if !readable {
            return Ok(None);
        }
        let page = ctx
            .loaders()?
            .load_one(ActivitiesOfTarget(self.id, window))
            .await?
            .unwrap_or_default();
        Ok(Some(connection(page.rows, window, Some(page.total)).into()))
    }

    /// The audited changes of the target (created, updated, agreed), oldest first; null when
    /// the viewer may not read the owner's personal records.
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<AuditEntry>>> {
        if !may_read(ctx, self.asn_id, rules::can_read_personal).await? {
            return Ok(None);
        }
        let entries = ctx
            .loaders()?
            .load_one(HistoryOf(TargetId::TYPE_NAME, self.id.0))
            .await?
            .unwrap_or_default();
        Ok(Some(entries))
    }
}
