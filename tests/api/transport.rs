//! GraphQL over HTTP: methods, media types and status codes; the service endpoints.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, codes, personas};

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Option<String>, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    (
        status,
        content_type,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn post_and_get_in_both_media_types() {
    let app = TestApp::new().await;
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", app.token(personas::GURU));

    let (status, content_type, body) = send(
        client
            .post(app.http("/graphql"))
            .header("authorization", &auth)
            .header("content-type", "application/json; charset=utf-8")
            .header(
                "accept",
                "application/graphql-response+json, application/json;q=0.9",
            )
            .body(json!({ "query": "{ viewer { nip } }" }).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        content_type.as_deref(),
        Some("application/graphql-response+json")
    );
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU);

    let (status, content_type, body) = send(
        client
            .get(app.http("/graphql"))
            .query(&[
                ("query", "query Me($n: String!) { asn(nip: $n) { nip } }"),
                ("variables", &json!({ "n": personas::ADMIN }).to_string()),
                ("operationName", "Me"),
            ])
            .header("authorization", &auth),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(body["data"]["asn"]["nip"], personas::ADMIN);
}

#[tokio::test]
async fn request_errors_get_spec_status_codes() {
    let app = TestApp::new().await;
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", app.token(personas::GURU));
    let post = |accept: &'static str, body: String| {
        client
            .post(app.http("/graphql"))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .header("accept", accept)
            .body(body)
    };
    let graphql = "application/graphql-response+json";

    // A document that does not parse: 400 with graphql-response+json, 200 with json.
    let (status, _, body) = send(post(graphql, json!({ "query": "{ viewer {" }).to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
    let (status, _, body) = send(post(
        "application/json",
        json!({ "query": "{ viewer {" }).to_string(),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);

    // A field error during execution is still a 200 with data.
    let (status, _, body) = send(post(
        graphql,
        json!({ "query": "{ viewer { nip } unit(code: \"NOPE\") { name } }" }).to_string(),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(&body), ["NOT_FOUND"]);
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU);

    // Invalid JSON, a body that is not a GraphQL request, the wrong content type.
    let (status, _, body) = send(post(graphql, "{not json".to_owned())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
    let (status, _, _) = send(post(graphql, json!({ "nope": 1 }).to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, body) = send(
        client
            .post(app.http("/graphql"))
            .header("authorization", &auth)
            .header("content-type", "text/plain")
            .body("{ viewer { nip } }"),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);

    // Unacceptable Accept.
    let (status, _, _) = send(post(
        "text/html",
        json!({ "query": "{ viewer { nip } }" }).to_string(),
    ))
    .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);

    // Too large a body.
    let huge = json!({ "query": format!("{{ viewer {{ nip }} }} #{}", "x".repeat(300 * 1024)) })
        .to_string();
    let (status, _, _) = send(post(graphql, huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Anonymous access to data with graphql-response+json is 401.
    let (status, _, body) = send(
        client
            .post(app.http("/graphql"))
            .header("content-type", "application/json")
            .header("accept", graphql)
            .body(json!({ "query": "{ viewer { nip } }" }).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn mutations_over_get_are_405() {
    let app = TestApp::new().await;
    let response = reqwest::Client::new()
        .get(app.http("/graphql"))
        .query(&[("query", "mutation { __typename }")])
        .header(
            "authorization",
            format!("Bearer {}", app.token(personas::GURU)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn service_endpoints() {
    let app = TestApp::new().await;
    let client = reqwest::Client::new();
    let health = client.get(app.http("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // Ready once the database answers and the event listener is up (it starts with the app).
    let mut ready = client.get(app.http("/readyz")).send().await.unwrap();
    for _ in 0..100 {
        if ready.status() == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        ready = client.get(app.http("/readyz")).send().await.unwrap();
    }
    assert_eq!(ready.status(), StatusCode::OK);
    let graphiql = client.get(app.http("/graphiql")).send().await.unwrap();
    assert_eq!(graphiql.status(), StatusCode::OK);
    assert!(graphiql.text().await.unwrap().contains("/graphql"));

    // One successful request shows up in the metrics.
    let _ = client
        .post(app.http("/graphql"))
        .header("content-type", "application/json")
        .body(json!({ "query": "{ __typename }" }).to_string())
        .send()
        .await
        .unwrap();
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("kinerja_graphql_requests_total{status=\"2xx\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("kinerja_db_pool_connections{state=\"max\"} 8"),
        "{metrics}"
    );
}

// ---------------------------------------------------------------------------------------------
// Raw connections, locks and PostgreSQL's view of the server's backends (shared with the
// hostile, fault and shutdown suites).

use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use kinerja::config::{Settings, Transport};
use kinerja::db::Db;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What a raw connection saw.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// The server closed the connection without answering.
    Closed,
    /// Nothing happened within the wait.
    StillOpen,
    /// An HTTP response: status and body (JSON when it parses).
    Answer(u16, Value),
}

impl Raw {
    /// The status and `extensions.code`s of an answer.
    pub fn status_and_codes(&self) -> Option<(u16, Vec<String>)> {
        match self {
            Raw::Answer(status, body) => Some((*status, codes(body))),
            _ => None,
        }
    }
}

/// Reads one HTTP response (or the connection's end) within `wait`.
pub async fn read_raw(stream: &mut TcpStream, wait: Duration) -> Raw {
    let mut buffer = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(answer) = parse_response(&buffer) {
            return answer;
        }
        let mut chunk = [0u8; 8192];
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return Raw::StillOpen,
            Ok(Ok(0)) | Ok(Err(_)) => {
                return parse_response(&buffer).unwrap_or(Raw::Closed);
            }
            Ok(Ok(n)) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A complete response in `buffer`, if there is one.
fn parse_response(buffer: &[u8]) -> Option<Raw> {
    let text = String::from_utf8_lossy(buffer);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    (body.len() >= length).then(|| {
        let body = &body[..length];
        Raw::Answer(
            status,
            serde_json::from_str(body).unwrap_or(Value::String(body.to_owned())),
        )
    })
}

/// The bytes of a POST /graphql of `body`, with a token when given.
pub fn post_bytes(token: Option<&str>, body: &str) -> Vec<u8> {
    let authorization = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /graphql HTTP/1.1\r\nHost: kinerja\r\nContent-Type: application/json\r\n\
         Accept: application/graphql-response+json\r\n{authorization}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A connection holding a lock in an open transaction; requests that need the table wait.
pub struct Lock(AsyncPgConnection);

impl Lock {
    /// Takes `ACCESS EXCLUSIVE` on `table` of the database at `url`.
    pub async fn take(url: &str, table: &str) -> Lock {
        let mut conn = AsyncPgConnection::establish(url).await.unwrap();
        conn.batch_execute(&format!(
            "BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"
        ))
        .await
        .unwrap();
        Lock(conn)
    }

    /// Releases the lock.
    pub async fn release(mut self) {
        self.0.batch_execute("ROLLBACK").await.unwrap();
    }
}

/// Backends of the database at `url` waiting for a lock (requests blocked by a [`Lock`]).
pub async fn lock_waiters(url: &str) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    .get_result::<Count>(&mut conn)
    .await
    .unwrap()
    .n
}

/// Waits (up to `within`) until exactly `n` backends of `url` wait for a lock.
pub async fn await_lock_waiters(url: &str, n: i64, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let waiting = lock_waiters(url).await;
        if waiting == n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{waiting} backends wait for a lock, expected {n}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A test app with these transport settings.
pub async fn app_with(transport: Transport) -> TestApp {
    TestApp::with_settings(Settings {
        transport,
        ..Settings::default()
    })
    .await
}

const VIEWER: &str = r#"{"query":"{ viewer { nip } }"}"#;

#[tokio::test]
async fn metrics_count_every_response_under_its_real_status() {
    let app = app_with(Transport {
        request_timeout_secs: 1,
        ..Transport::default()
    })
    .await;
    let client = reqwest::Client::new();
    let token = app.token(personas::GURU);
    let graphql = "application/graphql-response+json";
    let post = |accept: &'static str, content_type: &'static str, body: String| {
        client
            .post(app.http("/graphql"))
            .header("content-type", content_type)
            .header("accept", accept)
            .body(body)
    };
    let mut statuses = Vec::new();
    // 200, 400 (not JSON), 401 (no token), 415, 406, 413, 405.
    let (status, _, _) = send(post(
        graphql,
        "application/json",
        json!({ "query": "{ __typename }" }).to_string(),
    ))
    .await;
    statuses.push(status);
    let (status, _, _) = send(post(graphql, "application/json", "{not json".to_owned())).await;
    statuses.push(status);
    let (status, _, _) = send(post(graphql, "application/json", VIEWER.to_owned())).await;
    statuses.push(status);
    let (status, _, _) = send(post(graphql, "text/plain", VIEWER.to_owned())).await;
    statuses.push(status);
    let (status, _, _) = send(post("text/html", "application/json", VIEWER.to_owned())).await;
    statuses.push(status);
    let (status, _, _) = send(post(graphql, "application/json", "x".repeat(300 * 1024))).await;
    statuses.push(status);
    let (status, _, _) = send(
        client
            .get(app.http("/graphql"))
            .query(&[("query", "mutation { __typename }")])
            .header("authorization", format!("Bearer {token}")),
    )
    .await;
    statuses.push(status);
    // 504: a request that outlives the request timeout.
    let lock = Lock::take(&app.url, "asn").await;
    let (status, _, body) = send(
        post(graphql, "application/json", VIEWER.to_owned())
            .header("authorization", format!("Bearer {token}")),
    )
    .await;
    assert_eq!(codes(&body), ["TIMEOUT"], "{body}");
    statuses.push(status);
    lock.release().await;
    assert_eq!(
        statuses.iter().map(|s| s.as_u16()).collect::<Vec<_>>(),
        [200, 400, 401, 415, 406, 413, 405, 504]
    );

    let metrics = app.metrics().await;
    for line in [
        "kinerja_graphql_requests_total{status=\"2xx\"} 1",
        "kinerja_graphql_requests_total{status=\"4xx\"} 6",
        "kinerja_graphql_requests_total{status=\"5xx\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
}

#[tokio::test]
async fn a_request_over_the_request_timeout_is_504_and_its_statement_is_cancelled() {
    let app = app_with(Transport {
        request_timeout_secs: 1,
        ..Transport::default()
    })
    .await;
    let token = app.token(personas::GURU);
    let lock = Lock::take(&app.url, "asn").await;
    for accept in ["application/graphql-response+json", "application/json"] {
        let (status, content_type, body) = send(
            reqwest::Client::new()
                .post(app.http("/graphql"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header("accept", accept)
                .body(VIEWER),
        )
        .await;
        assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{accept}");
        assert_eq!(content_type.as_deref(), Some(accept));
        assert_eq!(codes(&body), ["TIMEOUT"], "{body}");
        let extensions = &body["errors"][0]["extensions"];
        assert_eq!(
            (extensions["measure"].as_str(), extensions["limit"].as_u64()),
            (Some("request"), Some(1))
        );
    }
    // The viewer lookups no longer wait for the lock: they were cancelled, not abandoned.
    await_lock_waiters(&app.url, 0, Duration::from_secs(3)).await;
    lock.release().await;
}

#[tokio::test]
async fn a_statement_over_the_statement_timeout_is_504_timeout() {
    let app = app_with(Transport {
        db_statement_timeout_secs: 1,
        ..Transport::default()
    })
    .await;
    let lock = Lock::take(&app.url, "evaluations").await;
    let (status, _, body) = send(
        reqwest::Client::new()
            .post(app.http("/graphql"))
            .header(
                "authorization",
                format!("Bearer {}", app.token(personas::ADMIN)),
            )
            .header("content-type", "application/json")
            .body(
                json!({ "query": "{ viewer { nip } evaluations(first: 1) { totalCount } }" })
                    .to_string(),
            ),
    )
    .await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(codes(&body), ["TIMEOUT"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["measure"], "statement");
    assert_eq!(body["errors"][0]["path"], json!(["evaluations"]));
    lock.release().await;
}

#[tokio::test]
async fn a_client_that_goes_away_cancels_its_request_and_its_transaction() {
    let app = TestApp::new().await;
    let perawat = crate::evaluations::asn_id(&app, personas::PERAWAT).await;
    let q4 = "SELECT count(*) AS n FROM evaluations WHERE period_year = 2026 \
              AND period_kind = 'QUARTERLY' AND period_number = 4";
    assert_eq!(count(&app.url, q4).await, 0);
    // The evaluation row is written, then its audit entry waits for the lock.
    let lock = Lock::take(&app.url, "audit_log").await;
    let body = json!({ "query": crate::evaluations::CREATE, "variables": { "input": {
        "asnId": perawat, "period": { "year": 2026, "kind": "QUARTERLY", "number": 4 } } } })
    .to_string();
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let token = app.token(personas::KEPALA_PUSKESMAS);
    stream
        .write_all(&post_bytes(Some(&token), &body))
        .await
        .unwrap();
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    drop(stream);
    // Cancelled well before the request timeout (30 s).
    await_lock_waiters(&app.url, 0, Duration::from_secs(3)).await;
    lock.release().await;
    assert_eq!(
        count(&app.url, q4).await,
        0,
        "the transaction was rolled back"
    );
}

#[tokio::test]
async fn a_connection_that_was_cancelled_or_left_mid_statement_serves_no_one_else() {
    let app = TestApp::new().await;
    // One connection: the next checkout gets the abandoned one back or a fresh one.
    let pool = kinerja::db::pool_with(&app.url, 1, Transport::default().pool_timeouts()).unwrap();
    let lock = Lock::take(&app.url, "asn").await;

    // A waits for the lock and is abandoned: its statement is cancelled.
    let a = Db::new(pool.clone());
    let mut conn = a.conn().await.unwrap();
    let backend_a = backend_pid(&mut conn).await;
    let cancel_for_a = conn.cancel_token();
    let waiting = tokio::spawn(async move { count_asn(&mut conn).await });
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    a.cancel_running().await;
    assert!(
        waiting.await.unwrap().is_err(),
        "A's statement was cancelled"
    );

    // B comes next, and a cancel meant for A arrives while B's statement runs.
    let b = Db::new(pool.clone());
    let mut conn = b.conn().await.unwrap();
    let backend_b = backend_pid(&mut conn).await;
    assert_ne!(backend_b, backend_a, "B got A's cancelled connection");
    let running = tokio::spawn(async move { (count_asn(&mut conn).await, conn) });
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    cancel_for_a
        .cancel_query(tokio_postgres::NoTls)
        .await
        .unwrap();
    lock.release().await;
    let (counted, conn) = running.await.unwrap();
    assert!(counted.expect("B's statement ran to its end") > 0);
    drop(conn);

    // C's work is dropped mid-statement without a cancel; D does not queue behind it.
    let lock = Lock::take(&app.url, "asn").await;
    let c = Db::new(pool.clone());
    let mut conn = c.conn().await.unwrap();
    let backend_c = backend_pid(&mut conn).await;
    let abandoned = tokio::spawn(async move { count_asn(&mut conn).await });
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    abandoned.abort();
    let _ = abandoned.await;
    let mut conn = Db::new(pool.clone()).conn().await.unwrap();
    assert_ne!(
        backend_pid(&mut conn).await,
        backend_c,
        "D got C's busy connection"
    );
    lock.release().await;
}

/// The PostgreSQL backend serving `conn`.
async fn backend_pid(conn: &mut kinerja::db::Conn) -> i32 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result::<Pid>(conn)
        .await
        .unwrap()
        .pid
}

/// Counts the ASN on `conn` (waits while a [`Lock`] holds the table).
async fn count_asn(conn: &mut kinerja::db::Conn) -> diesel::QueryResult<i64> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM asn")
        .get_result::<Count>(conn)
        .await
        .map(|count| count.n)
}

/// The `n` of a one-row count query on the database at `url`.
pub async fn count(url: &str, sql: &str) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

#[tokio::test]
async fn a_request_that_waits_too_long_for_a_connection_is_503() {
    let app = app_with(Transport {
        db_pool_wait_secs: 1,
        ..Transport::default()
    })
    .await;
    let token = app.token(personas::GURU);
    let request = |accept: &'static str| {
        reqwest::Client::new()
            .post(app.http("/graphql"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .header("accept", accept)
            .body(VIEWER)
    };
    let held: Vec<_> = futures_util::future::join_all((0..8).map(|_| app.pool.get()))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    for accept in ["application/graphql-response+json", "application/json"] {
        let (status, _, body) = send(request(accept)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{accept}: {body}");
        assert_eq!(codes(&body), ["SERVICE_UNAVAILABLE"]);
    }
    drop(held);
    let (status, _, body) = send(request("application/json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU);
}

#[tokio::test]
async fn draining_refuses_new_connections_and_finishes_requests_in_flight() {
    let app = TestApp::new().await;
    let token = app.token(personas::GURU);
    let lock = Lock::take(&app.url, "asn").await;
    let mut in_flight = TcpStream::connect(app.addr).await.unwrap();
    in_flight
        .write_all(&post_bytes(Some(&token), VIEWER))
        .await
        .unwrap();
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    // Probes whose requests are half received when the shutdown begins.
    let mut probe = TcpStream::connect(app.addr).await.unwrap();
    probe.write_all(b"GET /readyz HTTP/1.1\r\n").await.unwrap();
    let mut health = TcpStream::connect(app.addr).await.unwrap();
    health
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    // An idle connection closes at once.
    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    app.stop.send(true).unwrap();
    assert_eq!(
        read_raw(&mut idle, Duration::from_secs(2)).await,
        Raw::Closed
    );
    probe.write_all(b"Host: kinerja\r\n\r\n").await.unwrap();
    let answer = read_raw(&mut probe, Duration::from_secs(2)).await;
    let Raw::Answer(status, body) = answer else {
        panic!("no answer from /readyz: {answer:?}");
    };
    assert_eq!((status, body), (503, json!("not ready: shutting down\n")));
    health.write_all(b"Host: kinerja\r\n\r\n").await.unwrap();
    assert_eq!(
        read_raw(&mut health, Duration::from_secs(2)).await,
        Raw::Answer(200, json!("ok"))
    );
    let refused = async {
        loop {
            if TcpStream::connect(app.addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(1), refused)
        .await
        .expect("new connections are refused");

    lock.release().await;
    let Raw::Answer(status, body) = read_raw(&mut in_flight, Duration::from_secs(5)).await else {
        panic!("the request in flight got no answer");
    };
    assert_eq!(
        (status, &body["data"]["viewer"]["nip"]),
        (200, &json!(personas::GURU))
    );
}

#[tokio::test]
async fn requests_that_outlast_the_shutdown_grace_are_cancelled_with_503() {
    let app = app_with(Transport {
        shutdown_grace_secs: 1,
        ..Transport::default()
    })
    .await;
    let lock = Lock::take(&app.url, "asn").await;
    let mut in_flight = TcpStream::connect(app.addr).await.unwrap();
    in_flight
        .write_all(&post_bytes(Some(&app.token(personas::GURU)), VIEWER))
        .await
        .unwrap();
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    app.stop.send(true).unwrap();
    let answer = read_raw(&mut in_flight, Duration::from_secs(5)).await;
    assert_eq!(
        answer.status_and_codes(),
        Some((503, vec!["SERVICE_UNAVAILABLE".to_owned()])),
        "{answer:?}"
    );
    await_lock_waiters(&app.url, 0, Duration::from_secs(3)).await;
    lock.release().await;
}
