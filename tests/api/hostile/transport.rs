//! Attacks on the transport: connections and request bodies built to hold the server's time
//! or memory. Every attack runs at once against one
//! server with short timeouts; each must end with its expected outcome within a few seconds.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use kinerja::config::{Settings, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{TestApp, codes, personas};
use crate::transport::{Raw, post_bytes, read_raw};

/// How an attack ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server closed the connection without answering.
    Closed,
    /// The server answered with this HTTP status and these `extensions.code`s.
    Http(u16, Vec<String>),
    /// Nothing happened within the attack's wait: the server is still holding the connection.
    StillHeld,
}

fn http(status: u16, code: &str) -> Outcome {
    Outcome::Http(status, vec![code.to_owned()])
}

/// The longest an attack waits for the server's reaction.
const WAIT: Duration = Duration::from_secs(6);

type Run = fn(Target) -> Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// What an attack aims at.
#[derive(Clone)]
pub struct Target {
    addr: SocketAddr,
    token: String,
}

struct Attack {
    name: &'static str,
    expected: Outcome,
    run: Run,
}

fn attacks() -> Vec<Attack> {
    vec![
        Attack {
            name: "a connection that sends nothing",
            expected: Outcome::Closed,
            run: |t| Box::pin(silent(t)),
        },
        Attack {
            name: "half a request line",
            expected: Outcome::Closed,
            run: |t| Box::pin(sends_then_waits(t, b"POST /graph".to_vec())),
        },
        Attack {
            name: "headers that never end",
            expected: Outcome::Closed,
            run: |t| {
                Box::pin(sends_then_waits(
                    t,
                    b"POST /graphql HTTP/1.1\r\nHost: kinerja\r\nContent-Type: application/json\r\n"
                        .to_vec(),
                ))
            },
        },
        Attack {
            name: "slowloris: a header byte every 200 ms",
            expected: Outcome::Closed,
            run: |t| Box::pin(trickles(t, Vec::new(), b"X-Slow: ".repeat(100))),
        },
        Attack {
            name: "half a body",
            expected: http(408, "TIMEOUT"),
            run: |t| {
                Box::pin(async move {
                    let mut bytes = post_bytes(Some(&t.token), &" ".repeat(1000));
                    bytes.truncate(bytes.len() - 990);
                    sends_then_waits(t, bytes).await
                })
            },
        },
        Attack {
            name: "a body trickled a byte every 200 ms",
            expected: http(408, "TIMEOUT"),
            run: |t| {
                Box::pin(async move {
                    let body =
                        format!("{}{}", " ".repeat(100), r#"{"query":"{ viewer { nip } }"}"#);
                    let bytes = post_bytes(Some(&t.token), &body);
                    let split = bytes.len() - body.len();
                    trickles(t, bytes[..split].to_vec(), bytes[split..].to_vec()).await
                })
            },
        },
        Attack {
            name: "a body declared larger than the limit",
            expected: http(413, "QUERY_TOO_COMPLEX"),
            run: |t| {
                Box::pin(sends_then_waits(
                    t,
                    b"POST /graphql HTTP/1.1\r\nHost: kinerja\r\nContent-Type: application/json\r\n\
                      Content-Length: 10485760\r\n\r\n{"
                        .to_vec(),
                ))
            },
        },
    ]
}

#[tokio::test]
async fn transport_attacks_end_with_their_expected_outcome() {
    let app = TestApp::with_settings(Settings {
        transport: Transport {
            header_read_timeout_secs: 1,
            body_read_timeout_secs: 1,
            ..Transport::default()
        },
        ..Settings::default()
    })
    .await;
    let target = Target {
        addr: app.addr,
        token: app.token(personas::GURU),
    };
    let table = attacks();
    let outcomes =
        futures_util::future::join_all(table.iter().map(|attack| (attack.run)(target.clone())))
            .await;
    let failures: Vec<String> = table
        .iter()
        .zip(&outcomes)
        .filter(|(attack, outcome)| attack.expected != **outcome)
        .map(|(attack, outcome)| {
            format!(
                "{}: expected {:?}, got {outcome:?}",
                attack.name, attack.expected
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The outcome of what the server sent back on `stream`.
async fn outcome(stream: &mut TcpStream) -> Outcome {
    match read_raw(stream, WAIT).await {
        Raw::Closed => Outcome::Closed,
        Raw::StillOpen => Outcome::StillHeld,
        Raw::Answer(status, body) => Outcome::Http(status, codes(&body)),
    }
}

async fn silent(target: Target) -> Outcome {
    let mut stream = TcpStream::connect(target.addr).await.unwrap();
    outcome(&mut stream).await
}

async fn sends_then_waits(target: Target, bytes: Vec<u8>) -> Outcome {
    let mut stream = TcpStream::connect(target.addr).await.unwrap();
    stream.write_all(&bytes).await.unwrap();
    outcome(&mut stream).await
}

/// Sends `head` at once, then `tail` a byte every 200 ms while watching for the server's answer.
async fn trickles(target: Target, head: Vec<u8>, tail: Vec<u8>) -> Outcome {
    let stream = TcpStream::connect(target.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(&head).await.unwrap();
    let trickle = tokio::spawn(async move {
        for byte in tail {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Keep the connection open without sending more.
        std::future::pending::<()>().await;
    });
    let mut buffer = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    let result = loop {
        let mut chunk = [0u8; 4096];
        match tokio::time::timeout_at(deadline, reader.read(&mut chunk)).await {
            Err(_) => break Outcome::StillHeld,
            Ok(Ok(0)) | Ok(Err(_)) => break parse(&buffer),
            Ok(Ok(n)) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    trickle.abort();
    result
}

/// An HTTP answer in `buffer` (read to the connection's end), or `Closed`.
fn parse(buffer: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(buffer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Outcome::Closed;
    };
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Outcome::Http(
        status,
        codes(&serde_json::from_str(body).unwrap_or_default()),
    )
}
