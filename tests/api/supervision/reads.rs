//! Reading observations: who sees which through every path, the period loader, and the
//! statement counts of the nested reads.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::Db;
use kinerja::graphql::loaders::new_loaders;
use kinerja::ids::AsnId;
use kinerja::supervision::loaders::ObservationsOf;
use serde_json::{Value, json};

use super::{DOKTER, INSPECTOR_2, PKM_STAFF, UNIT_ADMIN_DINKES, record, unit_gid};
use crate::support::{TestApp, codes, data, personas};

fn nips(connection: &Value) -> BTreeSet<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["asn"]["nip"].as_str().unwrap().to_owned())
        .collect()
}

/// What `nip` sees of the observations: through the visit, the visit list, `Asn.observations`
/// of every observed ASN, and `node(id)` of each observation.
async fn seen_by(
    app: &TestApp,
    nip: &str,
    visit: &str,
    observed: &[&str],
    ids: &[String],
) -> [BTreeSet<String>; 4] {
    let body = data(
        app.query(
            nip,
            "query ($id: ID!) { supervisionVisit(id: $id) { observations { totalCount edges { node { asn { nip } } } } } }",
            json!({ "id": visit }),
        )
        .await,
    );
    let on_visit = nips(&body["supervisionVisit"]["observations"]);
    assert_eq!(
        body["supervisionVisit"]["observations"]["totalCount"],
        on_visit.len(),
        "count agrees with rows for {nip}"
    );
    let body = data(
        app.query(
            nip,
            "{ supervisionVisits { edges { node { id observations { totalCount edges { node { asn { nip } } } } } } } }",
            json!({}),
        )
        .await,
    );
    let mut in_list = BTreeSet::new();
    for edge in body["supervisionVisits"]["edges"].as_array().unwrap() {
        if edge["node"]["id"] == visit {
            in_list = nips(&edge["node"]["observations"]);
        }
    }
    let mut of_asn = BTreeSet::new();
    for observed_nip in observed {
        let body = data(
            app.query(
                nip,
                "query ($n: String!) { asn(nip: $n) { observations { totalCount edges { node { asn { nip } } } } } }",
                json!({ "n": observed_nip }),
            )
            .await,
        );
        let seen = nips(&body["asn"]["observations"]);
        let rows = body["asn"]["observations"]["edges"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(body["asn"]["observations"]["totalCount"], rows);
        of_asn.extend(seen);
    }
    let mut by_node = BTreeSet::new();
    for id in ids {
        let body = app
            .query(
                nip,
                "query ($id: ID!) { node(id: $id) { ... on Observation { asn { nip } } } }",
                json!({ "id": id }),
            )
            .await;
        match codes(&body).as_slice() {
            [] => {
                by_node.insert(
                    body["data"]["node"]["asn"]["nip"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                );
            }
            [code] => {
                assert_eq!(code, "FORBIDDEN", "{nip}");
                assert!(body["data"]["node"].is_null());
            }
            other => panic!("{other:?}"),
        }
    }
    [on_visit, in_list, of_asn, by_node]
}

#[tokio::test]
async fn observations_are_read_by_the_observed_their_chain_admins_and_the_team_only() {
    let app = TestApp::bare().await;
    let observed = [personas::PERAWAT, DOKTER];
    let body = data(
        record(
            &app,
            personas::AUDITOR,
            "DINKES.PKM-DUMAI-KOTA",
            &[],
            &observed,
        )
        .await,
    );
    let visit = body["recordSupervisionVisit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids: Vec<String> = body["recordSupervisionVisit"]["observations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect();
    // A second visit by the other inspector alone: its team differs.
    data(
        record(
            &app,
            INSPECTOR_2,
            "DINKES.PKM-DUMAI-KOTA",
            &[],
            &[personas::PERAWAT],
        )
        .await,
    );

    let both: BTreeSet<String> = observed.iter().map(|n| n.to_string()).collect();
    let nurse: BTreeSet<String> = BTreeSet::from([personas::PERAWAT.to_owned()]);
    let doctor: BTreeSet<String> = BTreeSet::from([DOKTER.to_owned()]);
    let none = BTreeSet::new();
    let expected = [
        (personas::PERAWAT, &nurse),
        (DOKTER, &doctor),
        (personas::KEPALA_PUSKESMAS, &both),
        (personas::KEPALA_DINKES, &both),
        (UNIT_ADMIN_DINKES, &both),
        (personas::ADMIN, &both),
        (personas::AUDITOR, &both),
        (INSPECTOR_2, &none),
        (personas::ANALIS, &none),
        (personas::GURU, &none),
        ("198407152009032001", &none),
    ];
    for (nip, want) in expected {
        let [on_visit, in_list, _, by_node] = seen_by(&app, nip, &visit, &observed, &ids).await;
        assert_eq!(&on_visit, want, "SupervisionVisit.observations for {nip}");
        assert_eq!(&in_list, want, "supervisionVisits…observations for {nip}");
        assert_eq!(&by_node, want, "node(id) for {nip}");
    }
    // Asn.observations spans both visits: the second inspector sees their own observation of
    // the nurse only, the first inspector only the first visit's.
    let count = |nip: &'static str, of: &'static str| {
        let app = &app;
        async move {
            let body = data(
                app.query(
                    nip,
                    "query ($n: String!) { asn(nip: $n) { observations { totalCount } } }",
                    json!({ "n": of }),
                )
                .await,
            );
            body["asn"]["observations"]["totalCount"].as_i64().unwrap()
        }
    };
    assert_eq!(count(personas::PERAWAT, personas::PERAWAT).await, 2);
    assert_eq!(count(INSPECTOR_2, personas::PERAWAT).await, 1);
    assert_eq!(count(personas::AUDITOR, personas::PERAWAT).await, 1);
    assert_eq!(count(INSPECTOR_2, DOKTER).await, 0);
    assert_eq!(count(personas::GURU, personas::PERAWAT).await, 0);
    assert_eq!(count(DOKTER, personas::PERAWAT).await, 0, "a peer");
}

#[tokio::test]
async fn observations_of_a_period_load_in_one_statement() {
    let app = TestApp::bare().await;
    data(
        record(
            &app,
            personas::AUDITOR,
            "DINKES.PKM-DUMAI-KOTA",
            &[],
            &[personas::PERAWAT, DOKTER],
        )
        .await,
    );
    let nurse: i64 = {
        use kinerja::db::schema::asn;
        let mut conn = app.conn().await;
        asn::table
            .filter(asn::nip.eq(personas::PERAWAT))
            .select(asn::id)
            .first(&mut conn)
            .await
            .unwrap()
    };
    let db = Db::new(app.pool.clone());
    let loaders = new_loaders(&db);
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let q4 = ObservationsOf {
        asn_id: AsnId(nurse),
        from: date("2026-10-01"),
        to: date("2026-12-31"),
    };
    let q3 = ObservationsOf {
        asn_id: AsnId(nurse),
        from: date("2026-07-01"),
        to: date("2026-09-30"),
    };
    let found = loaders.load_many([q4, q3]).await.unwrap();
    assert_eq!(db.statements(), 1);
    assert_eq!(found[&q4].len(), 1);
    assert_eq!(found[&q4][0].asn_id, AsnId(nurse));
    assert!(found[&q3].is_empty());
}

/// Records `visits` visits to Puskesmas Dumai Kota, each observing the first `per_visit` staff.
async fn visits_fixture(app: &TestApp, visits: usize, per_visit: usize) {
    for i in 0..visits {
        let inspector = if i % 2 == 0 {
            personas::AUDITOR
        } else {
            INSPECTOR_2
        };
        data(
            record(
                app,
                inspector,
                "DINKES.PKM-DUMAI-KOTA",
                &[],
                &PKM_STAFF[..per_visit],
            )
            .await,
        );
    }
}

const VISITS_NESTED: &str = "{ supervisionVisits(first: 50) { edges { node {
    summary unit { name } recordedBy { name } team { name unit { name } }
    observations { totalCount edges { node { rating asn { name unit { name } } visit { visitedOn } } } }
} } } }";

const ASN_OBSERVATIONS: &str =
    "query ($u: ID!) { asns(filter: { unitId: $u }, first: 50) { edges { node {
    name observations { totalCount edges { node { rating visit { unit { name } team { name } } } } }
} } } }";

#[tokio::test]
async fn nested_observation_reads_are_bounded_by_depth() {
    let mut counts = Vec::new();
    for (visits, per_visit) in [(2, 2), (6, 5)] {
        let app = TestApp::bare().await;
        visits_fixture(&app, visits, per_visit).await;
        let (body, statements) = app
            .run(Some(personas::ADMIN), VISITS_NESTED, json!({}))
            .await;
        let body = data(body);
        let rows: usize = body["supervisionVisits"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["observations"]["edges"].as_array().unwrap().len())
            .sum();
        assert_eq!(rows, visits * per_visit);
        let pkm = unit_gid(&app, "DINKES.PKM-DUMAI-KOTA").await;
        let (body, by_asn) = app
            .run(
                Some(personas::KEPALA_DINKES),
                ASN_OBSERVATIONS,
                json!({ "u": pkm }),
            )
            .await;
        let body = data(body);
        let seen: i64 = body["asns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["observations"]["totalCount"].as_i64().unwrap())
            .sum();
        assert_eq!(seen as usize, visits * per_visit);
        counts.push((statements, by_asn));
    }
    // The viewer and the visits page, then one statement per loader and level: units,
    // recorders, teams and observations; team members with the observed ASN; the observations'
    // visits; the units of all those ASN. Measured: 9 at 2×2 and 6×5 — or 10 when a level's
    // loads straddle the loader's batching window (the request loader batches by time, not by
    // level), whatever the number of rows.
    for (size, (visits_nested, _)) in ["2×2", "6×5"].iter().zip(&counts) {
        assert!(
            (9..=10).contains(visits_nested),
            "supervisionVisits nested at {size}: {counts:?}"
        );
    }
    // The viewer, the asns page, observations, their visits, the visits' units and teams, the
    // team members. Measured: 7 at both sizes.
    assert_eq!(counts[0].1, 7, "asns → observations nested: {counts:?}");
    assert_eq!(counts[1].1, 7, "asns → observations nested: {counts:?}");
}
