//! GraphQL face of ASN: the `Asn` type, `viewer`, `asn` and `asns`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::grade::{Grade, GradeScheme};
use super::loaders::{GrantsOf, ReportsOf};
use super::model::{Asn, EmploymentType, Gender, PositionKind};
use super::nip::Nip;
use super::queries::{self, AsnCriteria, AsnOrderField};
use crate::auth::Role;
use crate::auth::rules::{self, Subject};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{self, OrderDirection, PageArgs, connection, list_cost};
use crate::ids::{AsnId, UnitId};
use crate::units::model::Unit;

/// A grade: PNS golongan/ruang with pangkat, or PPPK golongan.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Grade")]
pub struct GradeInfo {
    /// The code as written, `III/a` or `IX`.
    pub code: String,
    /// PNS or PPPK scheme.
    pub scheme: GradeScheme,
    /// Golongan in Roman numerals (`III`).
    pub golongan: String,
    /// Ruang letter for PNS (`a`); null for PPPK.
    pub ruang: Option<String>,
    /// Pangkat name for PNS (`Penata Muda`); null for PPPK.
    pub pangkat: Option<String>,
    /// Rank within the scheme, 1 = lowest, for ordering.
    pub rank: i32,
}

impl From<Grade> for GradeInfo {
    fn from(grade: Grade) -> Self {
        Self {
            code: grade.code().to_owned(),
            scheme: grade.scheme(),
            golongan: grade.golongan().to_owned(),
            ruang: grade.ruang().map(str::to_owned),
            pangkat: grade.pangkat().map(str::to_owned),
            rank: i32::from(grade.rank()),
        }
    }
}

/// A role held by an ASN.
#[derive(SimpleObject, Debug, Clone)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// For UNIT_ADMIN, the unit whose subtree it covers.
    pub unit: Option<Unit>,
}

crate::connection_type!(Asn, AsnConnection, AsnEdge);

/// An ASN (PNS or PPPK) in the directory: who they are, where they work and who supervises them.
#[Object]
impl Asn {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Nomor Induk Pegawai, 18 digits.
    async fn nip(&self) -> &str {
        &self.nip
    }

    /// Full name with academic titles.
    async fn name(&self) -> &str {
        &self.name
    }

    /// Gender as recorded.
    async fn gender(&self) -> Gender {
        self.gender
    }

    /// PNS, PPPK or PPPK paruh waktu.
    async fn employment_type(&self) -> EmploymentType {
        self.employment_type
    }

    /// Golongan/ruang and pangkat.
    async fn grade(&self) -> AppResult<GradeInfo> {
        Grade::parse(&self.grade)
            .map(GradeInfo::from)
            .ok_or_else(|| {
                AppError::internal(format!("stored grade of ASN {} is invalid", self.id.0))
            })
    }

    /// Position (jabatan) title.
    async fn position(&self) -> &str {
        &self.position
    }

    /// Kind of position.
    async fn position_kind(&self) -> PositionKind {
        self.position_kind
    }

    /// Whether the ASN is in service.
    async fn active(&self) -> bool {
        self.active
    }

    /// The unit the ASN works in.
    async fn unit(&self, ctx: &Context<'_>) -> AppResult<Unit> {
        ctx.loaders()?
            .load_one(self.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("ASN without unit"))
    }

    /// The direct supervisor (atasan langsung), who is the pejabat penilai kinerja.
    async fn supervisor(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        match self.supervisor_id {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }

    /// The supervisor chain, nearest first: the pejabat penilai, then the atasan pejabat
    /// penilai, and so on to the top.
    async fn supervisor_chain(&self, ctx: &Context<'_>) -> AppResult<Vec<Asn>> {
        let ids = self.chain_ids();
        let mut found = ctx.loaders()?.load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Direct reports, by name.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn subordinates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<AsnConnection> {
        let window = PageArgs::forward(first, after).plan()?.window(None);
        let page = ctx
            .loaders()?
            .load_one(ReportsOf(self.id, window))
            .await?
            .unwrap_or_default();
        Ok(connection(page.rows, window, Some(page.total)).into())
    }

    /// The ASN's evaluations the viewer may read, newest period first (drafts are hidden from
    /// the ASN themself).
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Only these periods.")] filter: Option<
            crate::evaluations::graphql::PeriodFilter,
        >,
    ) -> AppResult<crate::evaluations::graphql::EvaluationConnection> {
        crate::evaluations::graphql::of_asn(ctx, self, first, after, filter).await
    }

    /// Every recorded change of a rating, status or decision about the ASN, newest first.
    /// Visible to the ASN themself and to those who may read their personal records; null for
    /// everyone else. Entries about a record the viewer may not read are left out (the ASN
    /// sees none about an evaluation of theirs until it is published).
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<Option<crate::audit::graphql::AuditEntryConnection>> {
        crate::audit::graphql::about(ctx, self, first, after).await
    }

    /// Feedback to this ASN that the viewer may read (their own entries, or all of them for
    /// the ASN, their supervisor chain, unit admins above them and admins), newest first.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn feedback_received(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<crate::feedback::graphql::FeedbackConnection> {
        crate::feedback::graphql::received_by(ctx, self, first, after).await
    }

    /// Feedback written by this ASN that the viewer may read, newest first.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn feedback_given(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<crate::feedback::graphql::FeedbackConnection> {
        crate::feedback::graphql::given_by(ctx, self, first, after).await
    }

    /// Observations of this ASN made on supervision visits that the viewer may read, newest
    /// visit first.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<crate::supervision::graphql::ObservationConnection> {
        crate::supervision::graphql::of_asn(ctx, self, first, after).await
    }

    /// Roles granted to the ASN. Visible to the ASN, their supervisor chain, unit admins above
    /// them and admins; null for everyone else.
    async fn roles(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<RoleGrant>>> {
        let viewer = ctx.viewer()?;
        let loaders = ctx.loaders()?;
        let unit = loaders
            .load_one(self.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("ASN without unit"))?;
        let subject = Subject {
            supervisor_path: &self.supervisor_path,
            unit_path: &unit.path,
        };
        if !rules::can_read_personal(viewer, subject) {
            return Ok(None);
        }
        let grants = loaders
            .load_one(GrantsOf(self.id))
            .await?
            .unwrap_or_default();
        let unit_ids: Vec<UnitId> = grants.iter().filter_map(|g| g.unit_id).collect();
        let mut units = loaders.load_many(unit_ids).await?;
        Ok(Some(
            grants
                .into_iter()
                .map(|grant| RoleGrant {
                    role: grant.role,
                    unit: grant.unit_id.and_then(|id| units.remove(&id)),
                })
                .collect(),
        ))
    }

    /// Performance targets (RHK), by year, UTAMA first. Visible to the ASN, their supervisor
    /// chain, their direct reports, unit admins above them and admins; null for everyone else.
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the targets of this SKP year.")] year: Option<i32>,
    ) -> AppResult<Option<Vec<crate::targets::model::PerformanceTarget>>> {
        crate::targets::graphql::targets_of(ctx, self, year).await
    }

    /// Daily activities, newest first. Visible to whoever may read the ASN's activities (see
    /// `activities`); null for everyone else.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "On or after this date.")] from: Option<crate::graphql::scalars::Date>,
        #[graphql(desc = "On or before this date.")] to: Option<crate::graphql::scalars::Date>,
    ) -> AppResult<Option<crate::activities::graphql::ActivityConnection>> {
        let page = PageArgs::forward(first, after);
        crate::activities::graphql::activities_of(ctx, self, page, (from, to)).await
    }

    /// Minutes of activity in one calendar month by review status, against the monthly target.
    /// Visible to whoever may read the ASN's activities; null for everyone else.
    async fn activity_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Year.")] year: i32,
        #[graphql(desc = "Month, 1–12.")] month: i32,
    ) -> AppResult<Option<crate::activities::summary::ActivitySummary>> {
        crate::activities::graphql::summary_of(ctx, self, year, month).await
    }
}

/// Which ASN to list. All conditions must hold.
#[derive(InputObject, Debug, Default)]
pub struct AsnFilter {
    /// Working in this unit (and, unless `includeSubunits` is false, its sub-units).
    pub unit_id: Option<ID>,
    /// With `unitId`: include the ASN of all sub-units (default true).
    pub include_subunits: Option<bool>,
    /// Only these position kinds.
    pub position_kind: Option<Vec<PositionKind>>,
    /// Only these employment types.
    pub employment_type: Option<Vec<EmploymentType>>,
    /// Only these grade codes, e.g. `["III/a", "IX"]`.
    pub grade: Option<Vec<String>>,
    /// Name contains this text (case-insensitive), or NIP starts with it.
    pub search: Option<String>,
    /// Direct reports of this ASN.
    pub supervisor_id: Option<ID>,
    /// Only active (true) or only inactive (false) ASN.
    pub active: Option<bool>,
}

impl AsnFilter {
    fn criteria(self) -> AppResult<AsnCriteria> {
        let grades = self.grade.unwrap_or_default();
        if let Some(bad) = grades.iter().find(|g| Grade::parse(g).is_none()) {
            return Err(AppError::bad_input(format!(
                "{bad:?} is not a grade code (use e.g. \"III/a\" or \"IX\")"
            )));
        }
        Ok(AsnCriteria {
            unit: self.unit_id.as_ref().map(UnitId::from_global).transpose()?,
            include_subunits: self.include_subunits.unwrap_or(true),
            position_kinds: self.position_kind.unwrap_or_default(),
            employment_types: self.employment_type.unwrap_or_default(),
            grades,
            search: self.search,
            supervisor: self
                .supervisor_id
                .as_ref()
                .map(AsnId::from_global)
                .transpose()?,
            active: self.active,
        })
    }
}

/// Order of an ASN list.
#[derive(InputObject, Debug, Default)]
pub struct AsnOrder {
    /// Sort key.
    #[graphql(default)]
    pub field: AsnOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// ASN queries.
#[derive(Default)]
pub struct AsnQuery;

#[Object]
impl AsnQuery {
    /// The ASN named by the bearer token.
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<Asn> {
        let viewer = ctx.viewer()?;
        ctx.loaders()?
            .load_one(viewer.asn_id)
            .await?
            .ok_or_else(|| AppError::unauthenticated("the token's subject no longer exists"))
    }

    /// One ASN, by `id` or by `nip` (exactly one of them).
    async fn asn(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the ASN.")] id: Option<ID>,
        #[graphql(desc = "18-digit NIP.")] nip: Option<String>,
    ) -> AppResult<Option<Asn>> {
        ctx.viewer()?;
        let found = match (id, nip) {
            (Some(id), None) => {
                let id = AsnId::from_global(&id)?;
                ctx.loaders()?.load_one(id).await?
            }
            (None, Some(nip)) => {
                let nip = Nip::parse(&nip)?;
                queries::by_nip(&mut ctx.db()?.conn().await?, nip.as_str()).await?
            }
            _ => return Err(AppError::bad_input("pass exactly one of `id` and `nip`")),
        };
        found
            .map(Some)
            .ok_or_else(|| AppError::not_found("no ASN with that id or NIP"))
    }

    /// ASN, filtered and ordered; by name unless `orderBy` says otherwise.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn asns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which ASN; all conditions must hold.")] filter: Option<AsnFilter>,
        #[graphql(desc = "Sort order; by name by default.")] order_by: Option<AsnOrder>,
        #[graphql(desc = "At most this many from the start (≤ 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (≤ 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> AppResult<AsnConnection> {
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
