//! Who may read and change what: the one place these rules live.
//!
//! DESIGN §1 "Who may do what":
//! - the directory (unit tree; ASN name, NIP, position, grade, unit, supervisor) is readable by
//!   every authenticated caller;
//! - personal records of an ASN (activities, evaluations, observations, feedback, appeals, and
//!   their role grants) are readable by the ASN themself, everyone above them in the supervisor
//!   chain, a UNIT_ADMIN of a unit at or above theirs, and ADMIN; ANALYST gets aggregates only
//!   (who reads the aggregates of a unit, and over which records: [`aggregate_coverage`]);
//! - INSPECTOR reads the evaluations and activities of ASN in the units (and sub-units) of the
//!   supervision visits they made;
//! - feedback is readable by its author too; observations by the inspectors who made them;
//!   an evaluation by its evaluator;
//! - an audit entry is readable by whoever may read the personal records of the ASN it is about
//!   (`Asn.auditTrail`) *and* the record it describes, by that record's own rule: the entries
//!   of a DRAFT evaluation (its ratings and predikat) stay hidden from the evaluated ASN, whole,
//!   exactly as `evaluation(id:)` refuses the draft, and appear once it is published
//!   ([`audit_entry_sql`]); the `history` of a record follows the record;
//! - writes: the direct supervisor reviews activities and evaluates; the atasan pejabat penilai
//!   (or ADMIN when there is none) decides appeals; supervisors above, peers in the same unit
//!   and the ASN themself give feedback; INSPECTOR records visits; ADMIN grants roles.
//!
//! Each rule exists twice: here as a predicate over one record (for `node(id)` and nested
//! fields), and in [`sql`] as a SQL filter (for connections, counts and aggregates), so a list
//! can never show what a direct read would refuse.

use super::{Role, Viewer};
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
/// decide it. The appealed evaluation itself keeps its own rule ([`can_read_evaluation`]): a
/// decider no longer above the appellant (after a transfer) reads the appeal, not the
/// evaluation.
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

mod aggregates;
mod sql;
pub use aggregates::*;
pub use sql::*;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod review_tests;
