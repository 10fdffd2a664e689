//! Who may read and change what: the one place these rules live.
//!
//! DESIGN §1 "Who may do what":
//! - the directory (unit tree; ASN name, NIP, position, grade, unit, supervisor) is readable by
//!   every authenticated caller;
//! - personal records of an ASN (activities, evaluations, observations, feedback, appeals, and
//!   their role grants) are readable by the ASN themself, everyone above them in the supervisor
//!   chain, a UNIT_ADMIN of a unit at or above theirs, and ADMIN; ANALYST gets aggregates only;
//! - INSPECTOR reads the evaluations and activities of ASN in the units (and sub-units) of the
//!   supervision visits they made;
//! - feedback is readable by its author too; observations by the inspectors who made them;
//!   an evaluation by its evaluator;
//! - writes: the direct supervisor reviews activities and evaluates; the atasan pejabat penilai
//!   (or ADMIN when there is none) decides appeals; supervisors above, peers in the same unit
//!   and the ASN themself give feedback; INSPECTOR records visits; ADMIN grants roles.
//!
//! Each rule exists twice, in the same file: as a predicate over one record (for `node(id)` and
//! nested fields) and as a SQL filter (for connections, counts and aggregates), so a list can
//! never show what a direct read would refuse.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Text};

use super::{Role, Viewer};
use crate::db::ranked::BoundQuery;
use crate::db::schema::{asn, units};
use crate::ids::{AsnId, UnitId};

/// Whose record something is: the facts the visibility rules need.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Supervisor-chain path of the ASN the record is about (ends with their own id).
    pub supervisor_path: &'a str,
    /// Materialised path of that ASN's unit.
    pub unit_path: &'a str,
}

/// What a personal record is, for the rules that differ between kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// Feedback, observations, appeals, role grants, audit entries.
    Personal,
    /// Evaluations and activities, which inspectors also read for the units they visit.
    Inspectable,
}

/// Every authenticated caller may read the directory.
pub fn can_read_directory(_viewer: &Viewer) -> bool {
    true
}

/// Whether `viewer` may read the personal records of `subject`.
pub fn can_read_personal(viewer: &Viewer, subject: Subject<'_>) -> bool {
    can_read(viewer, subject, RecordKind::Personal)
}

/// Whether `viewer` may read records of `kind` about `subject`.
pub fn can_read(viewer: &Viewer, subject: Subject<'_>, kind: RecordKind) -> bool {
    match scope(viewer, kind) {
        PersonalScope::All => true,
        PersonalScope::Limited {
            chain_prefix,
            unit_prefixes,
        } => {
            subject.supervisor_path.starts_with(&chain_prefix)
                || unit_prefixes
                    .iter()
                    .any(|prefix| subject.unit_path.starts_with(prefix.as_str()))
        }
    }
}

/// Whether `viewer` may read the performance targets (RHK) of `owner`: whoever may read the
/// owner's personal records, and the owner's direct reports, who cascade their own RHK from
/// their supervisor's (PermenPANRB 6/2022: the RHK of a subordinate intervenes on one of the
/// supervisor's).
pub fn can_read_targets(viewer: &Viewer, owner: Subject<'_>) -> bool {
    can_read(viewer, owner, RecordKind::Personal) || is_direct_report_of(viewer, owner)
}

/// Whether the viewer's direct supervisor is the ASN with the supervisor path of `owner`.
fn is_direct_report_of(viewer: &Viewer, owner: Subject<'_>) -> bool {
    viewer
        .supervisor_path
        .strip_prefix(owner.supervisor_path)
        .is_some_and(|rest| rest == format!("{}/", viewer.asn_id.0))
}

/// The viewer's direct supervisor, read from their supervisor path (`/…/boss/self/`).
pub fn viewer_supervisor_id(viewer: &Viewer) -> Option<AsnId> {
    let ids: Vec<i64> = crate::units::model::path_ids(&viewer.supervisor_path).collect();
    match ids.as_slice() {
        [.., boss, me] if *me == viewer.asn_id.0 => Some(AsnId(*boss)),
        _ => None,
    }
}

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

/// Only the ASN themself changes their own records (targets, activities).
pub fn is_owner(viewer: &Viewer, owner: AsnId) -> bool {
    viewer.asn_id == owner
}

/// Whether `viewer` may grant and revoke roles.
pub fn can_manage_roles(viewer: &Viewer) -> bool {
    viewer.has_role(Role::Admin)
}

/// The set of ASN whose personal records a viewer may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonalScope {
    /// Everyone (ADMIN).
    All,
    /// The viewer, everyone below them in the supervisor chain, and everyone in the unit
    /// subtrees the viewer administers.
    Limited {
        /// Supervisor paths starting with this belong to the viewer or their subordinates.
        chain_prefix: String,
        /// Unit paths starting with any of these are administered by the viewer.
        unit_prefixes: Vec<String>,
    },
}

/// The viewer's personal-record scope.
pub fn personal_scope(viewer: &Viewer) -> PersonalScope {
    scope(viewer, RecordKind::Personal)
}

/// The set of ASN whose records of `kind` the viewer may read.
pub fn scope(viewer: &Viewer, kind: RecordKind) -> PersonalScope {
    if viewer.has_role(Role::Admin) {
        return PersonalScope::All;
    }
    let mut unit_prefixes: Vec<String> = viewer
        .grants
        .iter()
        .filter(|grant| grant.role == Role::UnitAdmin)
        .filter_map(|grant| grant.unit_path.clone())
        .collect();
    if kind == RecordKind::Inspectable && viewer.has_role(Role::Inspector) {
        unit_prefixes.extend(viewer.inspected_unit_paths.iter().cloned());
    }
    PersonalScope::Limited {
        chain_prefix: viewer.supervisor_path.clone(),
        unit_prefixes,
    }
}

/// The SQL form of [`can_read_personal`], over `asn` joined to its `units`.
pub type AsnUnitFilter = Box<dyn BoxableExpression<asn::table, Pg, SqlType = Bool>>;

/// A filter on `asn` rows keeping those whose personal records `viewer` may read. The unit
/// condition is a sub-select, so the filter composes with any query over `asn`.
pub fn personal_filter(viewer: &Viewer) -> AsnUnitFilter {
    filter(viewer, RecordKind::Personal)
}

/// Ids of the ASN whose records of `kind` the viewer may read, as a sub-select for
/// `column.eq_any(…)` on any table that names an ASN.
pub fn readable_asn_ids(
    viewer: &Viewer,
    kind: RecordKind,
) -> asn::BoxedQuery<'static, Pg, diesel::sql_types::BigInt> {
    asn::table
        .filter(filter(viewer, kind))
        .select(asn::id)
        .into_boxed()
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

/// Whether `viewer` may read an evaluation of `evaluated` (whose facts are `subject`) written by
/// `evaluator`: the evaluator always; otherwise the inspectable-record scope — except that a
/// DRAFT stays hidden from the evaluated ASN until it is published.
pub fn can_read_evaluation(
    viewer: &Viewer,
    subject: Subject<'_>,
    evaluated: AsnId,
    evaluator: AsnId,
    is_draft: bool,
) -> bool {
    if is_draft && evaluated == viewer.asn_id {
        return false;
    }
    evaluator == viewer.asn_id || can_read(viewer, subject, RecordKind::Inspectable)
}

/// Whether `viewer` may read an appeal filed by `appellant` (their facts) against an evaluation
/// by `evaluator`: the personal-record scope of the appellant, the evaluator, and whoever is to
/// decide it.
pub fn can_read_appeal(viewer: &Viewer, appellant: Subject<'_>, evaluator: Person<'_>) -> bool {
    can_read_personal(viewer, appellant)
        || evaluator.id == viewer.asn_id
        || may_decide_appeal(viewer, evaluator)
}

/// The facts about an ASN that write rules need.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    /// Their id.
    pub id: AsnId,
    /// Their direct supervisor.
    pub supervisor_id: Option<AsnId>,
    /// Their supervisor-chain path.
    pub supervisor_path: &'a str,
    /// Their unit.
    pub unit_id: UnitId,
}

/// The direct supervisor (pejabat penilai) of `subject`: reviews their activities, agrees their
/// targets and evaluates them.
pub fn is_direct_supervisor(viewer: &Viewer, subject: Person<'_>) -> bool {
    subject.supervisor_id == Some(viewer.asn_id)
}

/// The atasan pejabat penilai decides an appeal against `evaluator`'s evaluation; an ADMIN
/// decides when the evaluator has no supervisor.
pub fn may_decide_appeal(viewer: &Viewer, evaluator: Person<'_>) -> bool {
    match evaluator.supervisor_id {
        Some(atasan) => atasan == viewer.asn_id,
        None => viewer.has_role(Role::Admin),
    }
}

/// Supervisors at any level above, peers in the same unit and the ASN themself may give
/// feedback to `recipient`.
pub fn may_give_feedback(viewer: &Viewer, recipient: Person<'_>) -> bool {
    recipient.id == viewer.asn_id
        || recipient
            .supervisor_path
            .starts_with(&viewer.supervisor_path)
        || recipient.unit_id == viewer.unit_id
}

/// Only the independent team records supervision visits.
pub fn may_record_visit(viewer: &Viewer) -> bool {
    viewer.has_role(Role::Inspector)
}

/// Whether `viewer` may read feedback written by `author` to `recipient` (whose facts are
/// given): the author, and the personal-record scope of the recipient (the recipient, their
/// supervisor chain, unit admins above them, admins).
pub fn can_read_feedback(viewer: &Viewer, author: AsnId, recipient: Subject<'_>) -> bool {
    author == viewer.asn_id || can_read_personal(viewer, recipient)
}

/// Whether `viewer` may read an observation of `observed` made on a visit by `team`: the
/// personal-record scope of the observed ASN, and the inspectors on that visit's team.
pub fn can_read_observation(viewer: &Viewer, observed: Subject<'_>, team: &[AsnId]) -> bool {
    team.contains(&viewer.asn_id) || can_read_personal(viewer, observed)
}

/// The two parties of an evaluation's dialog (the evaluated ASN asks, the evaluator answers)
/// may always write in it, even where [`may_give_feedback`] would not allow it.
pub fn is_dialog_party(viewer: &Viewer, evaluated: AsnId, evaluator: AsnId) -> bool {
    viewer.asn_id == evaluated || viewer.asn_id == evaluator
}

/// Whether `viewer` may write feedback to `recipient` attached to the evaluation of `evaluated`
/// (whose facts are `evaluated_subject`) by `evaluator`: a party of its dialog, or whoever may
/// give `recipient` feedback and read the evaluated ASN's personal records.
pub fn may_give_feedback_on_evaluation(
    viewer: &Viewer,
    recipient: Person<'_>,
    evaluated: AsnId,
    evaluated_subject: Subject<'_>,
    evaluator: AsnId,
) -> bool {
    is_dialog_party(viewer, evaluated, evaluator)
        || (may_give_feedback(viewer, recipient) && can_read_personal(viewer, evaluated_subject))
}

/// Only ASN holding INSPECTOR may be on a supervision visit's team.
pub fn may_be_on_visit_team(roles: &[Role]) -> bool {
    roles.contains(&Role::Inspector)
}

/// Revoking `role` from `holder` keeps someone in charge: an ADMIN never revokes their own
/// ADMIN role, so the granter stays ADMIN and at least one ADMIN always remains.
pub fn revoke_keeps_admin(viewer: &Viewer, holder: AsnId, role: Role) -> bool {
    !(holder == viewer.asn_id && role == Role::Admin)
}

/// A viewer's personal-record scope as parameters of a hand-written SQL statement (ranked
/// pages of nested connections), for the conditions of [`readable_asn_sql`],
/// [`feedback_sql`] and [`observation_sql`]. The parameters are, from `$first` on: the viewer's
/// id, whether the scope is everyone, the supervisor-chain pattern, the unit-path patterns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SqlScope {
    viewer: AsnId,
    all: bool,
    chain_pattern: String,
    unit_patterns: Vec<String>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;

    fn viewer(path: &str, grants: Vec<Grant>) -> Viewer {
        Viewer {
            asn_id: AsnId(3),
            unit_id: UnitId(1),
            supervisor_path: path.to_owned(),
            grants,
            inspected_unit_paths: Vec::new(),
        }
    }

    fn grant(role: Role, unit_path: Option<&str>) -> Grant {
        Grant {
            role,
            unit_id: unit_path.map(|_| UnitId(9)),
            unit_path: unit_path.map(str::to_owned),
        }
    }

    fn subject<'a>(supervisor_path: &'a str, unit_path: &'a str) -> Subject<'a> {
        Subject {
            supervisor_path,
            unit_path,
        }
    }

    #[test]
    fn the_asn_and_everyone_above_read_personal_records() {
        let me = viewer("/1/3/", vec![]);
        assert!(can_read_personal(&me, subject("/1/3/", "/1/")), "self");
        assert!(
            can_read_personal(&me, subject("/1/3/7/", "/1/")),
            "direct report"
        );
        assert!(
            can_read_personal(&me, subject("/1/3/7/12/", "/1/")),
            "two levels down"
        );
        assert!(
            !can_read_personal(&me, subject("/1/", "/1/")),
            "own supervisor"
        );
        assert!(!can_read_personal(&me, subject("/1/4/", "/1/")), "peer");
        assert!(
            !can_read_personal(&me, subject("/1/33/", "/1/")),
            "id prefix is not a path prefix"
        );
    }

    #[test]
    fn unit_admins_read_their_subtree_and_admins_everything() {
        let unit_admin = viewer("/50/", vec![grant(Role::UnitAdmin, Some("/1/9/"))]);
        assert!(can_read_personal(&unit_admin, subject("/2/", "/1/9/")));
        assert!(can_read_personal(&unit_admin, subject("/2/", "/1/9/14/")));
        assert!(!can_read_personal(&unit_admin, subject("/2/", "/1/")));
        assert!(!can_read_personal(&unit_admin, subject("/2/", "/1/90/")));

        let admin = viewer("/50/", vec![grant(Role::Admin, None)]);
        assert!(can_read_personal(&admin, subject("/2/", "/7/")));
        assert!(can_manage_roles(&admin));
        assert!(!can_manage_roles(&unit_admin));
    }

    #[test]
    fn analysts_and_inspectors_get_no_personal_access_from_their_role() {
        for role in [Role::Analyst, Role::Inspector] {
            let v = viewer("/50/", vec![grant(role, None)]);
            assert!(!can_read_personal(&v, subject("/2/", "/1/")), "{role:?}");
            assert!(can_read_directory(&v));
        }
    }
}

#[cfg(test)]
mod write_rules {
    use super::*;
    use crate::auth::Grant;

    fn viewer(id: i64, path: &str, unit: i64, roles: &[Role]) -> Viewer {
        Viewer {
            asn_id: AsnId(id),
            unit_id: UnitId(unit),
            supervisor_path: path.to_owned(),
            grants: roles
                .iter()
                .map(|role| Grant {
                    role: *role,
                    unit_id: None,
                    unit_path: None,
                })
                .collect(),
            inspected_unit_paths: vec!["/1/5/".to_owned()],
        }
    }

    fn person(id: i64, supervisor: Option<i64>, path: &'static str, unit: i64) -> Person<'static> {
        Person {
            id: AsnId(id),
            supervisor_id: supervisor.map(AsnId),
            supervisor_path: path,
            unit_id: UnitId(unit),
        }
    }

    #[test]
    fn only_the_direct_supervisor_evaluates() {
        let boss = viewer(3, "/1/3/", 1, &[]);
        assert!(is_direct_supervisor(
            &boss,
            person(7, Some(3), "/1/3/7/", 2)
        ));
        assert!(
            !is_direct_supervisor(&boss, person(9, Some(7), "/1/3/7/9/", 2)),
            "two levels down"
        );
        assert!(
            !is_direct_supervisor(&boss, person(3, Some(1), "/1/3/", 1)),
            "self"
        );
    }

    #[test]
    fn appeals_go_to_the_atasan_or_an_admin() {
        let atasan = viewer(1, "/1/", 1, &[]);
        let admin = viewer(50, "/50/", 9, &[Role::Admin]);
        let evaluator = person(3, Some(1), "/1/3/", 1);
        assert!(may_decide_appeal(&atasan, evaluator));
        assert!(
            !may_decide_appeal(&admin, evaluator),
            "admin only without an atasan"
        );
        let top = person(1, None, "/1/", 1);
        assert!(may_decide_appeal(&admin, top));
        assert!(!may_decide_appeal(&atasan, top));
    }

    #[test]
    fn drafts_are_hidden_from_the_evaluated_asn_only() {
        let nurse = viewer(7, "/1/3/7/", 2, &[]);
        let own = Subject {
            supervisor_path: "/1/3/7/",
            unit_path: "/1/2/",
        };
        assert!(!can_read_evaluation(&nurse, own, AsnId(7), AsnId(3), true));
        assert!(can_read_evaluation(&nurse, own, AsnId(7), AsnId(3), false));
        let boss = viewer(3, "/1/3/", 2, &[]);
        assert!(can_read_evaluation(&boss, own, AsnId(7), AsnId(3), true));
        let former = viewer(9, "/9/", 5, &[]);
        assert!(
            can_read_evaluation(&former, own, AsnId(7), AsnId(9), false),
            "the evaluator"
        );
        assert!(!can_read_evaluation(
            &former,
            own,
            AsnId(7),
            AsnId(3),
            false
        ));
    }

    #[test]
    fn feedback_from_above_peers_and_self() {
        let me = viewer(3, "/1/3/", 4, &[]);
        assert!(
            may_give_feedback(&me, person(3, Some(1), "/1/3/", 4)),
            "self"
        );
        assert!(
            may_give_feedback(&me, person(9, Some(7), "/1/3/7/9/", 8)),
            "below, any level"
        );
        assert!(
            may_give_feedback(&me, person(5, Some(1), "/1/5/", 4)),
            "peer in the unit"
        );
        assert!(
            !may_give_feedback(&me, person(1, None, "/1/", 2)),
            "own supervisor elsewhere"
        );
        assert!(
            !may_give_feedback(&me, person(6, Some(1), "/1/6/", 2)),
            "stranger"
        );
    }

    #[test]
    fn targets_are_read_by_the_personal_scope_and_by_direct_reports() {
        // The viewer 7 reports to 3, who reports to 1.
        let report = viewer(7, "/1/3/7/", 2, &[]);
        let boss = Subject {
            supervisor_path: "/1/3/",
            unit_path: "/1/5/",
        };
        assert!(can_read_targets(&report, boss), "own supervisor");
        assert!(!can_read_personal(&report, boss), "but no other records");
        let top = Subject {
            supervisor_path: "/1/",
            unit_path: "/1/",
        };
        assert!(!can_read_targets(&report, top), "supervisor's supervisor");
        let peer = Subject {
            supervisor_path: "/1/3/8/",
            unit_path: "/1/5/",
        };
        assert!(
            !can_read_targets(&report, peer),
            "peer under the same supervisor"
        );
        let own = Subject {
            supervisor_path: "/1/3/7/",
            unit_path: "/1/5/",
        };
        assert!(can_read_targets(&report, own), "self");
        let lookalike = viewer(7, "/1/33/7/", 2, &[]);
        assert!(
            !can_read_targets(&lookalike, boss),
            "id prefix is not a path step"
        );
        let grandchild = viewer(7, "/1/3/9/7/", 2, &[]);
        assert!(!can_read_targets(&grandchild, boss), "two levels down");
        assert!(can_read_targets(
            &viewer(1, "/1/", 1, &[]),
            Subject {
                supervisor_path: "/1/3/7/",
                unit_path: "/1/5/"
            }
        ));
        assert!(!can_read_targets(
            &viewer(40, "/40/", 9, &[Role::Inspector]),
            boss
        ));
        assert!(can_read_targets(
            &viewer(50, "/50/", 9, &[Role::Admin]),
            boss
        ));
        assert_eq!(viewer_supervisor_id(&report), Some(AsnId(3)));
        assert_eq!(viewer_supervisor_id(&viewer(1, "/1/", 1, &[])), None);
        assert!(is_owner(&report, AsnId(7)));
        assert!(!is_owner(&report, AsnId(3)));
    }

    #[test]
    fn inspectors_read_inspectable_records_of_visited_units_only() {
        let inspector = viewer(40, "/40/", 9, &[Role::Inspector]);
        let visited = Subject {
            supervisor_path: "/2/",
            unit_path: "/1/5/8/",
        };
        assert!(can_read(&inspector, visited, RecordKind::Inspectable));
        assert!(!can_read(&inspector, visited, RecordKind::Personal));
        let elsewhere = Subject {
            supervisor_path: "/2/",
            unit_path: "/1/6/",
        };
        assert!(!can_read(&inspector, elsewhere, RecordKind::Inspectable));
        assert!(may_record_visit(&inspector));
        assert!(!may_record_visit(&viewer(3, "/3/", 1, &[Role::Admin])));
    }
}

#[cfg(test)]
mod review_tests;
