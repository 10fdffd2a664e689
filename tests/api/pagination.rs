//! Connection pagination: forward and backward pages, bounds, empty pages, invalid cursors.

use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};

const Q: &str = "query ($first: Int, $after: String, $last: Int, $before: String) {
  asns(first: $first, after: $after, last: $last, before: $before, orderBy: { field: NIP }) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { nip } }
  }
}";

fn nips(body: &Value) -> Vec<String> {
    body["asns"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["nip"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn forward_pages_cover_the_list_exactly_once() {
    let app = TestApp::new().await;
    let total = kinerja::seed::demo_data::ASN.len();
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = data(
            app.query(personas::GURU, Q, json!({ "first": 7, "after": after }))
                .await,
        );
        assert_eq!(body["asns"]["totalCount"], total);
        seen.extend(nips(&body));
        let info = &body["asns"]["pageInfo"];
        assert_eq!(info["hasPreviousPage"], !after.is_null());
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].clone();
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "ordered by NIP, no duplicates");
    assert_eq!(seen.len(), total);
}

#[tokio::test]
async fn backward_pages() {
    let app = TestApp::new().await;
    let all = data(app.query(personas::GURU, Q, json!({ "first": 100 })).await);
    let all = nips(&all);
    let last = data(app.query(personas::GURU, Q, json!({ "last": 5 })).await);
    assert_eq!(nips(&last), all[all.len() - 5..]);
    assert_eq!(last["asns"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(last["asns"]["pageInfo"]["hasPreviousPage"], true);

    let before = last["asns"]["pageInfo"]["startCursor"].clone();
    let previous = data(
        app.query(personas::GURU, Q, json!({ "last": 5, "before": before }))
            .await,
    );
    assert_eq!(nips(&previous), all[all.len() - 10..all.len() - 5]);
    assert_eq!(previous["asns"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn empty_and_zero_pages() {
    let app = TestApp::new().await;
    let body = data(app.query(personas::GURU, Q, json!({ "first": 0 })).await);
    assert!(nips(&body).is_empty());
    assert_eq!(body["asns"]["pageInfo"]["hasNextPage"], true);

    let far = kinerja_cursor(10_000);
    let body = data(
        app.query(personas::GURU, Q, json!({ "first": 5, "after": far }))
            .await,
    );
    assert!(nips(&body).is_empty());
    assert_eq!(body["asns"]["pageInfo"]["hasNextPage"], false);
    assert!(body["asns"]["pageInfo"]["endCursor"].is_null());

    let none = data(
        app.query(personas::GURU, "{ asns(filter: { search: \"zzzz-nobody\" }) { totalCount edges { cursor } pageInfo { hasNextPage } } }", json!({})).await,
    );
    assert_eq!(none["asns"]["totalCount"], 0);
    assert_eq!(none["asns"]["edges"], json!([]));
}

fn kinerja_cursor(offset: i64) -> String {
    use async_graphql::connection::CursorType;
    kinerja::graphql::pagination::OffsetCursor(offset).encode_cursor()
}

#[tokio::test]
async fn out_of_bounds_arguments_are_coded() {
    let app = TestApp::new().await;
    let cases = [
        (json!({ "first": 101 }), "QUERY_TOO_COMPLEX"),
        (json!({ "last": 1000 }), "QUERY_TOO_COMPLEX"),
        (json!({ "first": -1 }), "BAD_USER_INPUT"),
        (json!({ "last": -3 }), "BAD_USER_INPUT"),
        (json!({ "first": 2, "last": 2 }), "BAD_USER_INPUT"),
        (json!({ "after": "garbage" }), "BAD_USER_INPUT"),
        (json!({ "before": "djE6LTE" }), "BAD_USER_INPUT"),
        (json!({ "first": "ten" }), "BAD_USER_INPUT"),
    ];
    for (variables, code) in cases {
        let body = app.query(personas::GURU, Q, variables.clone()).await;
        let got = codes(&body);
        assert!(
            !got.is_empty() && got.iter().all(|c| c == code),
            "{variables}: {body}"
        );
    }
    let too_many = app
        .query(
            personas::GURU,
            "{ units { edges { node { children(first: 500) { totalCount } } } } }",
            json!({}),
        )
        .await;
    assert!(
        codes(&too_many).iter().all(|c| c == "QUERY_TOO_COMPLEX"),
        "{too_many}"
    );
    let body = app.query(personas::GURU, Q, json!({ "first": 101 })).await;
    assert_eq!(body["errors"][0]["extensions"]["limit"], 100);
    assert_eq!(body["errors"][0]["extensions"]["actual"], 101);
}

#[tokio::test]
async fn nested_connections_page_per_parent() {
    let app = TestApp::new().await;
    let q = "{ unit(code: \"DINKES.PKM-DUMAI-KOTA\") { asns(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { nip } } } } }";
    let body = data(app.query(personas::GURU, q, json!({})).await);
    let page = &body["unit"]["asns"];
    assert_eq!(page["edges"].as_array().unwrap().len(), 2);
    assert!(page["totalCount"].as_i64().unwrap() > 2);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let after = page["pageInfo"]["endCursor"].as_str().unwrap();
    let q2 = format!(
        "{{ unit(code: \"DINKES.PKM-DUMAI-KOTA\") {{ asns(first: 100, after: \"{after}\") {{ totalCount pageInfo {{ hasNextPage hasPreviousPage }} edges {{ node {{ nip }} }} }} }} }}"
    );
    let rest = data(app.query(personas::GURU, &q2, json!({})).await);
    let rest_page = &rest["unit"]["asns"];
    assert_eq!(
        rest_page["edges"].as_array().unwrap().len() as i64,
        page["totalCount"].as_i64().unwrap() - 2
    );
    assert_eq!(rest_page["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest_page["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn nested_total_count_does_not_change_with_the_page() {
    let app = TestApp::new().await;
    let q = "query ($after: String) { units(first: 100) { edges { node { code
               asns(first: 2, after: $after) { totalCount edges { cursor } } } } } }";
    let totals = |body: &Value| -> Vec<(String, i64)> {
        body["units"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let node = &e["node"];
                (
                    node["code"].as_str().unwrap().to_owned(),
                    node["asns"]["totalCount"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let first = data(app.query(personas::GURU, q, json!({})).await);
    let expected = totals(&first);
    assert!(expected.iter().any(|(_, total)| *total > 2));
    // Pages inside, at the end of and past every unit's list report the same counts.
    for offset in [0, 1, 2, 5, 50, 10_000] {
        let after = kinerja_cursor(offset);
        let page = data(
            app.query(personas::GURU, q, json!({ "after": after }))
                .await,
        );
        assert_eq!(totals(&page), expected, "after offset {offset}");
    }
}
