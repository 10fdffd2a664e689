//! GraphQL face of units: the `Unit` type and the `unit` / `units` queries.

use async_graphql::{Context, ID, InputObject, Object};

use super::loaders::ChildrenOf;
use super::model::{Unit, UnitKind};
use super::queries::{self, UnitCriteria, UnitOrderField};
use crate::asn::graphql::AsnConnection;
use crate::asn::loaders::MembersOf;
use crate::asn::model::Asn;
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{self, OrderDirection, PageArgs, connection, list_cost};
use crate::ids::UnitId;

crate::connection_type!(Unit, UnitConnection, UnitEdge);

/// A unit kerja: the Pemerintah Daerah, a perangkat daerah or one of their sub-units.
#[Object]
impl Unit {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Unique code of the unit, e.g. `DINKES`.
    async fn code(&self) -> &str {
        &self.code
    }

    /// Official name.
    async fn name(&self) -> &str {
        &self.name
    }

    /// Kind of unit.
    async fn kind(&self) -> UnitKind {
        self.kind
    }

    /// The unit above this one; null for the root.
    async fn parent(&self, ctx: &Context<'_>) -> AppResult<Option<Unit>> {
        match self.parent_id {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }

    /// All units above this one, from the root down.
    async fn ancestors(&self, ctx: &Context<'_>) -> AppResult<Vec<Unit>> {
        let ids = self.ancestor_ids();
        let mut found = ctx.loaders()?.load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Depth in the tree; the root is 0.
    async fn depth(&self) -> i32 {
        (super::model::path_ids(&self.path).count() as i32 - 1).max(0)
    }

    /// Direct sub-units, by name.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<UnitConnection> {
        let window = PageArgs::forward(first, after).plan()?.window(None);
        let page = ctx
            .loaders()?
            .load_one(ChildrenOf(self.id, window))
            .await?
            .unwrap_or_default();
        Ok(connection(page.rows, window, Some(page.total)).into())
    }

    /// The ASN who leads the unit.
    async fn head(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        match self.head_id {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }

    /// ASN working directly in this unit (not in its sub-units), by name. For a whole subtree
    /// use `asns(filter: {unitId: …})`.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn asns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<AsnConnection> {
        let window = PageArgs::forward(first, after).plan()?.window(None);
        let page = ctx
            .loaders()?
            .load_one(MembersOf(self.id, window))
            .await?
            .unwrap_or_default();
        Ok(connection(page.rows, window, Some(page.total)).into())
    }
}

/// Which units to list. All conditions must hold.
#[derive(InputObject, Debug, Default)]
pub struct UnitFilter {
    /// Direct sub-units of this unit.
    pub parent_id: Option<ID>,
    /// Only units of these kinds.
    pub kind: Option<Vec<UnitKind>>,
    /// Only root units (without a parent).
    pub roots_only: Option<bool>,
    /// Name or code contains this text (case-insensitive).
    pub search: Option<String>,
    /// This unit and all units below it.
    pub within_unit_id: Option<ID>,
}

/// Order of a unit list.
#[derive(InputObject, Debug, Default)]
pub struct UnitOrder {
    /// Sort key.
    #[graphql(default)]
    pub field: UnitOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl UnitFilter {
    fn criteria(self) -> AppResult<UnitCriteria> {
        Ok(UnitCriteria {
            parent: self
                .parent_id
                .as_ref()
                .map(UnitId::from_global)
                .transpose()?,
            kinds: self.kind.unwrap_or_default(),
            roots_only: self.roots_only.unwrap_or(false),
            search: self.search,
            within: self
                .within_unit_id
                .as_ref()
                .map(UnitId::from_global)
                .transpose()?,
        })
    }
}

/// Unit queries.
#[derive(Default)]
pub struct UnitsQuery;

#[Object]
impl UnitsQuery {
    /// One unit, by `id` or by `code` (exactly one of them).
    async fn unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the unit.")] id: Option<ID>,
        #[graphql(desc = "Unique code of the unit.")] code: Option<String>,
    ) -> AppResult<Option<Unit>> {
        ctx.viewer()?;
        let found = match (id, code) {
            (Some(id), None) => {
                let id = UnitId::from_global(&id)?;
                ctx.loaders()?.load_one(id).await?
            }
            (None, Some(code)) => queries::by_code(&mut ctx.db()?.conn().await?, &code).await?,
            _ => return Err(AppError::bad_input("pass exactly one of `id` and `code`")),
        };
        found
            .map(Some)
            .ok_or_else(|| AppError::not_found("no unit with that id or code"))
    }

    /// Units, filtered and ordered; by name unless `orderBy` says otherwise.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn units(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which units; all conditions must hold.")] filter: Option<UnitFilter>,
        #[graphql(desc = "Sort order; by name by default.")] order_by: Option<UnitOrder>,
        #[graphql(desc = "At most this many from the start (≤ 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (≤ 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> AppResult<UnitConnection> {
        ctx.viewer()?;
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
            Some(queries::count(&mut conn, &criteria).await?)
        } else {
            None
        };
        let window = plan.window(total);
        let rows =
            queries::page(&mut conn, &criteria, (order.field, order.direction), window).await?;
        Ok(connection(rows, window, total).into())
    }
}
