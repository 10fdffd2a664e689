//! Attacks on the transport: connections, request bodies and WebSockets built to hold the
//! server's time or memory, or to confuse the protocol. Every attack runs at once against one
//! server with short timeouts; each must end with its expected outcome within a few seconds.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use kinerja::config::{Limits, Settings, Transport};
use serde_json::json;
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
    /// The WebSocket was closed with this code.
    WsClose(u16),
    /// An operation on the WebSocket was refused with an `error` message of these codes.
    WsError(Vec<String>),
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
        Attack {
            name: "a WebSocket that answers pings but never sends connection_init",
            expected: Outcome::WsClose(4408),
            run: |t| Box::pin(ws(t, Vec::new())),
        },
        Attack {
            name: "a 10 MB frame before connection_init",
            expected: Outcome::WsClose(1009),
            run: |t| {
                Box::pin(async move {
                    let Some(mut socket) = Ws::open(t.addr).await else {
                        return Outcome::Closed;
                    };
                    // Only the frame's header and its first bytes: the server must refuse it
                    // from its header, without waiting for (or buffering) the rest.
                    socket
                        .send_header(0x1, 10 * 1024 * 1024, b"{\"type\":")
                        .await;
                    socket.close_code().await
                })
            },
        },
        Attack {
            name: "a 20 KiB message before connection_init",
            expected: Outcome::WsClose(1009),
            run: |t| {
                let init = json!({ "type": "connection_init", "payload": { "pad": "x".repeat(20 * 1024) } });
                Box::pin(ws(t, vec![init.to_string()]))
            },
        },
        Attack {
            name: "binary garbage before connection_init",
            expected: Outcome::WsClose(4400),
            run: |t| Box::pin(ws(t, vec!["\u{0}\u{1}garbage".to_owned()])),
        },
        Attack {
            name: "a subscribe before connection_init",
            expected: Outcome::WsClose(4401),
            run: |t| {
                Box::pin(ws(
                    t,
                    vec![
                        json!({ "id": "1", "type": "subscribe",
                    "payload": { "query": "{ __typename }" } })
                        .to_string(),
                    ],
                ))
            },
        },
        Attack {
            name: "a connection_init with a forged token",
            expected: Outcome::WsClose(4403),
            run: |t| {
                Box::pin(ws(
                    t,
                    vec![
                        json!({ "type": "connection_init",
                    "payload": { "authorization": "Bearer eyJhbGciOiJub25lIn0.e30." } })
                        .to_string(),
                    ],
                ))
            },
        },
        Attack {
            name: "a second connection_init",
            expected: Outcome::WsClose(4429),
            run: |t| {
                let init = init(&t);
                Box::pin(ws(t, vec![init.clone(), init]))
            },
        },
        Attack {
            name: "two running subscriptions with one id",
            expected: Outcome::WsClose(4409),
            run: |t| {
                let subscribe = subscribe("dup");
                Box::pin(ws(t.clone(), vec![init(&t), subscribe.clone(), subscribe]))
            },
        },
        Attack {
            name: "a duplicate id of 300 bytes (the close reason must be cut to fit)",
            expected: Outcome::WsClose(4409),
            run: |t| {
                let subscribe = subscribe(&"é".repeat(150));
                Box::pin(ws(t.clone(), vec![init(&t), subscribe.clone(), subscribe]))
            },
        },
        Attack {
            name: "1,000 subscribes at once on one socket (more than it may run)",
            expected: Outcome::WsError(vec!["QUERY_TOO_COMPLEX".to_owned()]),
            run: |t| {
                Box::pin(async move {
                    let Some(mut socket) = Ws::open(t.addr).await else {
                        return Outcome::Closed;
                    };
                    socket.send(0x1, init(&t).as_bytes()).await;
                    let flood: Vec<u8> = (0..1000)
                        .flat_map(|id| {
                            let message = subscribe(&id.to_string());
                            let mut frame = frame_header(0x1, message.len() as u64);
                            frame.extend_from_slice(message.as_bytes());
                            frame
                        })
                        .collect();
                    let _ = socket.0.write_all(&flood).await;
                    socket.first_error().await
                })
            },
        },
        Attack {
            name: "a 1 MB frame after connection_init (over the body limit)",
            expected: Outcome::WsClose(1009),
            run: |t| {
                Box::pin(async move {
                    let Some(mut socket) = Ws::open(t.addr).await else {
                        return Outcome::Closed;
                    };
                    socket.send(0x1, init(&t).as_bytes()).await;
                    match socket.read_frame().await {
                        Some((0x1, ack)) if ack.starts_with(br#"{"type":"connection_ack""#) => {}
                        other => panic!("no connection_ack: {other:?}"),
                    }
                    socket.send_header(0x1, 1024 * 1024, b"{\"id\":").await;
                    socket.close_code().await
                })
            },
        },
    ]
}

#[tokio::test]
async fn transport_attacks_end_with_their_expected_outcome() {
    let app = TestApp::with_settings(Settings {
        limits: Limits {
            ws_ping_secs: 1,
            max_operations_per_socket: 3,
            ..Limits::default()
        },
        transport: Transport {
            header_read_timeout_secs: 1,
            body_read_timeout_secs: 1,
            ws_init_timeout_secs: 2,
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

    // The server still answers, and no socket is left waiting for its connection_init.
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("kinerja_ws_unauthenticated_sockets 0"),
        "{metrics}"
    );
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

fn init(target: &Target) -> String {
    json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", target.token) } })
        .to_string()
}

fn subscribe(id: &str) -> String {
    json!({ "id": id, "type": "subscribe", "payload": {
        "query": "subscription { evaluationPublished { cursor } }" } })
    .to_string()
}

/// Opens a socket, sends `messages` as text frames and reports how the socket ended.
async fn ws(target: Target, messages: Vec<String>) -> Outcome {
    let Some(mut socket) = Ws::open(target.addr).await else {
        return Outcome::Closed;
    };
    for message in messages {
        socket.send(0x1, message.as_bytes()).await;
    }
    socket.close_code().await
}

/// The header of a final, masked client frame announcing `length` bytes of payload.
fn frame_header(opcode: u8, length: u64) -> Vec<u8> {
    let mut frame = vec![0x80 | opcode];
    match length {
        0..=125 => frame.push(0x80 | length as u8),
        126..=65535 => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(length as u16).to_be_bytes());
        }
        _ => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&length.to_be_bytes());
        }
    }
    // A zero mask leaves the payload as it is.
    frame.extend_from_slice(&[0, 0, 0, 0]);
    frame
}

/// A bare WebSocket client: it answers pings, so only the protocol can close it.
struct Ws(TcpStream);

impl Ws {
    async fn open(addr: SocketAddr) -> Option<Ws> {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        stream
            .write_all(
                b"GET /graphql HTTP/1.1\r\nHost: kinerja\r\nUpgrade: websocket\r\n\
                  Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                  Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n",
            )
            .await
            .ok()?;
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8];
            stream.read_exact(&mut byte).await.ok()?;
            head.push(byte[0]);
        }
        String::from_utf8_lossy(&head)
            .starts_with("HTTP/1.1 101")
            .then_some(Ws(stream))
    }

    /// Sends a masked frame's header announcing `length` bytes, and `first` of them.
    async fn send_header(&mut self, opcode: u8, length: u64, first: &[u8]) {
        let mut frame = frame_header(opcode, length);
        frame.extend_from_slice(first);
        let _ = self.0.write_all(&frame).await;
    }

    async fn send(&mut self, opcode: u8, payload: &[u8]) {
        self.send_header(opcode, payload.len() as u64, payload)
            .await;
    }

    /// Reads frames (answering pings) until the server's close frame or the connection's end.
    async fn close_code(&mut self) -> Outcome {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.read_frame()).await;
            match frame {
                Err(_) => return Outcome::StillHeld,
                Ok(None) => return Outcome::Closed,
                Ok(Some((0x8, payload))) if payload.len() >= 2 => {
                    return Outcome::WsClose(u16::from_be_bytes([payload[0], payload[1]]));
                }
                Ok(Some((0x8, _))) => return Outcome::WsClose(1005),
                Ok(Some((0x9, payload))) => self.send(0xA, &payload).await,
                Ok(Some(_)) => {}
            }
        }
    }

    /// Reads frames (answering pings) until an `error` message, the server's close frame or
    /// the connection's end.
    async fn first_error(&mut self) -> Outcome {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.read_frame()).await;
            match frame {
                Err(_) => return Outcome::StillHeld,
                Ok(None) => return Outcome::Closed,
                Ok(Some((0x1, payload))) => {
                    let message: serde_json::Value =
                        serde_json::from_slice(&payload).unwrap_or_default();
                    if message["type"] == "error" {
                        let errors = json!({ "errors": message["payload"] });
                        return Outcome::WsError(codes(&errors));
                    }
                }
                Ok(Some((0x8, payload))) if payload.len() >= 2 => {
                    return Outcome::WsClose(u16::from_be_bytes([payload[0], payload[1]]));
                }
                Ok(Some((0x8, _))) => return Outcome::WsClose(1005),
                Ok(Some((0x9, payload))) => self.send(0xA, &payload).await,
                Ok(Some(_)) => {}
            }
        }
    }

    /// One unmasked server frame: its opcode and payload.
    async fn read_frame(&mut self) -> Option<(u8, Vec<u8>)> {
        let mut head = [0u8; 2];
        self.0.read_exact(&mut head).await.ok()?;
        let length = match head[1] & 0x7f {
            126 => {
                let mut n = [0u8; 2];
                self.0.read_exact(&mut n).await.ok()?;
                u64::from(u16::from_be_bytes(n))
            }
            127 => {
                let mut n = [0u8; 8];
                self.0.read_exact(&mut n).await.ok()?;
                u64::from_be_bytes(n)
            }
            n => u64::from(n),
        };
        let mut payload = vec![0u8; usize::try_from(length).ok()?];
        self.0.read_exact(&mut payload).await.ok()?;
        Some((head[0] & 0x0f, payload))
    }
}
