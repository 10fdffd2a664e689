//! The SQL forms of the rules in [`super`]: filters for diesel queries and conditions for
//! hand-written statements, so lists, counts and nested pages apply exactly the predicates a
//! direct read applies.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Text};

use super::{PersonalScope, RecordKind, scope, viewer_supervisor_id};
use crate::auth::Viewer;
use crate::db::ranked::BoundQuery;
use crate::db::schema::{appeals, asn, evaluations, units};
use crate::evaluations::model::EvaluationStatus;
use crate::ids::AsnId;

/// [`can_read_targets`] as a filter on `asn` rows (the owners of readable targets).
pub fn target_owner_filter(viewer: &Viewer) -> AsnUnitFilter {
    let personal = filter(viewer, RecordKind::Personal);
    match viewer_supervisor_id(viewer) {
        Some(boss) => Box::new(personal.or(asn::id.eq(boss))),
        None => personal,
    }
}

/// Ids of the ASN whose targets the viewer may read, as a sub-select for `column.eq_any(…)`.
pub fn readable_target_owner_ids(
    viewer: &Viewer,
) -> asn::BoxedQuery<'static, Pg, diesel::sql_types::BigInt> {
    asn::table
        .filter(target_owner_filter(viewer))
        .select(asn::id)
        .into_boxed()
}

/// The SQL form of [`can_read_personal`], over `asn` joined to its `units`.
pub type AsnUnitFilter = Box<dyn BoxableExpression<asn::table, Pg, SqlType = Bool>>;

/// A filter on `asn` rows keeping those whose personal records `viewer` may read. The unit
/// condition is a sub-select, so the filter composes with any query over `asn`.
pub fn personal_filter(viewer: &Viewer) -> AsnUnitFilter {
    filter(viewer, RecordKind::Personal)
}

/// Ids of the ASN whose records of `kind` the viewer may read, as a sub-select for
/// `column.eq_any(…)` on any table that names an ASN; `None` when the viewer may read
/// everyone's, which needs no condition (a sub-select of every ASN would cost a scan of `asn`
/// in each list and count).
pub fn readable_asn_ids(
    viewer: &Viewer,
    kind: RecordKind,
) -> Option<asn::BoxedQuery<'static, Pg, diesel::sql_types::BigInt>> {
    (scope(viewer, kind) != PersonalScope::All).then(|| {
        asn::table
            .filter(filter(viewer, kind))
            .select(asn::id)
            .into_boxed()
    })
}

/// [`can_read`] as a filter on `asn` rows.
pub fn filter(viewer: &Viewer, kind: RecordKind) -> AsnUnitFilter {
    match scope(viewer, kind) {
        PersonalScope::All => Box::new(diesel::dsl::sql::<Bool>("TRUE")),
        PersonalScope::Limited {
            chain_prefix,
            unit_prefixes,
        } => {
            let mut filter: AsnUnitFilter =
                Box::new(asn::supervisor_path.like(format!("{chain_prefix}%")));
            for prefix in unit_prefixes {
                let administered = units::table
                    .filter(units::path.like(format!("{prefix}%")))
                    .select(units::id);
                filter = Box::new(filter.or(asn::unit_id.eq_any(administered)));
            }
            filter
        }
    }
}

/// A viewer's personal-record scope as parameters of a hand-written SQL statement (ranked
/// pages of nested connections), for the conditions of [`readable_asn_sql`],
/// [`feedback_sql`] and [`observation_sql`]. The parameters are, from `$first` on: the viewer's
/// id, whether the scope is everyone, the supervisor-chain pattern, the unit-path patterns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SqlScope {
    pub(super) viewer: AsnId,
    pub(super) all: bool,
    pub(super) chain_pattern: String,
    pub(super) unit_patterns: Vec<String>,
}

impl SqlScope {
    /// The scope of `viewer` for records of `kind`.
    pub fn of(viewer: &Viewer, kind: RecordKind) -> Self {
        match scope(viewer, kind) {
            PersonalScope::All => Self {
                viewer: viewer.asn_id,
                all: true,
                chain_pattern: String::new(),
                unit_patterns: Vec::new(),
            },
            PersonalScope::Limited {
                chain_prefix,
                unit_prefixes,
            } => Self {
                viewer: viewer.asn_id,
                all: false,
                chain_pattern: format!("{chain_prefix}%"),
                unit_patterns: unit_prefixes.iter().map(|p| format!("{p}%")).collect(),
            },
        }
    }

    /// Binds the four parameters, in order, after those already bound.
    pub fn bind(&self, query: BoundQuery) -> BoundQuery {
        query
            .bind::<BigInt, _>(self.viewer)
            .bind::<Bool, _>(self.all)
            .bind::<Text, _>(self.chain_pattern.clone())
            .bind::<Array<Text>, _>(self.unit_patterns.clone())
    }
}

/// [`filter`] as SQL over an ASN id column `asn_col`, with the [`SqlScope`] parameters
/// numbered from `$first`.
pub fn readable_asn_sql(asn_col: &str, first: usize) -> String {
    let (all, chain, units) = (first + 1, first + 2, first + 3);
    format!(
        "(${all} OR {asn_col} IN (SELECT r.id FROM asn r WHERE r.supervisor_path LIKE ${chain} \
         OR r.unit_id IN (SELECT ru.id FROM units ru WHERE ru.path LIKE ANY(${units}))))"
    )
}

/// [`can_read_feedback`] as SQL over the feedback row aliased `f`.
pub fn feedback_sql(f: &str, first: usize) -> String {
    format!(
        "({f}.author_id = ${first} OR {})",
        readable_asn_sql(&format!("{f}.recipient_id"), first)
    )
}

/// [`can_read_observation`] as SQL over the observation row aliased `o`.
pub fn observation_sql(o: &str, first: usize) -> String {
    format!(
        "({o}.visit_id IN (SELECT m.visit_id FROM supervision_visit_members m \
         WHERE m.asn_id = ${first}) OR {})",
        readable_asn_sql(&format!("{o}.asn_id"), first)
    )
}

/// [`super::can_read_evaluation`] as SQL over the evaluation row aliased `e`, with the
/// [`SqlScope`] parameters of [`RecordKind::Inspectable`] numbered from `$first`: the same
/// condition as [`evaluation_filter`].
pub fn evaluation_sql(e: &str, first: usize) -> String {
    format!(
        "(({} OR {e}.evaluator_id = ${first}) \
         AND NOT ({e}.status = 'DRAFT' AND {e}.asn_id = ${first}))",
        readable_asn_sql(&format!("{e}.asn_id"), first)
    )
}

/// Whether the audit entry aliased `l` describes a record the viewer may read, with the
/// [`SqlScope`] parameters of [`RecordKind::Inspectable`] numbered from `$first`. Callers have
/// already checked that the viewer may read the personal records of the entry's subject;
/// evaluations are the only records whose rule can refuse someone in that scope (the evaluated
/// ASN reads no DRAFT of theirs), so an evaluation's entries must pass [`evaluation_sql`] and
/// the entries of activities, targets, observations, appeals and role grants need no further
/// condition (their rules admit the subject's whole personal scope).
pub fn audit_entry_sql(l: &str, first: usize) -> String {
    format!(
        "({l}.entity_type <> '{evaluation}' OR EXISTS (SELECT 1 FROM evaluations e \
         WHERE e.id = {l}.entity_id AND {readable}))",
        evaluation = crate::ids::EvaluationId::TYPE_NAME,
        readable = evaluation_sql("e", first)
    )
}

/// [`super::can_read_appeal`] as SQL over the appeal row aliased `a` and its evaluation aliased
/// `e`, with the [`SqlScope`] parameters of [`RecordKind::Personal`] numbered from `$first`:
/// the same condition as [`appeal_filter`].
pub fn appeal_sql(a: &str, e: &str, first: usize) -> String {
    format!(
        "({} OR {e}.evaluator_id = ${first} \
         OR {e}.evaluator_id IN (SELECT d.id FROM asn d WHERE d.supervisor_id = ${first}))",
        readable_asn_sql(&format!("{a}.appellant_id"), first)
    )
}

/// [`super::can_read_evaluation`] as a filter on `evaluations`: those of ASN in the viewer's
/// inspectable scope and those the viewer wrote, except the viewer's own drafts.
pub fn evaluation_filter(
    viewer: &Viewer,
) -> Box<dyn BoxableExpression<evaluations::table, Pg, SqlType = Bool>> {
    let not_own_draft = diesel::dsl::not(
        evaluations::status
            .eq(EvaluationStatus::Draft)
            .and(evaluations::asn_id.eq(viewer.asn_id)),
    );
    match readable_asn_ids(viewer, RecordKind::Inspectable) {
        None => Box::new(not_own_draft),
        Some(readable) => Box::new(
            evaluations::asn_id
                .eq_any(readable)
                .or(evaluations::evaluator_id.eq(viewer.asn_id))
                .and(not_own_draft),
        ),
    }
}

/// [`super::can_read_appeal`] as a filter on `appeals`: appeals of ASN in the viewer's personal
/// scope, and appeals on evaluations the viewer wrote or whose evaluator the viewer supervises
/// (the decider-to-be).
pub fn appeal_filter(
    viewer: &Viewer,
) -> Box<dyn BoxableExpression<appeals::table, Pg, SqlType = Bool>> {
    let decidable = evaluations::table
        .inner_join(asn::table.on(asn::id.eq(evaluations::evaluator_id)))
        .filter(
            asn::supervisor_id
                .eq(viewer.asn_id)
                .or(evaluations::evaluator_id.eq(viewer.asn_id)),
        )
        .select(evaluations::id);
    match readable_asn_ids(viewer, RecordKind::Personal) {
        None => Box::new(diesel::dsl::sql::<Bool>("TRUE")),
        Some(readable) => Box::new(
            appeals::appellant_id
                .eq_any(readable)
                .or(appeals::evaluation_id.eq_any(decidable)),
        ),
    }
}
