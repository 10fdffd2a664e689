//! The dashboard queries of `bench/` run without errors on the demo data, within the limits,
//! with statement counts bounded by their depth — counted by PostgreSQL itself.
//!
//! The count a response reports (`extensions.sqlStatements`) comes from the instrumentation of
//! the request's connections; this test checks it against an independent source, the
//! `pg_stat_statements` of a throwaway cluster. The requests run on a pool of their own, logged
//! in as a role nothing else uses, so the statistics of that role hold exactly the statements
//! of the request (not the event listener's, nor the test's own).

use async_graphql::{Request, Variables};
use diesel::QueryableByName;
use diesel_async::SimpleAsyncConnection;
use kinerja::auth::load_viewer;
use kinerja::config::Settings;
use kinerja::db::{self, Db, PgPool};
use kinerja::graphql::prepare;
use serde_json::{Value, json};

use crate::cluster::Cluster;
use crate::support::{Fixture, TestApp, data, ensure_template, personas, server_url};

/// The role the counted requests log in as.
const REQUESTS_ROLE: &str = "kinerja_bench_requests";

#[derive(QueryableByName)]
struct Calls {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    calls: i64,
}

/// Statements PostgreSQL executed for [`REQUESTS_ROLE`] in this database since the last reset.
async fn executed(conn: &mut db::Conn) -> i64 {
    use diesel_async::RunQueryDsl;
    diesel::sql_query(format!(
        "SELECT coalesce(sum(calls), 0)::bigint AS calls FROM pg_stat_statements \
         WHERE userid = '{REQUESTS_ROLE}'::regrole \
         AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ))
    .get_result::<Calls>(conn)
    .await
    .unwrap()
    .calls
}

/// Runs `query` as `nip` on `pool`, as [`TestApp::run`] does; returns the response and the
/// count the request's instrumentation measured.
async fn run(app: &TestApp, pool: &PgPool, nip: &str, query: &str, variables: Value) -> Value {
    let db = Db::new(pool.clone());
    let viewer = load_viewer(&mut db.conn().await.unwrap(), nip)
        .await
        .unwrap();
    let request = Request::new(query).variables(Variables::from_json(variables));
    let response = app.schema.execute(prepare(request, db, Some(viewer))).await;
    serde_json::to_value(&response).unwrap()
}

/// Copies the demo template of the shared test server into `cluster` under its own name, so
/// the cluster's test app starts from it instead of seeding the demo data again.
async fn copy_demo_template(cluster: &Cluster) {
    let template = ensure_template(&server_url(), Fixture::Demo).await;
    let source = format!("{}/{template}", server_url());
    let target = format!("{}/{template}", cluster.server_url());
    db::create_database_if_missing(&target).await.unwrap();
    use std::process::{Command, Stdio};
    let mut dump = Command::new("pg_dump")
        .args(["--no-owner", "--no-privileges", &source])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let restored = Command::new("psql")
        .args([
            "-q",
            "--single-transaction",
            "-v",
            "ON_ERROR_STOP=1",
            &target,
        ])
        .stdin(dump.stdout.take().unwrap())
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(dump.wait().unwrap().success(), "pg_dump of {source}");
    assert!(
        restored.status.success(),
        "restoring the demo template: {}",
        String::from_utf8_lossy(&restored.stderr)
    );
}

#[tokio::test]
async fn every_bench_query_runs_within_the_limits() {
    let cluster = Cluster::start(&["shared_preload_libraries=pg_stat_statements"]);
    copy_demo_template(&cluster).await;
    let app = TestApp::build_on(&cluster.server_url(), Fixture::Demo, Settings::default()).await;
    let mut stats = app.conn().await;
    stats
        .batch_execute(&format!(
            "CREATE EXTENSION pg_stat_statements; CREATE ROLE {REQUESTS_ROLE} LOGIN SUPERUSER"
        ))
        .await
        .unwrap();
    let database = app.url.rsplit('/').next().unwrap();
    let size = 8;
    let pool = db::pool(
        &format!(
            "postgres://{REQUESTS_ROLE}@127.0.0.1:{}/{database}",
            cluster.server_url().rsplit(':').next().unwrap()
        ),
        size,
    )
    .unwrap();
    // Open every connection of the pool now: opening one runs statements of its own (session
    // settings), which belong to no request.
    let mut warm = Vec::new();
    for _ in 0..size {
        warm.push(pool.get().await.unwrap());
    }
    drop(warm);
    let unit = data(
        run(
            &app,
            &pool,
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
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let query = std::fs::read_to_string(&path).unwrap();
        // ADMIN skips the visibility filters; the Kepala Dinas Kesehatan reads the Dinas
        // through them (the supervisor chain) and the aggregates over READABLE_RECORDS.
        for nip in [personas::ADMIN, personas::KEPALA_DINKES] {
            stats
                .batch_execute("SELECT pg_stat_statements_reset()")
                .await
                .unwrap();
            assert_eq!(executed(&mut stats).await, 0, "{name}: a clean slate");
            let body = run(
                &app,
                &pool,
                nip,
                &query,
                json!({ "unit": unit, "year": 2026 }),
            )
            .await;
            let counted = executed(&mut stats).await;
            assert!(body.get("errors").is_none(), "{name} as {nip}: {body}");
            assert!(body["extensions"]["cost"].is_object(), "{name}");
            // What `--report-statements` tells a client is what PostgreSQL executed.
            assert_eq!(
                body["extensions"]["sqlStatements"], counted,
                "{name} as {nip}"
            );
            // The viewer, then a statement per level that loads (not per row); an aggregate
            // is an access check and one statement for its figures.
            let expected = match name.as_str() {
                "nested" => 9,
                "evaluations_by_predikat" => 5,
                _ => 3,
            };
            assert_eq!(counted, expected, "{name} as {nip}");
        }
        ran.push(name);
    }
    ran.sort();
    assert_eq!(
        ran,
        ["evaluations_by_predikat", "nested", "trend", "unit_summary"]
    );
}
