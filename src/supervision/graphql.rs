//! GraphQL face of supervision: `SupervisionVisit`, `Observation`, `supervisionVisits`,
//! `supervisionVisit`, and the helpers behind `Asn.observations` and `Evaluation.observations`.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, NaiveDate, Utc};

use super::loaders::{ObservationsOf, ObservationsOfAsn, ObservationsOnVisit, TeamOf};
use super::model::{Observation, SupervisionVisit};
use super::queries::{self, VisitCriteria};
use crate::asn::loaders::with_unit;
use crate::asn::model::Asn;
use crate::auth::rules::{self, RecordKind, SqlScope};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{self, OrderDirection, PageArgs, connection, list_cost};
use crate::graphql::scalars::Date;
use crate::ids::{AsnId, ObservationId, UnitId, VisitId};
use crate::ratings::Rating;
use crate::units::model::Unit;

crate::connection_type!(
    SupervisionVisit,
    SupervisionVisitConnection,
    SupervisionVisitEdge
);
crate::connection_type!(Observation, ObservationConnection, ObservationEdge);

/// A visit of the independent evaluation team (pengawasan) to a unit. Every authenticated
/// caller may read the visit itself; its observations follow the observation rule.
#[Object]
impl SupervisionVisit {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The visited unit.
    async fn unit(&self, ctx: &Context<'_>) -> AppResult<Unit> {
        ctx.loaders()?
            .load_one(self.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("visit without unit"))
    }

    /// Day of the visit (local calendar).
    async fn visited_on(&self) -> Date {
        Date(self.visited_on)
    }

    /// What the team saw overall.
    async fn summary(&self) -> &str {
        &self.summary
    }

    /// The inspector who recorded the visit.
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Asn> {
        ctx.loaders()?
            .load_one(self.recorded_by)
            .await?
            .ok_or_else(|| AppError::internal("visit without recorder"))
    }

    /// The inspectors who made the visit, by name.
    async fn team(&self, ctx: &Context<'_>) -> AppResult<Vec<Asn>> {
        let loaders = ctx.loaders()?;
        let ids = loaders.load_one(TeamOf(self.id)).await?.unwrap_or_default();
        let mut found = loaders.load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// The observations of this visit the viewer may read (of themself, of ASN below them, of
    /// units they administer; all of them for the team and admins), in recording order.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<ObservationConnection> {
        let scope = SqlScope::of(ctx.viewer()?, RecordKind::Personal);
        let window = PageArgs::forward(first, after).plan()?.window(None);
        let key = ObservationsOnVisit {
            visit: self.id,
            window,
            scope,
        };
        let page = ctx.loaders()?.load_one(key).await?.unwrap_or_default();
        Ok(connection(page.rows, window, Some(page.total)).into())
    }

    /// When the visit was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.created_at
    }
}

/// A direct observation of one ASN during a supervision visit: a finding and a
/// service-quality rating. Visible to the observed ASN, their supervisor chain, unit admins
/// above them, admins and the inspectors of the visit.
#[Object]
impl Observation {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The visit it was made on.
    async fn visit(&self, ctx: &Context<'_>) -> AppResult<SupervisionVisit> {
        ctx.loaders()?
            .load_one(self.visit_id)
            .await?
            .ok_or_else(|| AppError::internal("observation without visit"))
    }

    /// The observed ASN.
    async fn asn(&self, ctx: &Context<'_>) -> AppResult<Asn> {
        ctx.loaders()?
            .load_one(self.asn_id)
            .await?
            .ok_or_else(|| AppError::internal("observation without ASN"))
    }

    /// What the team found.
    async fn finding(&self) -> &str {
        &self.finding
    }

    /// Service quality against expectation.
    async fn rating(&self) -> Rating {
        self.rating
    }

    /// Link to the evidence (photo, document), if any.
    async fn evidence_url(&self) -> Option<&str> {
        self.evidence_url.as_deref()
    }

    /// When the observation was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.created_at
    }
}

/// Whether the viewer may read `observation` (loads the observed ASN and the team).
pub async fn readable(ctx: &Context<'_>, observation: &Observation) -> AppResult<bool> {
    let viewer = ctx.viewer()?;
    let loaders = ctx.loaders()?;
    let (asn, unit) = with_unit(loaders, observation.asn_id).await?;
    let team = loaders
        .load_one(TeamOf(observation.visit_id))
        .await?
        .unwrap_or_default();
    Ok(rules::can_read_observation(
        viewer,
        asn.subject(&unit.path),
        &team,
    ))
}

/// The observation with `id`: `NOT_FOUND` when it does not exist, `FORBIDDEN` when the viewer
/// may not read it (for `node(id)`).
pub async fn load_readable(ctx: &Context<'_>, id: ObservationId) -> AppResult<Observation> {
    let observation = ctx
        .loaders()?
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::not_found("no observation with that ID"))?;
    if !readable(ctx, &observation).await? {
        return Err(AppError::forbidden("you may not read this observation"));
    }
    Ok(observation)
}

/// The observations of `asn_id` made on visits from `from` to `to` that the viewer may read,
/// oldest visit first (for `Evaluation.observations`: pass the evaluation's ASN and period).
pub async fn observations_for(
    ctx: &Context<'_>,
    asn_id: AsnId,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<Observation>> {
    let viewer = ctx.viewer()?;
    let loaders = ctx.loaders()?;
    let rows = loaders
        .load_one(ObservationsOf { asn_id, from, to })
        .await?
        .unwrap_or_default();
    if rows.is_empty() {
        return Ok(rows);
    }
    let (asn, unit) = with_unit(loaders, asn_id).await?;
    if rules::can_read_personal(viewer, asn.subject(&unit.path)) {
        return Ok(rows);
    }
    let teams = loaders
        .load_many(rows.iter().map(|o| TeamOf(o.visit_id)))
        .await?;
    Ok(rows
        .into_iter()
        .filter(|o| {
            let team = teams
                .get(&TeamOf(o.visit_id))
                .map_or(&[][..], Vec::as_slice);
            rules::can_read_observation(viewer, asn.subject(&unit.path), team)
        })
        .collect())
}

/// `Asn.observations`: the observations of `asn` the viewer may read, newest visit first.
pub async fn of_asn(
    ctx: &Context<'_>,
    asn: &Asn,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<ObservationConnection> {
    let scope = SqlScope::of(ctx.viewer()?, RecordKind::Personal);
    let window = PageArgs::forward(first, after).plan()?.window(None);
    let key = ObservationsOfAsn {
        asn: asn.id,
        window,
        scope,
    };
    let page = ctx.loaders()?.load_one(key).await?.unwrap_or_default();
    Ok(connection(page.rows, window, Some(page.total)).into())
}

/// Which visits to list. All conditions must hold.
#[derive(InputObject, Debug, Default)]
pub struct SupervisionVisitFilter {
    /// Visits to this unit or any of its sub-units.
    pub unit_id: Option<ID>,
    /// Visits on or after this day.
    pub from: Option<Date>,
    /// Visits on or before this day.
    pub to: Option<Date>,
    /// Visits with this inspector on the team.
    pub inspector_id: Option<ID>,
}

impl SupervisionVisitFilter {
    fn criteria(self) -> AppResult<VisitCriteria> {
        let from = self.from.map(|d| d.0);
        let to = self.to.map(|d| d.0);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(AppError::bad_input("`from` must not be after `to`"));
        }
        Ok(VisitCriteria {
            unit: self.unit_id.as_ref().map(UnitId::from_global).transpose()?,
            from,
            to,
            inspector: self
                .inspector_id
                .as_ref()
                .map(AsnId::from_global)
                .transpose()?,
        })
    }
}

/// Order of a visit list: by visit day (then by id).
#[derive(InputObject, Debug)]
pub struct SupervisionVisitOrder {
    /// Direction; newest first by default.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

/// Supervision queries.
#[derive(Default)]
pub struct SupervisionQuery;

#[Object]
impl SupervisionQuery {
    /// Supervision visits, newest first unless `orderBy` says otherwise. Visits are readable by
    /// every authenticated caller; their observations follow the observation rule.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn supervision_visits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which visits; all conditions must hold.")] filter: Option<
            SupervisionVisitFilter,
        >,
        #[graphql(desc = "Sort order; newest first by default.")] order_by: Option<
            SupervisionVisitOrder,
        >,
        #[graphql(desc = "At most this many from the start (≤ 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (≤ 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> AppResult<SupervisionVisitConnection> {
        ctx.viewer()?;
        let plan = PageArgs {
            first,
            after,
            last,
            before,
        }
        .plan()?;
        let criteria = filter.unwrap_or_default().criteria()?;
        let direction = order_by.map_or(OrderDirection::Desc, |o| o.direction);
        let mut conn = ctx.db()?.conn().await?;
        let total = if plan.needs_total() || pagination::wants_total(ctx) {
            Some(queries::count(&mut conn, &criteria).await?)
        } else {
            None
        };
        let window = plan.window(total);
        let rows = queries::page(&mut conn, &criteria, direction, window).await?;
        Ok(connection(rows, window, total).into())
    }

    /// One supervision visit; null with `NOT_FOUND` when it does not exist.
    async fn supervision_visit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the visit.")] id: ID,
    ) -> AppResult<Option<SupervisionVisit>> {
        ctx.viewer()?;
        let id = VisitId::from_global(&id)?;
        ctx.loaders()?
            .load_one(id)
            .await?
            .map(Some)
            .ok_or_else(|| AppError::not_found("no supervision visit with that ID"))
    }
}
