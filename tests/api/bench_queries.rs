//! The dashboard queries of `bench/` run without errors on the demo data, within the limits,
//! with statement counts bounded by their depth.

use serde_json::json;

use crate::support::{TestApp, data, personas};

#[tokio::test]
async fn every_bench_query_runs_within_the_limits() {
    let app = TestApp::new().await;
    let unit = data(
        app.query(
            personas::ADMIN,
            r#"{ unit(code: "DINKES") { id } }"#,
            json!({}),
        )
        .await,
    )["unit"]["id"]
        .clone();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench");
    let mut ran = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "graphql") {
            continue;
        }
        let query = std::fs::read_to_string(&path).unwrap();
        let (body, statements) = app
            .run(
                Some(personas::ADMIN),
                &query,
                json!({ "unit": unit, "year": 2026 }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{}: {body}", path.display());
        assert!(body["extensions"]["cost"].is_object(), "{}", path.display());
        // What `--report-statements` tells a client is the count the harness measured.
        assert_eq!(
            body["extensions"]["sqlStatements"],
            statements,
            "{}",
            path.display()
        );
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        // The viewer, then a statement per level that loads (not per row); an aggregate is an
        // access check and one statement for its figures.
        let bound = match name.as_str() {
            "nested" => 9,
            "evaluations_by_predikat" => 5,
            _ => 3,
        };
        assert!(statements <= bound, "{name}: {statements} statements");
        ran.push(name);
    }
    ran.sort();
    assert_eq!(
        ran,
        ["evaluations_by_predikat", "nested", "trend", "unit_summary"]
    );
}
