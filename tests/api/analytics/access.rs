//! Who reads a unit's aggregates, and over which records: the ANALYST boundary (aggregates yes,
//! personal records no), heads and their chain over what they may read, inspectors of visited
//! units, unit admins of their subtree, strangers refused.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::schema::{
    asn, evaluations, role_grants, supervision_visit_members, supervision_visits,
};
use serde_json::{Value, json};

use super::{Fixture, counts, fixture, q3, summary};
use crate::support::{codes, data, personas};

/// How many counted 2026 Q3 evaluations of `unit` `nip` may list one by one.
async fn listed(f: &Fixture, nip: &str, unit: &str) -> i64 {
    let body = f
        .app
        .query(
            nip,
            "query ($unit: ID!) { evaluations(filter: { unitId: $unit, year: 2026,
               periodKind: QUARTERLY, periodNumber: 3, status: [PUBLISHED, APPEALED, FINAL] }) {
               totalCount } }",
            json!({ "unit": f.unit(unit) }),
        )
        .await;
    data(body)["evaluations"]["totalCount"].as_i64().unwrap()
}

fn figures(body: Value) -> Value {
    data(body)["performanceSummary"].clone()
}

#[tokio::test]
async fn analysts_read_every_aggregate_but_no_personal_record() {
    let f = fixture().await;
    let admin = figures(summary(&f, personas::ADMIN, "ANL", true).await.0);
    let (body, statements) = summary(&f, personas::ANALIS, "ANL", true).await;
    let analyst = figures(body);
    assert_eq!(analyst, admin, "the same figures as ADMIN");
    assert_eq!(analyst["coverage"], "ALL_RECORDS");
    assert_eq!(statements, 3);

    // Record by record the analyst reads nothing of the fixture's staff.
    assert_eq!(listed(&f, personas::ANALIS, "ANL").await, 0);
    let mut conn = f.app.conn().await;
    let evaluation: i64 = evaluations::table
        .filter(evaluations::asn_id.eq(f.asn_id("b1")))
        .filter(evaluations::period_number.eq(3))
        .select(evaluations::id)
        .first(&mut conn)
        .await
        .unwrap();
    let direct = f
        .app
        .query(
            personas::ANALIS,
            "query ($id: ID!) { evaluation(id: $id) { predikat } }",
            json!({ "id": kinerja::ids::EvaluationId(evaluation).to_global() }),
        )
        .await;
    assert_eq!(codes(&direct), ["FORBIDDEN"]);
    let body = data(
        f.app
            .query(
                personas::ANALIS,
                "query ($nip: String!) { asn(nip: $nip) {
                   name unit { code }
                   evaluations { totalCount }
                   activities { totalCount }
                   activitySummary(year: 2026, month: 7) { approvedMinutes }
                   feedbackReceived { totalCount }
                   auditTrail { totalCount }
                   roles { role } } }",
                json!({ "nip": f.nip("a1") }),
            )
            .await,
    );
    let a1 = &body["asn"];
    assert_eq!(a1["name"], "Pegawai a1", "directory fields stay readable");
    assert_eq!(a1["unit"]["code"], "ANL.A");
    assert_eq!(a1["evaluations"]["totalCount"], 0);
    assert_eq!(a1["activities"], Value::Null);
    assert_eq!(a1["activitySummary"], Value::Null);
    assert_eq!(a1["feedbackReceived"]["totalCount"], 0);
    assert_eq!(a1["auditTrail"], Value::Null);
    assert_eq!(a1["roles"], Value::Null);
    let appeals = data(
        f.app
            .query(
                personas::ANALIS,
                "query ($unit: ID!) { appeals(filter: { unitId: $unit }) { totalCount } }",
                json!({ "unit": f.unit("ANL") }),
            )
            .await,
    );
    assert_eq!(appeals["appeals"]["totalCount"], 0);
}

#[tokio::test]
async fn strangers_and_staff_without_a_lead_role_are_forbidden() {
    let f = fixture().await;
    let a1 = f.nip("a1");
    let b = f.nip("B");
    for (nip, unit) in [
        (personas::GURU, "ANL"),
        (personas::KEPALA_DINKES, "ANL"),
        (a1.as_str(), "ANL.A"),
        (b.as_str(), "ANL"),
        (b.as_str(), "ANL.A"),
    ] {
        let (body, _) = summary(&f, nip, unit, true).await;
        assert_eq!(codes(&body), ["FORBIDDEN"], "{nip} on {unit}");
        assert_eq!(body["data"]["performanceSummary"], Value::Null);
    }
    for query in [
        "query ($unit: ID!, $period: PeriodInput!) { evaluatorCalibration(unitId: $unit, period: $period) { evaluatedCount } }",
        "query ($unit: ID!, $period: PeriodInput!) { distributionCheck(unitId: $unit, period: $period, capaianOrganisasi: BAIK) { satisfied } }",
        "query ($unit: ID!, $period: PeriodInput!) { performanceTrend(unitId: $unit, from: $period, to: $period) { evaluatedCount } }",
    ] {
        let body = f
            .app
            .query(
                personas::GURU,
                query,
                json!({ "unit": f.unit("ANL"), "period": q3() }),
            )
            .await;
        assert_eq!(codes(&body), ["FORBIDDEN"], "{query}");
    }
    let anonymous = f
        .app
        .run(
            None,
            super::SUMMARY,
            json!({ "unit": f.unit("ANL"), "period": q3() }),
        )
        .await
        .0;
    assert_eq!(codes(&anonymous), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn heads_count_only_what_they_may_read_one_by_one() {
    let f = fixture().await;
    // H heads ANL but is not above x2 (supervised by the ADMIN persona).
    let h = figures(summary(&f, &f.nip("H"), "ANL", true).await.0);
    assert_eq!(h["coverage"], "READABLE_RECORDS");
    assert_eq!(h["staffCount"], 11);
    assert_eq!(h["evaluatedCount"], 9);
    assert_eq!(counts(&h["predikatDistribution"]), [4, 3, 1, 1, 0]);
    assert_eq!(h["activityMinutes"]["revisionMinutes"], 0, "x2's activity");
    assert_eq!(h["activityMinutes"]["targetMinutes"], 11 * 3 * 6750);
    assert_eq!(h["appeals"]["filed"], 3, "H decides appeals in ANL.B");
    assert_eq!(listed(&f, &f.nip("H"), "ANL").await, 9);

    // B heads ANL.B: their own evaluation and their staff's.
    let b = figures(summary(&f, &f.nip("B"), "ANL.B", true).await.0);
    assert_eq!(b["coverage"], "READABLE_RECORDS");
    assert_eq!(b["evaluatedCount"], 4);
    assert_eq!(counts(&b["predikatDistribution"]), [0, 2, 1, 1, 0]);
    assert_eq!(listed(&f, &f.nip("B"), "ANL.B").await, 4);

    // The head of a unit above ANL.A reads it too.
    let h_on_a = figures(summary(&f, &f.nip("H"), "ANL.A", true).await.0);
    assert_eq!(h_on_a["evaluatedCount"], 4, "A a1 a2 a3");
}

#[tokio::test]
async fn inspectors_read_visited_units_without_the_appeals() {
    let f = fixture().await;
    let mut conn = f.app.conn().await;
    let auditor: i64 = asn::table
        .filter(asn::nip.eq(personas::AUDITOR))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let before = summary(&f, personas::AUDITOR, "ANL.B", true).await.0;
    assert_eq!(codes(&before), ["FORBIDDEN"], "before any visit");
    let visit: i64 = diesel::insert_into(supervision_visits::table)
        .values((
            supervision_visits::unit_id.eq(f.unit["ANL.B"]),
            supervision_visits::visited_on
                .eq(chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()),
            supervision_visits::summary.eq("Kunjungan pengawasan."),
            supervision_visits::recorded_by.eq(auditor),
        ))
        .returning(supervision_visits::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    diesel::insert_into(supervision_visit_members::table)
        .values((
            supervision_visit_members::visit_id.eq(visit),
            supervision_visit_members::asn_id.eq(auditor),
        ))
        .execute(&mut conn)
        .await
        .unwrap();

    let (body, statements) = summary(&f, personas::AUDITOR, "ANL.B", true).await;
    let s = figures(body);
    assert_eq!(s["coverage"], "READABLE_RECORDS");
    assert_eq!(s["evaluatedCount"], 4);
    assert_eq!(s["activityMinutes"]["approvedMinutes"], 180);
    // Appeals are personal records the inspector does not read one by one.
    assert_eq!(s["appeals"]["filed"], 0);
    assert_eq!(listed(&f, personas::AUDITOR, "ANL.B").await, 4);
    // The viewer and the visited units, the unit, the figures.
    assert_eq!(statements, 4);
    let elsewhere = summary(&f, personas::AUDITOR, "ANL", true).await.0;
    assert_eq!(codes(&elsewhere), ["FORBIDDEN"]);
}

#[tokio::test]
async fn unit_admins_read_their_subtree_over_all_records() {
    let f = fixture().await;
    let mut conn = f.app.conn().await;
    diesel::insert_into(role_grants::table)
        .values((
            role_grants::asn_id.eq(f.asn_id("s1")),
            role_grants::role.eq("UNIT_ADMIN"),
            role_grants::unit_id.eq(f.unit["ANL.A"]),
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    let s1 = f.nip("s1");
    let s = figures(summary(&f, &s1, "ANL.A", true).await.0);
    assert_eq!(s["coverage"], "ALL_RECORDS");
    assert_eq!(s["evaluatedCount"], 4);
    assert_eq!(listed(&f, &s1, "ANL.A").await, 4);
    let above = summary(&f, &s1, "ANL", true).await.0;
    assert_eq!(codes(&above), ["FORBIDDEN"]);
}
