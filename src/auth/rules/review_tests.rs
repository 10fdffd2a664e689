//! Unit tests of the feedback, observation, dialog and role rules.

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
                unit_id: (*role == Role::UnitAdmin).then_some(UnitId(2)),
                unit_path: (*role == Role::UnitAdmin).then(|| "/1/2/".to_owned()),
            })
            .collect(),
        inspected_unit_paths: vec!["/1/2/".to_owned()],
    }
}

const NURSE: Subject<'static> = Subject {
    supervisor_path: "/1/3/7/",
    unit_path: "/1/2/5/",
};

#[test]
fn feedback_is_read_by_author_recipient_chain_unit_admins_and_admins() {
    let author = viewer(40, "/40/", 9, &[]);
    assert!(can_read_feedback(&author, AsnId(40), NURSE), "author");
    assert!(!can_read_feedback(&author, AsnId(41), NURSE), "stranger");
    assert!(can_read_feedback(
        &viewer(7, "/1/3/7/", 5, &[]),
        AsnId(40),
        NURSE
    ));
    assert!(can_read_feedback(
        &viewer(3, "/1/3/", 5, &[]),
        AsnId(40),
        NURSE
    ));
    assert!(can_read_feedback(
        &viewer(1, "/1/", 1, &[]),
        AsnId(40),
        NURSE
    ));
    assert!(
        !can_read_feedback(&viewer(8, "/1/3/8/", 5, &[]), AsnId(40), NURSE),
        "a peer under the same supervisor"
    );
    assert!(can_read_feedback(
        &viewer(50, "/50/", 9, &[Role::UnitAdmin]),
        AsnId(40),
        NURSE
    ));
    assert!(can_read_feedback(
        &viewer(51, "/51/", 9, &[Role::Admin]),
        AsnId(40),
        NURSE
    ));
    for role in [Role::Inspector, Role::Analyst] {
        assert!(
            !can_read_feedback(&viewer(52, "/52/", 9, &[role]), AsnId(40), NURSE),
            "{role:?}"
        );
    }
}

#[test]
fn observations_are_read_by_the_team_and_the_personal_scope() {
    let team = [AsnId(60), AsnId(61)];
    let inspector = viewer(60, "/60/", 9, &[Role::Inspector]);
    assert!(
        can_read_observation(&inspector, NURSE, &team),
        "on the team"
    );
    let other_inspector = viewer(62, "/62/", 9, &[Role::Inspector]);
    assert!(
        !can_read_observation(&other_inspector, NURSE, &team),
        "an inspector of another visit, even of the same unit"
    );
    assert!(can_read_observation(
        &viewer(7, "/1/3/7/", 5, &[]),
        NURSE,
        &team
    ));
    assert!(can_read_observation(
        &viewer(1, "/1/", 1, &[]),
        NURSE,
        &team
    ));
    assert!(can_read_observation(
        &viewer(50, "/50/", 9, &[Role::UnitAdmin]),
        NURSE,
        &team
    ));
    assert!(can_read_observation(
        &viewer(51, "/51/", 9, &[Role::Admin]),
        NURSE,
        &team
    ));
    assert!(!can_read_observation(
        &viewer(8, "/1/3/8/", 5, &[]),
        NURSE,
        &team
    ));
    assert!(!can_read_observation(
        &viewer(9, "/9/", 9, &[Role::Analyst]),
        NURSE,
        &team
    ));
}

#[test]
fn dialog_parties_write_where_feedback_rules_would_not() {
    // The nurse (7, unit 5) and her evaluator (3, unit 4, another unit): she is not above
    // him nor his peer, yet she may ask in her evaluation's dialog.
    let nurse = viewer(7, "/1/3/7/", 5, &[]);
    let evaluator = Person {
        id: AsnId(3),
        supervisor_id: Some(AsnId(1)),
        supervisor_path: "/1/3/",
        unit_id: UnitId(4),
    };
    assert!(!may_give_feedback(&nurse, evaluator));
    assert!(is_dialog_party(&nurse, AsnId(7), AsnId(3)));
    assert!(may_give_feedback_on_evaluation(
        &nurse,
        evaluator,
        AsnId(7),
        NURSE,
        AsnId(3)
    ));
    let nurse_person = Person {
        id: AsnId(7),
        supervisor_id: Some(AsnId(3)),
        supervisor_path: "/1/3/7/",
        unit_id: UnitId(5),
    };
    // The atasan may comment on the evaluation; a peer in her unit may give her feedback
    // but not on an evaluation they cannot read.
    let atasan = viewer(1, "/1/", 1, &[]);
    assert!(may_give_feedback_on_evaluation(
        &atasan,
        nurse_person,
        AsnId(7),
        NURSE,
        AsnId(3)
    ));
    let peer = viewer(8, "/1/3/8/", 5, &[]);
    assert!(may_give_feedback(&peer, nurse_person));
    assert!(!may_give_feedback_on_evaluation(
        &peer,
        nurse_person,
        AsnId(7),
        NURSE,
        AsnId(3)
    ));
    assert!(!is_dialog_party(&peer, AsnId(7), AsnId(3)));
}

#[test]
fn visit_teams_and_role_revocation() {
    assert!(may_be_on_visit_team(&[Role::Analyst, Role::Inspector]));
    assert!(!may_be_on_visit_team(&[Role::Admin]));
    assert!(!may_be_on_visit_team(&[]));
    let admin = viewer(51, "/51/", 9, &[Role::Admin]);
    assert!(!revoke_keeps_admin(&admin, AsnId(51), Role::Admin));
    assert!(revoke_keeps_admin(&admin, AsnId(51), Role::Inspector));
    assert!(revoke_keeps_admin(&admin, AsnId(52), Role::Admin));
}

#[test]
fn sql_scopes_carry_the_same_scope_as_the_predicates() {
    let admin = SqlScope::of(&viewer(51, "/51/", 9, &[Role::Admin]), RecordKind::Personal);
    assert!(admin.all);
    let inspector = viewer(60, "/60/", 9, &[Role::Inspector]);
    let personal = SqlScope::of(&inspector, RecordKind::Personal);
    assert!(!personal.all);
    assert_eq!(personal.chain_pattern, "/60/%");
    assert!(
        personal.unit_patterns.is_empty(),
        "visits give no personal access"
    );
    let inspectable = SqlScope::of(&inspector, RecordKind::Inspectable);
    assert_eq!(inspectable.unit_patterns, ["/1/2/%"]);
    let unit_admin = SqlScope::of(
        &viewer(50, "/50/", 9, &[Role::UnitAdmin]),
        RecordKind::Personal,
    );
    assert_eq!(unit_admin.unit_patterns, ["/1/2/%"]);
    assert_eq!(
        feedback_sql("f", 4),
        "(f.author_id = $4 OR ($5 OR f.recipient_id IN (SELECT r.id FROM asn r WHERE \
         r.supervisor_path LIKE $6 OR r.unit_id IN (SELECT ru.id FROM units ru WHERE \
         ru.path LIKE ANY($7)))))"
    );
    assert!(observation_sql("o", 4).contains("m.asn_id = $4"));
}
