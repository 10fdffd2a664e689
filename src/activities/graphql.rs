//! GraphQL face of activities: the `Activity` type, `activities` / `activity`, and the
//! `Asn.activities` / `Asn.activitySummary` fields.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use super::loaders::{ActivitiesOf, SummaryOf};
use super::model::{Activity, ActivityStatus};
use super::queries::{self, ActivityCriteria, ActivityOrderField};
use super::summary::{ActivitySummary, month_bounds};
use crate::asn::model::Asn;
use crate::audit::graphql::{AuditEntry, HistoryOf};
use crate::auth::Viewer;
use crate::auth::rules::{self, RecordKind, Subject};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{self, OrderDirection, PageArgs, connection, list_cost};
use crate::graphql::scalars::Date;
use crate::ids::{ActivityId, AsnId, UnitId};
use crate::targets::graphql::may_read;
use crate::targets::model::PerformanceTarget;

crate::connection_type!(Activity, ActivityConnection, ActivityEdge);

/// The read rule of activities: personal scope, plus inspectors for the units they visited.
pub fn readable(viewer: &Viewer, owner: Subject<'_>) -> bool {
    rules::can_read(viewer, owner, RecordKind::Inspectable)
}

/// The activity `id` for a direct read (`activity`, `node`): None when it does not exist,
/// `FORBIDDEN` when the viewer may not read it.
pub async fn fetch(ctx: &Context<'_>, id: ActivityId) -> AppResult<Option<Activity>> {
    let Some(activity) = ctx.loaders()?.load_one(id).await? else {
        return Ok(None);
    };
    if !may_read(ctx, activity.asn_id, readable).await? {
        return Err(AppError::forbidden(
            "activities are readable by the ASN, their supervisor chain, unit admins above them, \
             admins, and inspectors of units they visited",
        ));
    }
    Ok(Some(activity))
}

/// `Asn.activities`: a page of the ASN's activities, newest first, or None when the viewer may
/// not read them.
pub async fn activities_of(
    ctx: &Context<'_>,
    asn: &Asn,
    page: PageArgs,
    (from, to): (Option<Date>, Option<Date>),
) -> AppResult<Option<ActivityConnection>> {
    let window = page.plan()?.window(None);
    let (from, to) = (from.map(|d| d.0), to.map(|d| d.0));
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(AppError::bad_input("`from` must not be after `to`"));
    }
    if !may_read(ctx, asn.id, readable).await? {
        return Ok(None);
    }
    let key = ActivitiesOf {
        asn: asn.id,
        from,
        to,
        window,
    };
    let page = ctx.loaders()?.load_one(key).await?.unwrap_or_default();
    Ok(Some(connection(page.rows, window, Some(page.total)).into()))
}

/// `Asn.activitySummary`: the ASN's minutes in one month, or None when the viewer may not read
/// their activities.
pub async fn summary_of(
    ctx: &Context<'_>,
    asn: &Asn,
    year: i32,
    month: i32,
) -> AppResult<Option<ActivitySummary>> {
    let month_number = u32::try_from(month).unwrap_or(0);
    month_bounds(year, month_number)?;
    if !may_read(ctx, asn.id, readable).await? {
        return Ok(None);
    }
    let key = SummaryOf {
        asn: asn.id,
        year,
        month: month_number,
    };
    let minutes = ctx.loaders()?.load_one(key).await?.unwrap_or_default();
    let target = ctx.settings()?.rules.monthly_target_minutes;
    Ok(Some(ActivitySummary::new(year, month, minutes, target)))
}

/// One entry of the laporan aktivitas harian (e-Kinerja log): a piece of work on one day,
/// reviewed by the ASN's direct supervisor.
#[Object]
impl Activity {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The ASN who did the work.
    async fn asn(&self, ctx: &Context<'_>) -> AppResult<Asn> {
        ctx.loaders()?
            .load_one(self.asn_id)
            .await?
            .ok_or_else(|| AppError::internal("activity without ASN"))
    }

    /// Local date of the work.
    async fn date(&self) -> Date {
        Date(self.activity_date)
    }

    /// Local start time, `HH:MM`.
    async fn start_time(&self) -> String {
        self.start_time.format("%H:%M").to_string()
    }

    /// Local end time, `HH:MM`.
    async fn end_time(&self) -> String {
        self.end_time.format("%H:%M").to_string()
    }

    /// Duration in minutes, derived from the start and end times.
    async fn minutes(&self) -> i32 {
        self.minutes
    }

    /// What was done.
    async fn description(&self) -> &str {
        &self.description
    }

    /// How much was produced, in `outputUnit`.
    async fn output_quantity(&self) -> Option<i32> {
        self.output_quantity
    }

    /// Unit of the output, e.g. `dokumen`, `pasien`.
    async fn output_unit(&self) -> Option<&str> {
        self.output_unit.as_deref()
    }

    /// Link to evidence of the work (http or https).
    async fn evidence_url(&self) -> Option<&str> {
        self.evidence_url.as_deref()
    }

    /// The ASN's RHK the work contributes to; null when there is none or the viewer may not
    /// read the ASN's targets.
    async fn target(&self, ctx: &Context<'_>) -> AppResult<Option<PerformanceTarget>> {
        let Some(id) = self.target_id else {
            return Ok(None);
        };
        // An activity's target is its owner's own, so the visibility check starts together
        // with the target's load: the owner's lookup joins the batch of this level instead of
        // starting a later one.
        let (readable, target) = tokio::join!(
            may_read(ctx, self.asn_id, rules::can_read_targets),
            ctx.loaders()?.load_one(id)
        );
        let Some(target) = target? else {
            return Ok(None);
        };
        let readable = if target.asn_id == self.asn_id {
            readable?
        } else {
            may_read(ctx, target.asn_id, rules::can_read_targets).await?
        };
        Ok(readable.then_some(target))
    }

    /// Review status.
    async fn status(&self) -> ActivityStatus {
        self.status
    }

    /// The supervisor who reviewed the activity.
    async fn reviewed_by(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        match self.reviewed_by {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }

    /// When the activity was reviewed.
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.reviewed_at
    }

    /// The reviewer's note (required when returning or rejecting).
    async fn review_note(&self) -> Option<&str> {
        self.review_note.as_deref()
    }

    /// When the activity was reported.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When the activity last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// The audited changes (reported, edited, reviewed), oldest first, including earlier review
    /// notes; null when the viewer may not read the ASN's personal records.
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<AuditEntry>>> {
        if !may_read(ctx, self.asn_id, rules::can_read_personal).await? {
            return Ok(None);
        }
        let entries = ctx
            .loaders()?
            .load_one(HistoryOf(ActivityId::TYPE_NAME, self.id.0))
            .await?
            .unwrap_or_default();
        Ok(Some(entries))
    }
}

/// Which activities to list. All conditions must hold.
#[derive(InputObject, Debug, Default)]
pub struct ActivityFilter {
    /// Of this ASN.
    pub asn_id: Option<ID>,
    /// Of the ASN working in this unit or any of its sub-units.
    pub unit_id: Option<ID>,
    /// On or after this date.
    pub from: Option<Date>,
    /// On or before this date.
    pub to: Option<Date>,
    /// In any of these statuses.
    pub status: Option<Vec<ActivityStatus>>,
}

impl ActivityFilter {
    fn criteria(self) -> AppResult<ActivityCriteria> {
        let criteria = ActivityCriteria {
            asn: self.asn_id.as_ref().map(AsnId::from_global).transpose()?,
            unit: self.unit_id.as_ref().map(UnitId::from_global).transpose()?,
            from: self.from.map(|d| d.0),
            to: self.to.map(|d| d.0),
            statuses: self.status.unwrap_or_default(),
        };
        if let (Some(from), Some(to)) = (criteria.from, criteria.to)
            && from > to
        {
            return Err(AppError::bad_input("`from` must not be after `to`"));
        }
        Ok(criteria)
    }
}

/// Order of an activity list.
#[derive(InputObject, Debug)]
pub struct ActivityOrder {
    /// Sort key.
    #[graphql(default)]
    pub field: ActivityOrderField,
    /// Direction; newest (or largest) first by default.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl Default for ActivityOrder {
    fn default() -> Self {
        Self {
            field: ActivityOrderField::Date,
            direction: OrderDirection::Desc,
        }
    }
}

/// Activity queries.
#[derive(Default)]
pub struct ActivitiesQuery;

#[Object]
impl ActivitiesQuery {
    /// Daily activities the viewer may read, filtered; newest first unless `orderBy` says
    /// otherwise.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which activities; all conditions must hold.")] filter: Option<
            ActivityFilter,
        >,
        #[graphql(desc = "Sort order; by date, newest first, by default.")] order_by: Option<
            ActivityOrder,
        >,
        #[graphql(desc = "At most this many from the start (≤ 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (≤ 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> AppResult<ActivityConnection> {
        let viewer = ctx.viewer()?;
        let plan = PageArgs {
            first,
            after,
            last,
            before,
        }
        .plan()?;
        let criteria = filter.unwrap_or_default().criteria()?;
        let order = order_by.unwrap_or_default();
        let mut conn = ctx.db()?.conn().await?;
        let total = if plan.needs_total() || pagination::wants_total(ctx) {
            Some(queries::count(&mut conn, viewer, &criteria).await?)
        } else {
            None
        };
        let window = plan.window(total);
        let rows = queries::page(
            &mut conn,
            viewer,
            &criteria,
            (order.field, order.direction),
            window,
        )
        .await?;
        Ok(connection(rows, window, total).into())
    }

    /// One activity; null with `FORBIDDEN` when the viewer may not read it.
    async fn activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the activity.")] id: ID,
    ) -> AppResult<Option<Activity>> {
        ctx.viewer()?;
        let id = ActivityId::from_global(&id)?;
        fetch(ctx, id)
            .await?
            .map(Some)
            .ok_or_else(|| AppError::not_found("no activity with that ID"))
    }
}
