//! Database faults, on a throwaway cluster the test stops, restarts or freezes: an outage is
//! 503 `SERVICE_UNAVAILABLE` on every path (viewer lookup, execution, WebSocket init, `/readyz`),
//! the server recovers without a restart, subscribers lose no event, and a frozen database
//! costs a request no more than the request timeout.

use std::time::Duration;

use kinerja::config::{Settings, Transport};
use serde_json::{Value, json};

use crate::cluster::Cluster;
use crate::evaluations::{CREATE, PUBLISH, asn_id};
use crate::support::{Fixture, TestApp, codes, data, personas};
use crate::websocket::{Socket, connect, next_json, send};

const VIEWER: &str = r#"{"query":"{ viewer { nip } }"}"#;
const PUBLISHED: &str = "subscription ($after: String) { evaluationPublished(after: $after) {
  cursor evaluation { id } } }";

async fn post(app: &TestApp, nip: &str, accept: &str, body: String) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.http("/graphql"))
        .header("authorization", format!("Bearer {}", app.token(nip)))
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn ready(app: &TestApp) -> u16 {
    reqwest::get(app.http("/readyz"))
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Polls until `/readyz` answers `status` (the listener reconnects with backoff).
async fn await_ready(app: &TestApp, status: u16, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    while ready(app).await != status {
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz never answered {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Creates and publishes an evaluation of `subject` by `evaluator` for `period`; returns its ID.
async fn publish(app: &TestApp, evaluator: &str, subject: &str, period: Value) -> String {
    let subject = asn_id(app, subject).await;
    let body = data(
        app.query(
            evaluator,
            CREATE,
            json!({ "input": { "asnId": subject, "period": period,
                "workResultRating": "SESUAI_EKSPEKTASI", "behaviourRating": "SESUAI_EKSPEKTASI" } }),
        )
        .await,
    );
    let id = body["createEvaluation"]["id"].as_str().unwrap().to_owned();
    data(app.query(evaluator, PUBLISH, json!({ "id": id })).await);
    id
}

/// A socket of the Kepala Dinas Kesehatan (who reads the evaluations published below),
/// subscribed to publications after `after`.
async fn subscriber(app: &TestApp, after: Option<&Value>) -> Socket {
    let mut socket = connect(app).await;
    let token = app.token(personas::KEPALA_DINKES);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe",
        "payload": { "query": PUBLISHED, "variables": { "after": after } } }),
    )
    .await;
    // Let the subscription register before anything is published.
    tokio::time::sleep(Duration::from_millis(300)).await;
    socket
}

/// The evaluation ID and cursor of the next event on `socket`.
async fn next_event(socket: &mut Socket) -> (String, Value) {
    let event = next_json(socket).await;
    let published = &event["payload"]["data"]["evaluationPublished"];
    let id = published["evaluation"]["id"].as_str();
    let id = id
        .unwrap_or_else(|| panic!("not an event: {event}"))
        .to_owned();
    (id, published["cursor"].clone())
}

#[tokio::test]
async fn a_database_outage_is_503_and_the_server_recovers_without_losing_events() {
    let cluster = Cluster::start(&[]);
    let app = TestApp::build_on(
        &cluster.server_url(),
        Fixture::Demo,
        Settings {
            transport: Transport {
                db_pool_wait_secs: 2,
                ..Transport::default()
            },
            ..Settings::default()
        },
    )
    .await;
    await_ready(&app, 200, Duration::from_secs(10)).await;
    // The test database is a fresh copy of a template: its sequences' pages carry no WAL record
    // of their own yet, so ids drawn before a crash would be drawn again after it (PostgreSQL
    // logs a sequence ahead only once a checkpoint passed its page). A checkpoint first.
    checkpoint(&app.url).await;
    let q4 = |year| json!({ "year": year, "kind": "QUARTERLY", "number": 4 });
    let mut live = subscriber(&app, None).await;
    let first = publish(
        &app,
        personas::KEPALA_PUSKESMAS,
        personas::PERAWAT,
        q4(2026),
    )
    .await;
    let (id, after_first) = next_event(&mut live).await;
    assert_eq!(id, first);

    cluster.stop();
    for accept in ["application/graphql-response+json", "application/json"] {
        let (status, body) = post(&app, personas::GURU, accept, VIEWER.to_owned()).await;
        assert_eq!(
            (status, codes(&body)),
            (503, vec!["SERVICE_UNAVAILABLE".to_owned()]),
            "{accept}: {body}"
        );
    }
    let mutation = json!({ "query": CREATE, "variables": { "input": {
        "asnId": "QXNuOjE", "period": q4(2025) } } });
    let (status, body) = post(
        &app,
        personas::KEPALA_PUSKESMAS,
        "application/json",
        mutation.to_string(),
    )
    .await;
    assert_eq!(
        (status, codes(&body)),
        (503, vec!["SERVICE_UNAVAILABLE".to_owned()]),
        "{body}"
    );
    assert_eq!(ready(&app).await, 503);
    // A connection_init the database cannot check is worth a retry, not a forbidden token.
    let mut socket = connect(&app).await;
    let token = app.token(personas::GURU);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut socket).await, json!({ "close": 1013 }));
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("kinerja_graphql_requests_total{status=\"5xx\"} 3"),
        "{metrics}"
    );

    cluster.resume();
    await_ready(&app, 200, Duration::from_secs(20)).await;
    let (status, body) = post(&app, personas::GURU, "application/json", VIEWER.to_owned()).await;
    assert_eq!(
        (status, &body["data"]["viewer"]["nip"]),
        (200, &json!(personas::GURU)),
        "{body}"
    );

    // The socket that stayed open gets what is published after the recovery; one that resumes
    // after the first event gets it too, then live events, each once.
    let second = publish(
        &app,
        personas::KEPALA_DINKES,
        personas::KEPALA_PUSKESMAS,
        q4(2026),
    )
    .await;
    assert_eq!(next_event(&mut live).await.0, second);
    let mut resumed = subscriber(&app, Some(&after_first)).await;
    assert_eq!(next_event(&mut resumed).await.0, second);
    let annual = json!({ "year": 2026, "kind": "ANNUAL", "number": 1 });
    let third = publish(&app, personas::KEPALA_PUSKESMAS, personas::PERAWAT, annual).await;
    assert_eq!(next_event(&mut resumed).await.0, third);
    assert_eq!(next_event(&mut live).await.0, third);
}

async fn checkpoint(url: &str) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    conn.batch_execute("CHECKPOINT").await.unwrap();
}

/// Processes stopped with SIGSTOP; continued when dropped, whatever happened.
struct Frozen(Vec<String>);

impl Frozen {
    fn signal(pids: &[String], signal: &str) {
        let status = std::process::Command::new("kill")
            .arg(signal)
            .args(pids)
            .status()
            .unwrap();
        assert!(status.success(), "kill {signal} {pids:?}");
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        Self::signal(&self.0, "-CONT");
    }
}

/// Freezes every process of the cluster behind `url` (the postmaster and all its children).
async fn freeze(url: &str) -> Frozen {
    use diesel::prelude::*;
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let backends: Vec<Pid> = diesel::sql_query("SELECT pid FROM pg_stat_activity")
        .load(&mut conn)
        .await
        .unwrap();
    let any = backends[0].pid;
    let stat = std::fs::read_to_string(format!("/proc/{any}/stat")).unwrap();
    // Field 4 (after the parenthesised command name) is the parent: the postmaster.
    let postmaster = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    let mut pids = vec![postmaster];
    pids.extend(backends.iter().map(|b| b.pid.to_string()));
    Frozen::signal(&pids, "-STOP");
    Frozen(pids)
}

#[tokio::test]
async fn a_frozen_database_costs_a_request_no_more_than_the_request_timeout() {
    let cluster = Cluster::start(&[]);
    let app = TestApp::build_on(
        &cluster.server_url(),
        Fixture::Demo,
        Settings {
            transport: Transport {
                request_timeout_secs: 2,
                ..Transport::default()
            },
            ..Settings::default()
        },
    )
    .await;
    await_ready(&app, 200, Duration::from_secs(10)).await;
    let (status, _) = post(&app, personas::GURU, "application/json", VIEWER.to_owned()).await;
    assert_eq!(status, 200);

    let frozen = freeze(&app.url).await;
    let (status, body) = post(&app, personas::GURU, "application/json", VIEWER.to_owned()).await;
    assert_eq!(
        (status, codes(&body)),
        (504, vec!["TIMEOUT".to_owned()]),
        "{body}"
    );
    assert_eq!(ready(&app).await, 503);
    // `/healthz` does not need the database.
    let health = reqwest::get(app.http("/healthz")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);

    drop(frozen);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) =
            post(&app, personas::GURU, "application/json", VIEWER.to_owned()).await;
        if status == 200 {
            assert_eq!(body["data"]["viewer"]["nip"], personas::GURU);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no recovery: {status} {body}"
        );
    }
}
