//! Reading feedback: who sees which entry through every path, and the statement counts of
//! the nested reads.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::schema::{asn, feedback, units};
use kinerja::ids::UnitId;
use serde_json::{Value, json};

use super::{AGUNG, PERAWAT_AHLI_MUDA, given};
use crate::supervision::{DOKTER, UNIT_ADMIN_DINKES};
use crate::support::{TestApp, codes, data, personas};

fn bodies(connection: &Value) -> BTreeSet<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["body"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn feedback_is_read_by_author_recipient_their_chain_and_admins_only() {
    let app = TestApp::bare().await;
    let p = personas::PERAWAT;
    let mut ids = BTreeMap::new();
    ids.insert(
        "F1",
        given(
            &app,
            personas::KEPALA_DINKES,
            p,
            "APPRECIATION",
            "F1",
            json!({}),
        )
        .await,
    );
    ids.insert(
        "F2",
        given(&app, DOKTER, p, "CONSTRUCTIVE", "F2", json!({})).await,
    );
    ids.insert(
        "F5",
        given(&app, AGUNG, p, "COACHING", "F5", json!({})).await,
    );
    let (f2, f5) = (ids["F2"].clone(), ids["F5"].clone());
    ids.insert(
        "R1",
        given(
            &app,
            p,
            DOKTER,
            "APPRECIATION",
            "R1",
            json!({ "parentId": f2 }),
        )
        .await,
    );
    ids.insert(
        "R3",
        given(
            &app,
            p,
            AGUNG,
            "APPRECIATION",
            "R3",
            json!({ "parentId": f5 }),
        )
        .await,
    );

    let all = ["F1", "F2", "F5", "R1", "R3"];
    let chain = all.to_vec();
    let expected: Vec<(&str, Vec<&str>)> = vec![
        (p, chain.clone()),
        (personas::KEPALA_PUSKESMAS, chain.clone()),
        (personas::KEPALA_DINKES, chain.clone()),
        (UNIT_ADMIN_DINKES, chain.clone()),
        (personas::ADMIN, chain.clone()),
        (DOKTER, vec!["F2", "R1"]),
        (AGUNG, vec!["F5", "R3"]),
        // Agung's supervisor reads what he received, not what he wrote to the nurse.
        (PERAWAT_AHLI_MUDA, vec!["R3"]),
        (personas::GURU, vec![]),
        (personas::AUDITOR, vec![]),
        (personas::ANALIS, vec![]),
    ];
    let paths = "query ($p: String!, $a: String!) {
        p: asn(nip: $p) {
          feedbackReceived { totalCount edges { node { body replies { totalCount edges { node { body } } } } } }
          feedbackGiven { totalCount edges { node { body } } }
        }
        a: asn(nip: $a) { feedbackReceived { totalCount edges { node { body parent { body } } } } }
      }";
    for (viewer, visible) in expected {
        let visible: BTreeSet<String> = visible.iter().map(|s| s.to_string()).collect();
        let only = |of: &[&str]| -> BTreeSet<String> {
            of.iter()
                .map(|s| s.to_string())
                .filter(|s| visible.contains(s))
                .collect()
        };
        let body = data(
            app.query(viewer, paths, json!({ "p": p, "a": AGUNG }))
                .await,
        );
        let received = &body["p"]["feedbackReceived"];
        assert_eq!(
            bodies(received),
            only(&["F1", "F2", "F5"]),
            "received by {viewer}"
        );
        assert_eq!(
            received["totalCount"],
            only(&["F1", "F2", "F5"]).len(),
            "{viewer}"
        );
        let given = &body["p"]["feedbackGiven"];
        assert_eq!(bodies(given), only(&["R1", "R3"]), "given by {viewer}");
        assert_eq!(given["totalCount"], only(&["R1", "R3"]).len(), "{viewer}");
        for edge in received["edges"].as_array().unwrap() {
            let parent = edge["node"]["body"].as_str().unwrap();
            let replies = &edge["node"]["replies"];
            let want = match parent {
                "F2" => only(&["R1"]),
                "F5" => only(&["R3"]),
                _ => BTreeSet::new(),
            };
            assert_eq!(bodies(replies), want, "replies to {parent} for {viewer}");
            assert_eq!(replies["totalCount"], want.len());
        }
        let agung = &body["a"]["feedbackReceived"];
        assert_eq!(
            bodies(agung),
            only(&["R3"]),
            "received by Agung, for {viewer}"
        );
        for edge in agung["edges"].as_array().unwrap() {
            let parent = &edge["node"]["parent"];
            if visible.contains("F5") {
                assert_eq!(parent["body"], "F5");
            } else {
                assert!(parent.is_null(), "parent hidden from {viewer}");
            }
        }
        // node(id): the entry, or null with FORBIDDEN.
        for (label, id) in &ids {
            let body = app
                .query(
                    viewer,
                    "query ($id: ID!) { node(id: $id) { ... on Feedback { body } } }",
                    json!({ "id": id }),
                )
                .await;
            if visible.contains(*label) {
                assert_eq!(data(body)["node"]["body"], *label, "{viewer}");
            } else {
                assert_eq!(codes(&body), ["FORBIDDEN"], "{label} for {viewer}");
                assert!(body["data"]["node"].is_null());
            }
        }
        assert!(all.iter().all(|l| ids.contains_key(l)));
    }
}

/// A unit under DUMAI with `n` ASN: the first heads and supervises the others, and gives each
/// of them `n` feedback entries; each report replies to the first.
async fn fixture(app: &TestApp, n: usize) -> String {
    let mut conn = app.conn().await;
    let dumai: i64 = units::table
        .filter(units::code.eq("DUMAI"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let unit: i64 = diesel::insert_into(units::table)
        .values((
            units::code.eq(format!("FB-{n}")),
            units::name.eq(format!("Fixture {n}")),
            units::kind.eq("BADAN"),
            units::parent_id.eq(dumai),
        ))
        .returning(units::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    let mut head = None;
    for i in 0..n {
        let id: i64 = diesel::insert_into(asn::table)
            .values((
                asn::nip.eq(format!("1986{n:03}{i:011}")),
                asn::name.eq(format!("Pegawai {i:03}")),
                asn::gender.eq("MALE"),
                asn::employment_type.eq("PNS"),
                asn::grade.eq("III/a"),
                asn::position.eq("Analis"),
                asn::position_kind.eq("FUNGSIONAL"),
                asn::unit_id.eq(unit),
                asn::supervisor_id.eq(head),
            ))
            .returning(asn::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        let Some(boss) = head else {
            head = Some(id);
            continue;
        };
        for k in 0..n {
            let parent: i64 = diesel::insert_into(feedback::table)
                .values((
                    feedback::author_id.eq(boss),
                    feedback::recipient_id.eq(id),
                    feedback::kind.eq("COACHING"),
                    feedback::body.eq(format!("Catatan {k}")),
                ))
                .returning(feedback::id)
                .get_result(&mut conn)
                .await
                .unwrap();
            if k > 0 {
                continue;
            }
            diesel::insert_into(feedback::table)
                .values((
                    feedback::author_id.eq(id),
                    feedback::recipient_id.eq(boss),
                    feedback::parent_id.eq(parent),
                    feedback::kind.eq("APPRECIATION"),
                    feedback::body.eq("Terima kasih"),
                ))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    UnitId(unit).to_global().to_string()
}

const NESTED: &str = "query ($u: ID!) { asns(filter: { unitId: $u }, first: 20) { edges { node {
    name feedbackReceived(first: 20) { totalCount edges { node {
      body author { unit { name } } replies(first: 5) { totalCount edges { node { author { name } } } }
    } } }
    feedbackGiven(first: 20) { totalCount }
} } } }";

const BRIEF: &str = "query ($u: ID!) { asns(filter: { unitId: $u }) { edges { node {
    feedbackReceived { edges { node { author { unit { name } } replies { totalCount } } } }
} } } }";

#[tokio::test]
async fn nested_feedback_reads_are_bounded_by_depth() {
    let mut counts = Vec::new();
    for n in [3, 8] {
        let app = TestApp::bare().await;
        let unit = fixture(&app, n).await;
        let (body, as_admin) = app
            .run(Some(personas::ADMIN), NESTED, json!({ "u": unit }))
            .await;
        let body = data(body);
        let rows: usize = body["asns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["node"]["feedbackReceived"]["edges"]
                    .as_array()
                    .unwrap()
                    .len()
            })
            .sum();
        // n-1 reports each received n entries; the head received one reply from each.
        assert_eq!(rows, (n - 1) * n + (n - 1));
        // A reader with a limited scope (the head of the fixture unit) goes the same way.
        let head = format!("1986{n:03}{:011}", 0);
        let (body, as_head) = app.run(Some(&head), NESTED, json!({ "u": unit })).await;
        let body = data(body);
        let head_sees: i64 = body["asns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["node"]["feedbackReceived"]["totalCount"]
                    .as_i64()
                    .unwrap()
            })
            .sum();
        assert_eq!(head_sees as usize, rows);
        let (body, brief) = app.run(Some(&head), BRIEF, json!({ "u": unit })).await;
        data(body);
        counts.push((as_admin, as_head, brief));
    }
    // The viewer, the asns page, feedback received and given (one batch, two statements), the
    // authors, their units, the replies: 7. Reply authors are usually served from the loader's
    // cache; when the replies arrive while the first authors' batch is still in flight, the
    // loader issues one more batch for them (it does not join in-flight keys): 8. Either way the
    // count is bounded by the depth, the same at 3 and at 8 ASN.
    // The plain `asns { feedbackReceived { … author { unit } replies { totalCount } } }`:
    // viewer, page, received, authors, units, replies.
    for (as_admin, as_head, brief) in &counts {
        assert!((7..=8).contains(as_admin), "{counts:?}");
        assert!((7..=8).contains(as_head), "{counts:?}");
        assert_eq!(*brief, 6, "{counts:?}");
    }
}
