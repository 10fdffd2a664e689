//! Loads the unit a dashboard asks about and applies the aggregate rule of
//! [`crate::auth::rules::aggregate_coverage`] to it, in one statement.

use async_graphql::{Context, ID};
use diesel::sql_types::{Array, BigInt, Text};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::RunQueryDsl;

use crate::auth::rules::{
    AggregateCoverage, RecordKind, SqlScope, UnitFacts, aggregate_coverage, hides_small_groups,
};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::ids::UnitId;
use crate::units::model::Unit;

/// A unit whose aggregates the viewer may read, and the records they count.
#[derive(Debug, Clone)]
pub struct Scoped {
    /// The unit asked about.
    pub unit: Unit,
    /// Whether sub-units are counted too.
    pub include_subunits: bool,
    /// Which records the figures may count.
    pub coverage: AggregateCoverage,
    /// The scope for evaluations and activities.
    pub inspectable: SqlScope,
    /// The scope for appeals.
    pub personal: SqlScope,
    /// The smallest group whose figures the viewer is shown, when small groups are withheld
    /// from them ([`crate::auth::rules::hides_small_groups`]); None when nothing is withheld.
    pub minimum_group: Option<i64>,
}

impl Scoped {
    /// The `LIKE` pattern of the paths of the units counted: the unit's subtree, or the unit.
    pub fn unit_pattern(&self) -> String {
        if self.include_subunits {
            format!("{}%", self.unit.path)
        } else {
            self.unit.path.clone()
        }
    }
}

#[derive(QueryableByName)]
struct UnitWithHeads {
    #[diesel(embed)]
    unit: Unit,
    #[diesel(sql_type = Array<Text>)]
    head_paths: Vec<String>,
}

/// The unit and the supervisor paths of the heads of it and of every unit above it.
const UNIT_SQL: &str = "SELECT units.*, ARRAY( \
       SELECT h.supervisor_path FROM units a JOIN asn h ON h.id = a.head_id \
       WHERE units.path LIKE a.path || '%') AS head_paths \
     FROM units WHERE units.id = $1";

/// The unit `unit_id` with the viewer's scope on its aggregates: NOT_FOUND for an unknown
/// unit, FORBIDDEN when the viewer may not read its aggregates. The unit is fed to the
/// request's loader, so resolving it again costs no statement.
pub async fn authorize(
    ctx: &Context<'_>,
    unit_id: &ID,
    include_subunits: bool,
) -> AppResult<Scoped> {
    let viewer = ctx.viewer()?;
    let id = UnitId::from_global(unit_id)?;
    let mut conn = ctx.db()?.conn().await?;
    let found: Option<UnitWithHeads> = diesel::sql_query(UNIT_SQL)
        .bind::<BigInt, _>(id.0)
        .get_result(&mut conn)
        .await
        .optional()?;
    drop(conn);
    let found = found.ok_or_else(|| AppError::not_found("no unit with that ID"))?;
    let facts = UnitFacts {
        path: &found.unit.path,
        head_supervisor_paths: &found.head_paths,
    };
    let coverage = aggregate_coverage(viewer, facts).ok_or_else(|| {
        AppError::forbidden(
            "the aggregates of a unit are readable by ADMIN, ANALYST, a UNIT_ADMIN of the unit or \
             above it, the heads of the unit and of units above it and their supervisor chain, \
             and inspectors of units they visited",
        )
    })?;
    let minimum_group = hides_small_groups(viewer, facts)
        .then(|| ctx.settings().map(|s| s.rules.min_aggregate_group))
        .transpose()?;
    ctx.loaders()?
        .feed_one(found.unit.id, found.unit.clone())
        .await;
    Ok(Scoped {
        unit: found.unit,
        include_subunits,
        coverage,
        inspectable: SqlScope::for_aggregate(viewer, RecordKind::Inspectable, coverage),
        personal: SqlScope::for_aggregate(viewer, RecordKind::Personal, coverage),
        minimum_group,
    })
}
