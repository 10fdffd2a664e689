//! Directory queries: units, ASN, their relations, filters, IDs and the visibility of roles.

use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};

async fn unit_id(app: &TestApp, code: &str) -> String {
    let body = data(
        app.query(
            personas::GURU,
            "query ($c: String!) { unit(code: $c) { id } }",
            json!({ "c": code }),
        )
        .await,
    );
    body["unit"]["id"].as_str().unwrap().to_owned()
}

fn names(connection: &Value, field: &str) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"][field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn viewer_and_its_relations() {
    let app = TestApp::new().await;
    let body = data(
        app.query(
            personas::PERAWAT,
            "{ viewer { nip gender employmentType positionKind grade { code scheme golongan ruang pangkat }
                unit { code kind parent { code } ancestors { code } head { nip } }
                supervisor { nip } supervisorChain { nip } subordinates { totalCount } } }",
            json!({}),
        )
        .await,
    );
    let viewer = &body["viewer"];
    assert_eq!(viewer["nip"], personas::PERAWAT);
    assert_eq!(viewer["gender"], "FEMALE");
    assert_eq!(viewer["employmentType"], "PNS");
    assert_eq!(viewer["grade"]["scheme"], "PNS");
    assert!(viewer["grade"]["pangkat"].is_string());
    assert_eq!(viewer["unit"]["code"], "DINKES.PKM-DUMAI-KOTA");
    assert_eq!(viewer["unit"]["kind"], "PUSKESMAS");
    assert_eq!(viewer["unit"]["parent"]["code"], "DINKES");
    assert_eq!(
        viewer["unit"]["ancestors"],
        json!([{ "code": "DUMAI" }, { "code": "DINKES" }])
    );
    assert_eq!(viewer["unit"]["head"]["nip"], personas::KEPALA_PUSKESMAS);
    assert_eq!(viewer["supervisor"]["nip"], personas::KEPALA_PUSKESMAS);
    assert_eq!(
        viewer["supervisorChain"],
        json!([{ "nip": personas::KEPALA_PUSKESMAS }, { "nip": personas::KEPALA_DINKES }])
    );
}

#[tokio::test]
async fn units_by_code_and_id_and_their_tree() {
    let app = TestApp::new().await;
    let dinkes = unit_id(&app, "DINKES").await;
    let body = data(
        app.query(
            personas::GURU,
            "query ($id: ID!) { unit(id: $id) { code depth children { totalCount edges { node { code } } } asns { totalCount } } }",
            json!({ "id": dinkes }),
        )
        .await,
    );
    assert_eq!(body["unit"]["code"], "DINKES");
    assert_eq!(body["unit"]["depth"], 1);
    let children = names(&body["unit"]["children"], "code");
    assert!(
        children.contains(&"DINKES.PKM-DUMAI-KOTA".to_owned()),
        "{children:?}"
    );
    assert_eq!(body["unit"]["children"]["totalCount"], children.len());

    // The subtree filter includes the unit itself and everything below it.
    let body = data(
        app.query(
            personas::GURU,
            "query ($id: ID!) { units(filter: { withinUnitId: $id }, orderBy: { field: TREE }, first: 100) { totalCount edges { node { code } } } }",
            json!({ "id": dinkes }),
        )
        .await,
    );
    let codes_in_tree = names(&body["units"], "code");
    assert_eq!(codes_in_tree[0], "DINKES");
    assert!(
        codes_in_tree.iter().all(|c| c.starts_with("DINKES")),
        "{codes_in_tree:?}"
    );
    assert_eq!(body["units"]["totalCount"], codes_in_tree.len());
}

#[tokio::test]
async fn unit_filters() {
    let app = TestApp::new().await;
    let q = "query ($f: UnitFilter) { units(filter: $f, first: 100) { totalCount edges { node { code kind } } } }";
    let puskesmas = data(
        app.query(personas::GURU, q, json!({ "f": { "kind": ["PUSKESMAS"] } }))
            .await,
    );
    assert_eq!(puskesmas["units"]["totalCount"], 2);
    let roots = data(
        app.query(personas::GURU, q, json!({ "f": { "rootsOnly": true } }))
            .await,
    );
    assert_eq!(names(&roots["units"], "code"), ["DUMAI"]);
    let search = data(
        app.query(personas::GURU, q, json!({ "f": { "search": "puskesmas" } }))
            .await,
    );
    assert_eq!(search["units"]["totalCount"], 2);
    // LIKE wildcards in a search are literal.
    let wild = data(
        app.query(personas::GURU, q, json!({ "f": { "search": "%" } }))
            .await,
    );
    assert_eq!(wild["units"]["totalCount"], 0);
    let dumai = unit_id(&app, "DUMAI").await;
    let top = data(
        app.query(personas::GURU, q, json!({ "f": { "parentId": dumai } }))
            .await,
    );
    assert!(names(&top["units"], "code").contains(&"BKPSDM".to_owned()));
    assert!(!names(&top["units"], "code").contains(&"DINKES.PKM-DUMAI-KOTA".to_owned()));
}

#[tokio::test]
async fn asn_filters_and_order() {
    let app = TestApp::new().await;
    let dinkes = unit_id(&app, "DINKES").await;
    let q = "query ($f: AsnFilter, $o: AsnOrder) { asns(filter: $f, orderBy: $o, first: 100) { totalCount edges { node { nip name employmentType positionKind grade { code } unit { code } } } } }";

    let all_dinkes = data(
        app.query(personas::GURU, q, json!({ "f": { "unitId": dinkes } }))
            .await,
    );
    let units: Vec<String> = all_dinkes["asns"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["unit"]["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(units.iter().all(|u| u.starts_with("DINKES")));
    assert!(
        units.iter().any(|u| u == "DINKES.PKM-DUMAI-KOTA"),
        "sub-units included"
    );

    let direct = data(
        app.query(
            personas::GURU,
            q,
            json!({ "f": { "unitId": dinkes, "includeSubunits": false } }),
        )
        .await,
    );
    assert!(direct["asns"]["totalCount"].as_i64() < all_dinkes["asns"]["totalCount"].as_i64());

    let pppk = data(
        app.query(
            personas::GURU,
            q,
            json!({ "f": { "employmentType": ["PPPK", "PPPK_PARUH_WAKTU"] } }),
        )
        .await,
    );
    assert!(pppk["asns"]["totalCount"].as_i64().unwrap() >= 3);
    assert!(
        pppk["asns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["employmentType"] != "PNS")
    );

    let jpt = data(
        app.query(
            personas::GURU,
            q,
            json!({ "f": { "positionKind": ["JPT"] } }),
        )
        .await,
    );
    assert!(
        jpt["asns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["positionKind"] == "JPT")
    );

    let by_nip = data(
        app.query(personas::GURU, q, json!({ "f": { "search": "19920724" } }))
            .await,
    );
    assert_eq!(names(&by_nip["asns"], "nip"), [personas::PERAWAT]);

    let grade = data(
        app.query(personas::GURU, q, json!({ "f": { "grade": ["III/b"] } }))
            .await,
    );
    assert!(
        grade["asns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["grade"]["code"] == "III/b")
    );

    let ordered = data(
        app.query(
            personas::GURU,
            q,
            json!({ "o": { "field": "NIP", "direction": "DESC" } }),
        )
        .await,
    );
    let nips = names(&ordered["asns"], "nip");
    let mut sorted = nips.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(nips, sorted);

    let bad_grade = app
        .query(personas::GURU, q, json!({ "f": { "grade": ["III/z"] } }))
        .await;
    assert_eq!(codes(&bad_grade), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn lookups_by_natural_key_validate_and_report_missing_rows() {
    let app = TestApp::new().await;
    let q = "query ($nip: String) { asn(nip: $nip) { name } }";
    let found = data(
        app.query(personas::GURU, q, json!({ "nip": personas::ADMIN }))
            .await,
    );
    assert!(found["asn"]["name"].is_string());

    let invalid = app
        .query(personas::GURU, q, json!({ "nip": "197513012000031001" }))
        .await;
    assert_eq!(codes(&invalid), ["INVALID_NIP"]);
    assert_eq!(invalid["errors"][0]["extensions"]["part"], "birthDate");
    assert!(invalid["data"]["asn"].is_null());

    let short = app.query(personas::GURU, q, json!({ "nip": "1975" })).await;
    assert_eq!(short["errors"][0]["extensions"]["part"], "length");

    let missing = app
        .query(personas::GURU, q, json!({ "nip": "199912312020121001" }))
        .await;
    assert_eq!(codes(&missing), ["NOT_FOUND"]);

    let neither = app
        .query(personas::GURU, "{ asn { name } }", json!({}))
        .await;
    assert_eq!(codes(&neither), ["BAD_USER_INPUT"]);
    let both = app
        .query(
            personas::GURU,
            "{ unit(id: \"x\", code: \"DINKES\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&both), ["BAD_USER_INPUT"]);
    let no_unit = app
        .query(
            personas::GURU,
            "{ unit(code: \"NOPE\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&no_unit), ["NOT_FOUND"]);
}

#[tokio::test]
async fn global_ids_are_checked() {
    let app = TestApp::new().await;
    let dinkes = unit_id(&app, "DINKES").await;
    let viewer = data(
        app.query(personas::GURU, "{ viewer { id } }", json!({}))
            .await,
    );
    let asn_id = viewer["viewer"]["id"].as_str().unwrap().to_owned();

    // node() resolves either type.
    let q = "query ($id: ID!) { node(id: $id) { __typename id ... on Unit { code } ... on Asn { nip } } }";
    let unit = data(app.query(personas::GURU, q, json!({ "id": dinkes })).await);
    assert_eq!(unit["node"]["__typename"], "Unit");
    assert_eq!(unit["node"]["code"], "DINKES");
    let asn = data(app.query(personas::GURU, q, json!({ "id": asn_id })).await);
    assert_eq!(asn["node"]["nip"], personas::GURU);

    // A Unit ID where an Asn ID belongs, garbage, and an unknown row.
    let foreign = app
        .query(
            personas::GURU,
            "query ($id: ID!) { asn(id: $id) { name } }",
            json!({ "id": dinkes }),
        )
        .await;
    assert_eq!(codes(&foreign), ["BAD_USER_INPUT"]);
    assert!(
        foreign["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expected an ID of a Asn")
    );
    for garbage in ["", "!!", "Zm9v", "VW5pdDphYmM"] {
        let body = app.query(personas::GURU, q, json!({ "id": garbage })).await;
        assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{garbage}");
    }
    let unknown = kinerja::ids::UnitId(999_999).to_global();
    let body = app
        .query(personas::GURU, q, json!({ "id": unknown.as_str() }))
        .await;
    assert_eq!(codes(&body), ["NOT_FOUND"]);
    let filter = app
        .query(
            personas::GURU,
            "query ($id: ID!) { asns(filter: { unitId: $id }) { totalCount } }",
            json!({ "id": asn_id }),
        )
        .await;
    assert_eq!(codes(&filter), ["BAD_USER_INPUT"]);

    // nodes() keeps order, nulls what does not exist.
    let body = data(
        app.query(
            personas::GURU,
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [asn_id, unknown.as_str(), dinkes] }),
        )
        .await,
    );
    assert_eq!(
        body["nodes"],
        json!([{ "id": asn_id }, null, { "id": dinkes }])
    );
}

/// Role grants are personal: the ASN, their supervisor chain, unit admins above them and admins
/// see them; peers, analysts and inspectors get null.
#[tokio::test]
async fn roles_follow_the_personal_visibility_rule() {
    let app = TestApp::new().await;
    let q = "query ($nip: String!) { asn(nip: $nip) { roles { role unit { code } } } }";
    let unit_admin_nip = kinerja::seed::demo_data::ROLES
        .iter()
        .find(|r| r.role == "UNIT_ADMIN")
        .unwrap()
        .nip;
    let cases = [
        (personas::PERAWAT, personas::PERAWAT, true),
        (personas::KEPALA_PUSKESMAS, personas::PERAWAT, true),
        (personas::KEPALA_DINKES, personas::PERAWAT, true),
        (personas::ADMIN, personas::PERAWAT, true),
        (unit_admin_nip, personas::PERAWAT, true),
        (personas::PERAWAT, personas::KEPALA_PUSKESMAS, false),
        (personas::GURU, personas::PERAWAT, false),
        (personas::ANALIS, personas::PERAWAT, false),
        (personas::AUDITOR, personas::PERAWAT, false),
        (unit_admin_nip, personas::GURU, false),
        (personas::GURU, personas::AUDITOR, false),
        (personas::AUDITOR, personas::AUDITOR, true),
    ];
    for (viewer, subject, visible) in cases {
        let body = data(app.query(viewer, q, json!({ "nip": subject })).await);
        assert_eq!(
            body["asn"]["roles"].is_array(),
            visible,
            "{viewer} reading roles of {subject}: {body}"
        );
    }
    let own = data(
        app.query(unit_admin_nip, q, json!({ "nip": unit_admin_nip }))
            .await,
    );
    assert_eq!(
        own["asn"]["roles"],
        json!([{ "role": "UNIT_ADMIN", "unit": { "code": "DINKES" } }])
    );
}

/// A unit moved under its own sub-unit, or an ASN under their own subordinate, is refused by
/// the database and reported as bad input.
#[tokio::test]
async fn tree_cycles_are_refused() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use kinerja::db::schema::{asn, units};

    let app = TestApp::new().await;
    let mut conn = app.conn().await;
    let dinkes: i64 = units::table
        .filter(units::code.eq("DINKES"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let puskesmas: i64 = units::table
        .filter(units::code.eq("DINKES.PKM-DUMAI-KOTA"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let err = diesel::update(units::table.find(dinkes))
        .set(units::parent_id.eq(puskesmas))
        .execute(&mut conn)
        .await
        .unwrap_err();
    let err = kinerja::error::AppError::from(err);
    assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
    assert!(err.message().contains("own sub-unit"));

    let boss: i64 = asn::table
        .filter(asn::nip.eq(personas::KEPALA_DINKES))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let nurse: i64 = asn::table
        .filter(asn::nip.eq(personas::PERAWAT))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let err = diesel::update(asn::table.find(boss))
        .set(asn::supervisor_id.eq(nurse))
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(
        kinerja::error::AppError::from(err)
            .message()
            .contains("own subordinate")
    );

    // A legal move rewrites the whole subtree's paths.
    let bkpsdm: i64 = units::table
        .filter(units::code.eq("BKPSDM"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    diesel::update(units::table.find(puskesmas))
        .set(units::parent_id.eq(bkpsdm))
        .execute(&mut conn)
        .await
        .unwrap();
    let body = data(
        app.query(
            personas::GURU,
            "{ unit(code: \"DINKES.PKM-DUMAI-KOTA\") { ancestors { code } } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(
        body["unit"]["ancestors"],
        json!([{ "code": "DUMAI" }, { "code": "BKPSDM" }])
    );
    let _ = dinkes;
}
