//! Shutdown of the real binary on SIGTERM and SIGINT: `/readyz` turns 503 at once, new
//! connections are refused, requests in flight finish, sockets get 1001 and the process exits
//! 0; what outlasts the grace period is cancelled and the process still exits 0.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::{SECRET, TestApp, codes, personas};
use crate::transport::{Lock, Raw, await_lock_waiters, post_bytes, read_raw};

const VIEWER: &str = r#"{"query":"{ viewer { nip } }"}"#;

/// `kinerja serve` on the database of a test app; killed when dropped, whatever happened.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    async fn start(app: &TestApp, grace_secs: u64) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let child = Command::new(env!("CARGO_BIN_EXE_kinerja"))
            .args(["serve", "--bind", &addr.to_string()])
            .env("DATABASE_URL", &app.url)
            .env("KINERJA_JWT_SECRET", std::str::from_utf8(SECRET).unwrap())
            .env("KINERJA_SHUTDOWN_GRACE_SECS", grace_secs.to_string())
            .env("RUST_LOG", "kinerja=warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child, addr };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let ready = reqwest::get(format!("http://{addr}/readyz")).await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the server never became ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A token the binary accepts: it reads the machine's clock, not the test app's.
    fn token(&self, nip: &str) -> String {
        kinerja::auth::jwt::JwtKeys::hs256(SECRET)
            .issue(nip, 3600)
            .unwrap()
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The exit status, if the process ends within `within`.
    async fn exit_code(&mut self, within: Duration) -> Option<i32> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Sends a request that waits for `lock`'s table, and waits until it does.
async fn in_flight(app: &TestApp, server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let token = server.token(personas::GURU);
    stream
        .write_all(&post_bytes(Some(&token), VIEWER))
        .await
        .unwrap();
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    stream
}

#[tokio::test]
async fn sigterm_drains_requests_and_sockets_and_exits_0() {
    let app = TestApp::new().await;
    let mut server = Server::start(&app, 10).await;
    let mut request = format!("ws://{}/graphql", server.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let token = server.token(personas::PERAWAT);
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    futures_util::SinkExt::send(&mut socket, Message::Text(init.to_string().into()))
        .await
        .unwrap();
    let ack = socket.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
    let lock = Lock::take(&app.url, "asn").await;
    let mut slow = in_flight(&app, &server).await;
    // A readiness probe whose request is under way when the signal arrives.
    let mut probe = TcpStream::connect(server.addr).await.unwrap();
    probe.write_all(b"GET /readyz HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    server.signal("-TERM");
    let close = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("a close frame within 5 s");
    match close {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1001),
        other => panic!("the socket got {other:?}"),
    }
    probe.write_all(b"Host: kinerja\r\n\r\n").await.unwrap();
    assert_eq!(
        read_raw(&mut probe, Duration::from_secs(2)).await,
        Raw::Answer(503, json!("not ready: shutting down\n"))
    );
    let refused = async {
        while TcpStream::connect(server.addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(1), refused)
        .await
        .expect("new connections are refused");
    assert_eq!(
        server.exit_code(Duration::from_millis(500)).await,
        None,
        "the request in flight holds the drain"
    );

    lock.release().await;
    let Raw::Answer(status, body) = read_raw(&mut slow, Duration::from_secs(5)).await else {
        panic!("the request in flight got no answer");
    };
    assert_eq!(
        (status, &body["data"]["viewer"]["nip"]),
        (200, &json!(personas::GURU))
    );
    assert_eq!(server.exit_code(Duration::from_secs(5)).await, Some(0));
}

#[tokio::test]
async fn sigint_cancels_what_outlasts_the_grace_and_exits_0() {
    let app = TestApp::new().await;
    let mut server = Server::start(&app, 1).await;
    let lock = Lock::take(&app.url, "asn").await;
    let mut slow = in_flight(&app, &server).await;

    server.signal("-INT");
    let answer = read_raw(&mut slow, Duration::from_secs(5)).await;
    let Raw::Answer(status, body) = &answer else {
        panic!("the request cut short got no answer: {answer:?}");
    };
    assert_eq!(
        (*status, codes(body)),
        (503, vec!["SERVICE_UNAVAILABLE".to_owned()])
    );
    assert_eq!(server.exit_code(Duration::from_secs(5)).await, Some(0));
    // Its statement was cancelled, not left waiting on the database.
    await_lock_waiters(&app.url, 0, Duration::from_secs(3)).await;
    lock.release().await;
}
