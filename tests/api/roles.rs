//! Granting and revoking roles: ADMIN only, unit scoping, duplicates, missing grants, the
//! last ADMIN, audit entries, and races.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::schema::{asn, audit_log, role_grants};
use serde_json::{Value, json};

use crate::supervision::{UNIT_ADMIN_DINKES, asn_gid, unit_gid};
use crate::support::{TestApp, codes, data, personas};

/// actor, subject, entity type, action, before, after.
type AuditRow = (
    Option<i64>,
    Option<i64>,
    String,
    String,
    Option<Value>,
    Option<Value>,
);

const GRANT: &str = "mutation ($input: RoleInput!) { grantRole(input: $input) { nip roles { role unit { code } } } }";
const REVOKE: &str = "mutation ($input: RoleInput!) { revokeRole(input: $input) { nip roles { role unit { code } } } }";

async fn input(app: &TestApp, nip: &str, role: &str, unit: Option<&str>) -> Value {
    let mut input = json!({ "asnId": asn_gid(app, nip).await, "role": role });
    if let Some(code) = unit {
        input["unitId"] = json!(unit_gid(app, code).await);
    }
    json!({ "input": input })
}

fn roles(body: &Value, field: &str) -> Vec<(String, Option<String>)> {
    body[field]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().to_owned(),
                r["unit"]["code"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_admin_grants_and_revokes_roles_with_an_audit_trail() {
    let app = TestApp::bare().await;
    let guru = personas::GURU;
    let body = data(
        app.query(
            personas::ADMIN,
            GRANT,
            input(&app, guru, "INSPECTOR", None).await,
        )
        .await,
    );
    assert_eq!(body["grantRole"]["nip"], guru);
    assert_eq!(roles(&body, "grantRole"), [("INSPECTOR".to_owned(), None)]);
    // The role counts from the next request on: the teacher may now record a visit.
    let visit = crate::supervision::record(
        &app,
        guru,
        "DINKES.PKM-DUMAI-KOTA",
        &[],
        &[personas::PERAWAT],
    )
    .await;
    data(visit);

    // UNIT_ADMIN is scoped to a unit; one ASN may administer two units.
    data(
        app.query(
            personas::ADMIN,
            GRANT,
            input(&app, guru, "UNIT_ADMIN", Some("DISDIKBUD")).await,
        )
        .await,
    );
    let body = data(
        app.query(
            personas::ADMIN,
            GRANT,
            input(&app, guru, "UNIT_ADMIN", Some("DINKES")).await,
        )
        .await,
    );
    let mut got = roles(&body, "grantRole");
    got.sort();
    assert_eq!(
        got,
        [
            ("INSPECTOR".to_owned(), None),
            ("UNIT_ADMIN".to_owned(), Some("DINKES".to_owned())),
            ("UNIT_ADMIN".to_owned(), Some("DISDIKBUD".to_owned())),
        ]
    );

    let body = data(
        app.query(
            personas::ADMIN,
            REVOKE,
            input(&app, guru, "UNIT_ADMIN", Some("DINKES")).await,
        )
        .await,
    );
    assert_eq!(roles(&body, "revokeRole").len(), 2);
    let body = data(
        app.query(
            personas::ADMIN,
            REVOKE,
            input(&app, guru, "INSPECTOR", None).await,
        )
        .await,
    );
    assert_eq!(
        roles(&body, "revokeRole"),
        [("UNIT_ADMIN".to_owned(), Some("DISDIKBUD".to_owned()))]
    );
    let after = crate::supervision::record(
        &app,
        guru,
        "DINKES.PKM-DUMAI-KOTA",
        &[],
        &[personas::PERAWAT],
    )
    .await;
    assert_eq!(codes(&after), ["FORBIDDEN"], "revoked on the next request");

    // Every change is audited, about the ASN, by the ADMIN.
    let mut conn = app.conn().await;
    let admin_id: i64 = asn::table
        .filter(asn::nip.eq(personas::ADMIN))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let guru_id: i64 = asn::table
        .filter(asn::nip.eq(guru))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let entries: Vec<AuditRow> = audit_log::table
        .filter(audit_log::entity_type.eq("Asn"))
        .order_by(audit_log::id)
        .select((
            audit_log::actor_id,
            audit_log::subject_asn_id,
            audit_log::entity_type,
            audit_log::action,
            audit_log::before,
            audit_log::after,
        ))
        .load(&mut conn)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.3.as_str()).collect();
    assert_eq!(
        actions,
        [
            "ROLE_GRANTED",
            "ROLE_GRANTED",
            "ROLE_GRANTED",
            "ROLE_REVOKED",
            "ROLE_REVOKED"
        ]
    );
    assert!(
        entries
            .iter()
            .all(|e| e.0 == Some(admin_id) && e.1 == Some(guru_id))
    );
    assert_eq!(
        entries[0].5,
        Some(json!({ "role": "INSPECTOR", "unitId": null }))
    );
    assert_eq!(
        entries[4].4,
        Some(json!({ "role": "INSPECTOR", "unitId": null }))
    );
    assert_eq!(entries[4].5, None);
}

#[tokio::test]
async fn only_admins_manage_roles() {
    let app = TestApp::bare().await;
    for nip in [
        UNIT_ADMIN_DINKES,
        personas::KEPALA_DINKES,
        personas::AUDITOR,
        personas::ANALIS,
        personas::GURU,
    ] {
        let grant = app
            .query(
                nip,
                GRANT,
                input(&app, personas::GURU, "ANALYST", None).await,
            )
            .await;
        assert_eq!(codes(&grant), ["FORBIDDEN"], "{nip}");
        let revoke = app
            .query(
                nip,
                REVOKE,
                input(&app, personas::AUDITOR, "INSPECTOR", None).await,
            )
            .await;
        assert_eq!(codes(&revoke), ["FORBIDDEN"], "{nip}");
    }
    let mut conn = app.conn().await;
    let grants: i64 = role_grants::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(grants, 5, "the demo grants, unchanged");
}

#[tokio::test]
async fn scoping_duplicates_missing_grants_and_unknown_ids() {
    let app = TestApp::bare().await;
    let admin = personas::ADMIN;
    let run = |query: &'static str, vars: Value| {
        let app = &app;
        async move { app.query(admin, query, vars).await }
    };
    let unscoped = run(GRANT, input(&app, personas::GURU, "UNIT_ADMIN", None).await).await;
    assert_eq!(codes(&unscoped), ["BAD_USER_INPUT"]);
    let scoped = run(
        GRANT,
        input(&app, personas::GURU, "INSPECTOR", Some("DINKES")).await,
    )
    .await;
    assert_eq!(codes(&scoped), ["BAD_USER_INPUT"]);
    let twice = run(
        GRANT,
        input(&app, personas::AUDITOR, "INSPECTOR", None).await,
    )
    .await;
    assert_eq!(codes(&twice), ["CONFLICT"]);
    let twice = run(
        GRANT,
        input(&app, UNIT_ADMIN_DINKES, "UNIT_ADMIN", Some("DINKES")).await,
    )
    .await;
    assert_eq!(codes(&twice), ["CONFLICT"]);
    let missing = run(REVOKE, input(&app, personas::GURU, "ANALYST", None).await).await;
    assert_eq!(codes(&missing), ["NOT_FOUND"]);
    let other_unit = run(
        REVOKE,
        input(&app, UNIT_ADMIN_DINKES, "UNIT_ADMIN", Some("DISDIKBUD")).await,
    )
    .await;
    assert_eq!(
        codes(&other_unit),
        ["NOT_FOUND"],
        "the grant is for another unit"
    );
    let ghost = json!({ "input": { "asnId": kinerja::ids::AsnId(999_999).to_global().to_string(), "role": "ANALYST" } });
    assert_eq!(codes(&run(GRANT, ghost).await), ["NOT_FOUND"]);
    let mut no_unit = input(&app, personas::GURU, "UNIT_ADMIN", None).await;
    no_unit["input"]["unitId"] = json!(kinerja::ids::UnitId(999_999).to_global().to_string());
    assert_eq!(codes(&run(GRANT, no_unit).await), ["NOT_FOUND"]);
    let mut wrong_type = input(&app, personas::GURU, "ANALYST", None).await;
    wrong_type["input"]["asnId"] = json!(unit_gid(&app, "DINKES").await);
    assert_eq!(codes(&run(GRANT, wrong_type).await), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn an_admin_cannot_revoke_their_own_admin_role() {
    let app = TestApp::bare().await;
    let own = app
        .query(
            personas::ADMIN,
            REVOKE,
            input(&app, personas::ADMIN, "ADMIN", None).await,
        )
        .await;
    assert_eq!(codes(&own), ["INVALID_STATE"]);
    // Another ADMIN may.
    data(
        app.query(
            personas::ADMIN,
            GRANT,
            input(&app, personas::KEPALA_DINKES, "ADMIN", None).await,
        )
        .await,
    );
    let body = data(
        app.query(
            personas::KEPALA_DINKES,
            REVOKE,
            input(&app, personas::ADMIN, "ADMIN", None).await,
        )
        .await,
    );
    assert!(roles(&body, "revokeRole").is_empty());
    let own = app
        .query(
            personas::KEPALA_DINKES,
            REVOKE,
            input(&app, personas::KEPALA_DINKES, "ADMIN", None).await,
        )
        .await;
    assert_eq!(codes(&own), ["INVALID_STATE"], "the last ADMIN stays");
}

#[tokio::test]
async fn two_admins_revoking_each_other_at_once_leave_one_admin() {
    let app = TestApp::bare().await;
    data(
        app.query(
            personas::ADMIN,
            GRANT,
            input(&app, personas::KEPALA_DINKES, "ADMIN", None).await,
        )
        .await,
    );
    let (a, b) = (
        input(&app, personas::KEPALA_DINKES, "ADMIN", None).await,
        input(&app, personas::ADMIN, "ADMIN", None).await,
    );
    let (first, second) = tokio::join!(
        app.query(personas::ADMIN, REVOKE, a),
        app.query(personas::KEPALA_DINKES, REVOKE, b),
    );
    let outcomes = [codes(&first), codes(&second)];
    assert_eq!(
        outcomes.iter().filter(|c| c.is_empty()).count(),
        1,
        "exactly one succeeds: {outcomes:?}"
    );
    assert!(
        outcomes.iter().any(|c| c.as_slice() == ["FORBIDDEN"]),
        "{outcomes:?}"
    );
    let mut conn = app.conn().await;
    let admins: i64 = role_grants::table
        .filter(role_grants::role.eq("ADMIN"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn concurrent_grants_of_one_role_write_it_once() {
    let app = TestApp::bare().await;
    let (a, b) = (
        input(&app, personas::GURU, "ANALYST", None).await,
        input(&app, personas::GURU, "ANALYST", None).await,
    );
    let (first, second) = tokio::join!(
        app.query(personas::ADMIN, GRANT, a),
        app.query(personas::ADMIN, GRANT, b),
    );
    let mut outcomes = [codes(&first), codes(&second)];
    outcomes.sort();
    assert_eq!(outcomes, [vec![], vec!["CONFLICT".to_owned()]]);
    let mut conn = app.conn().await;
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("ROLE_GRANTED"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(audited, 1, "the losing transaction left no audit entry");
}
