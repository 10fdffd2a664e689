//! Reviewing activities: who may, which notes, which states, what is written, and the race of
//! two concurrent reviews.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::schema::events;
use serde_json::Value;

use crate::activities::{code, count_rows, create_activity, message, review};
use crate::support::{codes, data, personas};
use crate::targets::{DOKTER, empty_app};

#[tokio::test]
async fn only_the_direct_supervisor_reviews_submitted_activities() {
    let app = empty_app().await;
    let id = create_activity(&app, personas::PERAWAT, "2026-11-27", "08:00", "09:00").await;
    for nip in [
        personas::PERAWAT,
        personas::KEPALA_DINKES,
        personas::ADMIN,
        DOKTER,
        personas::GURU,
    ] {
        let response = review(&app, nip, &id, "APPROVE", None).await;
        assert_eq!(code(&response), "FORBIDDEN", "{nip}: {response}");
    }
    for decision in ["REJECT", "REQUEST_REVISION"] {
        let response = review(&app, personas::KEPALA_PUSKESMAS, &id, decision, Some("  ")).await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{decision}: {response}");
        assert!(message(&response).contains("note"), "{response}");
    }
    assert_eq!(count_rows(&app, "REVIEWED").await, (0, 0));

    let body = data(
        review(
            &app,
            personas::KEPALA_PUSKESMAS,
            &id,
            "APPROVE",
            Some("Baik"),
        )
        .await,
    );
    let reviewed = &body["reviewActivity"];
    assert_eq!(reviewed["status"], "APPROVED");
    assert_eq!(reviewed["reviewedBy"]["nip"], personas::KEPALA_PUSKESMAS);
    assert_eq!(reviewed["reviewNote"], "Baik");
    assert_eq!(reviewed["reviewedAt"], "2026-11-28T02:00:00+00:00");
    let again = review(&app, personas::KEPALA_PUSKESMAS, &id, "REJECT", Some("x")).await;
    assert_eq!(code(&again), "INVALID_STATE", "{again}");
    assert_eq!(count_rows(&app, "REVIEWED").await, (1, 1));

    let mut conn = app.conn().await;
    let (entity, payload): (i64, Value) = events::table
        .filter(events::kind.eq("ACTIVITY_REVIEWED"))
        .select((events::entity_id, events::payload))
        .first(&mut conn)
        .await
        .unwrap();
    let raw = kinerja::ids::ActivityId::from_global(&async_graphql::ID(id.clone())).unwrap();
    assert_eq!(entity, raw.0);
    assert_eq!(payload["status"], "APPROVED");
    let missing = kinerja::ids::ActivityId(999_999).to_global().to_string();
    let response = review(&app, personas::KEPALA_PUSKESMAS, &missing, "APPROVE", None).await;
    assert_eq!(code(&response), "NOT_FOUND", "{response}");
}

#[tokio::test]
async fn concurrent_reviews_of_one_activity_succeed_once() {
    let app = empty_app().await;
    for round in 0..3 {
        let start = format!("{:02}:00", 7 + round);
        let end = format!("{:02}:00", 8 + round);
        let id = create_activity(&app, personas::PERAWAT, "2026-11-27", &start, &end).await;
        let (a, b) = tokio::join!(
            review(&app, personas::KEPALA_PUSKESMAS, &id, "APPROVE", None),
            review(
                &app,
                personas::KEPALA_PUSKESMAS,
                &id,
                "REJECT",
                Some("Tidak sesuai")
            ),
        );
        let outcomes = [codes(&a), codes(&b)];
        let successes = outcomes.iter().filter(|c| c.is_empty()).count();
        assert_eq!(successes, 1, "round {round}: {a} / {b}");
        let failure = outcomes.iter().find(|c| !c.is_empty()).unwrap();
        assert!(
            failure == &["INVALID_STATE"] || failure == &["CONFLICT"],
            "round {round}: {failure:?}"
        );
        let expected = i64::from(round) + 1;
        assert_eq!(
            count_rows(&app, "REVIEWED").await,
            (expected, expected),
            "round {round}"
        );
    }
}
