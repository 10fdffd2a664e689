//! The attacks of the hostile-input suite, measured against a release server: for each, what
//! the client got, how long it took, the server CPU time it cost, the server's peak memory
//! while it ran and the slowest `/healthz` answer meanwhile.
//!
//! `cargo bench --bench attacks` starts `kinerja serve --demo` (default limits and timeouts) as
//! a child process on a fresh database. Environment: `KINERJA_BENCH_DATABASE_SERVER`
//! (`postgres://postgres@127.0.0.1:5432`), `BENCH_ATTACKS` (a comma-separated list of names to
//! run; all by default), `BENCH_SILENT_CONNECTIONS` (1000).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::{SinkExt, StreamExt};
use kinerja::auth::jwt::JwtKeys;
use kinerja::seed::demo_data::personas;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

// Shared with the other benches, of which this one uses a part.
#[path = "support/server.rs"]
#[expect(dead_code, reason = "this bench reads no plain RSS")]
mod server;
#[expect(
    dead_code,
    reason = "this bench computes no percentiles and posts its own requests"
)]
mod support;

use server::{SECRET, Server, wait_ready};
use support::{Res, env_or, ms};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::bench_main(run).await
}

/// What one attack left behind.
struct Outcome {
    /// What the client saw, in a few words.
    got: String,
}

/// The figures of one attack.
struct Figures {
    name: &'static str,
    got: String,
    wall: Duration,
    cpu: Duration,
    peak_kib: u64,
    slowest_health: Duration,
}

async fn run(database_url: String) -> Res<()> {
    let mut server = Server::start(&database_url, &[])?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|err| err.to_string())?;
    wait_ready(&http, &mut server).await?;
    let keys = JwtKeys::hs256(SECRET.as_bytes());
    let admin = keys
        .issue(personas::ADMIN, 3600)
        .map_err(|err| err.message().to_owned())?;
    let wanted: Option<Vec<String>> = std::env::var("BENCH_ATTACKS")
        .ok()
        .map(|names| names.split(',').map(|n| n.trim().to_owned()).collect());
    let ctx = Attack {
        http: http.clone(),
        endpoint: server.http("/graphql"),
        addr: server.addr.clone(),
        admin: admin.clone(),
        keys,
        database_url,
    };
    println!("load average before: {}", support::load_average());
    let mut table = Vec::new();
    for (name, attack) in attacks() {
        if wanted
            .as_ref()
            .is_some_and(|w| !w.iter().any(|n| n == name))
        {
            continue;
        }
        reset_peak(&server);
        let cpu_before = server.cpu()?;
        let watch = HealthWatch::start(server.addr.clone());
        let started = Instant::now();
        let outcome = attack(ctx.clone()).await;
        let wall = started.elapsed();
        let slowest_health = watch.finish();
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("the server died during `{name}`: {status}"));
        }
        let got = match outcome {
            Ok(outcome) => outcome.got,
            Err(err) => format!("bench error: {err}"),
        };
        let figures = Figures {
            name,
            got,
            wall,
            cpu: server.cpu()? - cpu_before,
            peak_kib: server.status_kib("VmHWM")?,
            slowest_health,
        };
        println!(
            "{:<38} {:>9} cpu {:>9} peak {:>6.1} MiB health≤{:>9}  {}",
            figures.name,
            ms(figures.wall),
            ms(figures.cpu),
            figures.peak_kib as f64 / 1024.0,
            ms(figures.slowest_health),
            figures.got
        );
        table.push(figures);
    }
    println!();
    println!("| attack | client got | wall | server CPU | peak RSS | slowest /healthz |");
    println!("|---|---|---|---|---|---|");
    for f in &table {
        println!(
            "| {} | {} | {} | {} | {:.1} MiB | {} |",
            f.name,
            f.got,
            ms(f.wall),
            ms(f.cpu),
            f.peak_kib as f64 / 1024.0,
            ms(f.slowest_health)
        );
    }
    Ok(())
}

/// Resets the server's peak RSS (VmHWM) to its current RSS.
fn reset_peak(server: &Server) {
    let _ = std::fs::write(format!("/proc/{}/clear_refs", server.child.id()), "5");
}

/// What every attack may use.
#[derive(Clone)]
struct Attack {
    http: reqwest::Client,
    endpoint: String,
    addr: String,
    admin: String,
    keys: JwtKeys,
    database_url: String,
}

type AttackFn = fn(Attack) -> futures_util::future::BoxFuture<'static, Res<Outcome>>;

fn attacks() -> Vec<(&'static str, AttackFn)> {
    vec![
        ("fragment bomb, anonymous ×3", |a| {
            Box::pin(concurrently(a, 3, None, fragment_bomb(30)))
        }),
        ("fragment bomb, signed in ×3", |a| {
            let token = a.admin.clone();
            Box::pin(concurrently(a, 3, Some(token), fragment_bomb(30)))
        }),
        (
            "fragment bomb ending in an unknown fragment, anonymous ×3",
            |a| {
                let query = fragment_bomb(30).replace(
                    "fragment F30 on Query { __typename }",
                    "fragment F30 on Query { ...Nope ...Nope }",
                );
                Box::pin(concurrently(a, 3, None, query))
            },
        ),
        ("introspection ×50 aliases, anonymous ×8", |a| {
            Box::pin(concurrently(a, 8, None, introspection_aliases(50)))
        }),
        ("introspection ×50 aliases, signed in ×8", |a| {
            let token = a.admin.clone();
            Box::pin(concurrently(a, 8, Some(token), introspection_aliases(50)))
        }),
        ("depth 1,000", |a| {
            let token = a.admin.clone();
            let query = format!("{}{}", "{ viewer { unit ".repeat(500), "}".repeat(1001));
            Box::pin(concurrently(a, 1, Some(token), query))
        }),
        ("list nested 5,000 deep over GET, anonymous", |a| {
            Box::pin(deep_get(a))
        }),
        ("cursor v1:9223372036854775807", |a| {
            let token = a.admin.clone();
            let cursor = URL_SAFE_NO_PAD.encode("v1:9223372036854775807");
            let query = format!("{{ asns(first: 5, after: \"{cursor}\") {{ totalCount }} }}");
            Box::pin(concurrently(a, 1, Some(token), query))
        }),
        ("NUL byte in a string argument", |a| {
            let token = a.admin.clone();
            let query = "{ units(filter: { search: \"Dumai\\u0000\" }) { totalCount } }";
            Box::pin(concurrently(a, 1, Some(token), query.to_owned()))
        }),
        ("non-canonical ID Evaluation:01", |a| {
            let token = a.admin.clone();
            let id = URL_SAFE_NO_PAD.encode("Evaluation:01");
            let query = format!("{{ evaluation(id: \"{id}\") {{ id }} }}");
            Box::pin(concurrently(a, 1, Some(token), query))
        }),
        ("token: NUL byte in sub", |a| {
            let token = signed(&json!({ "sub": "19750101\u{0}2000031001", "exp": far() }));
            Box::pin(concurrently(
                a,
                1,
                Some(token),
                "{ viewer { nip } }".to_owned(),
            ))
        }),
        ("token: nbf in the future", |a| {
            let token = signed(&json!({ "sub": personas::ADMIN, "exp": far(), "nbf": far() }));
            Box::pin(concurrently(
                a,
                1,
                Some(token),
                "{ viewer { nip } }".to_owned(),
            ))
        }),
        ("40 persisted queries of 200 KB", |a| {
            Box::pin(persisted_flood(a))
        }),
        ("silent TCP connections", |a| {
            Box::pin(silent_connections(a))
        }),
        ("WebSockets that never init", |a| {
            Box::pin(silent_sockets(a))
        }),
        ("10 MB WebSocket frame before init", |a| {
            Box::pin(huge_frame(a))
        }),
        ("duplicate subscription id", |a| Box::pin(duplicate_id(a))),
    ]
}

/// `{ ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment Fn on Query { __typename }`.
fn fragment_bomb(levels: usize) -> String {
    let mut query = String::from("{ ...F0 }");
    for level in 0..levels {
        let next = level + 1;
        query.push_str(&format!(
            " fragment F{level} on Query {{ ...F{next} ...F{next} }}"
        ));
    }
    query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
    query
}

/// `aliases` copies of the deep introspection of every type's fields.
fn introspection_aliases(aliases: usize) -> String {
    let deep = "type { name ofType { name ofType { name ofType { name } } } }";
    let one =
        format!("__schema {{ types {{ name fields {{ name args {{ name {deep} }} {deep} }} }} }}");
    let mut query = String::from("{");
    for n in 0..aliases {
        query.push_str(&format!(" a{n}: {one}"));
    }
    query.push('}');
    query
}

/// Seconds since the epoch, a day from now.
fn far() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() + 86_400)
        .unwrap_or(0)
}

fn signed(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap_or_default()
}

/// Sends `query` from `clients` clients at once; the outcome names the statuses, the error
/// codes and the size of the largest answer.
async fn concurrently(
    attack: Attack,
    clients: usize,
    token: Option<String>,
    query: String,
) -> Res<Outcome> {
    let mut requests = JoinSet::new();
    for _ in 0..clients {
        let mut request = attack
            .http
            .post(&attack.endpoint)
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query }));
        if let Some(token) = &token {
            request = request.bearer_auth(token);
        }
        requests.spawn(async move {
            let response = request.send().await.map_err(|err| err.to_string())?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|err| err.to_string())?;
            Res::Ok((status, body.len(), codes(&body)))
        });
    }
    let mut seen = Vec::new();
    let mut largest = 0;
    while let Some(done) = requests.join_next().await {
        let (status, bytes, codes) = done.map_err(|err| err.to_string())??;
        largest = largest.max(bytes);
        let what = format!("{status} {codes}");
        if !seen.contains(&what) {
            seen.push(what);
        }
    }
    Ok(Outcome {
        got: format!("{} ({} B)", seen.join(", "), largest),
    })
}

/// A GET whose document nests a list 5,000 deep: the parser's recursion would overflow the
/// stack if anything parsed it before the guard measured it.
async fn deep_get(attack: Attack) -> Res<Outcome> {
    let query = format!("{{ __type(name: {}) {{ name }} }}", "[".repeat(5_000));
    let response = attack
        .http
        .get(&attack.endpoint)
        .query(&[("query", query)])
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .map_err(|err| err.to_string())?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|err| err.to_string())?;
    Ok(Outcome {
        got: format!("{status} {} ({} B)", codes(&body), body.len()),
    })
}

/// The error codes of a GraphQL answer, or "data".
fn codes(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return "not JSON".to_owned();
    };
    let codes: Vec<String> = value["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let code = e["extensions"]["code"].as_str().unwrap_or("<none>");
            match e["extensions"]["measure"].as_str() {
                Some(measure) => format!("{code} ({measure})"),
                None => code.to_owned(),
            }
        })
        .collect();
    if codes.is_empty() {
        "data".to_owned()
    } else {
        let mut unique = codes.clone();
        unique.dedup();
        unique.join("+")
    }
}

/// One caller registers 40 documents of 200 KB; the outcome is what the store keeps of them.
async fn persisted_flood(attack: Attack) -> Res<Outcome> {
    let token = attack
        .keys
        .issue(personas::GURU, 3600)
        .map_err(|err| err.message().to_owned())?;
    let mut accepted = 0;
    for n in 0..40 {
        let head = format!("query Q{n} {{ viewer {{ nip }} }}");
        let query = format!("{head}{}", " ".repeat(200 * 1024 - head.len()));
        let hash = kinerja::graphql::persisted::sha256_hex(&query);
        let body = json!({ "query": query,
            "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
        let response = attack
            .http
            .post(&attack.endpoint)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .map_err(|err| err.to_string())?;
        if response.status().is_success() {
            accepted += 1;
        }
    }
    let stored = stored_persisted_bytes(&attack.database_url).await?;
    Ok(Outcome {
        got: format!(
            "{accepted}/40 answered; the store keeps {:.0} KiB of them",
            stored as f64 / 1024.0
        ),
    })
}

async fn stored_persisted_bytes(database_url: &str) -> Res<i64> {
    use diesel::QueryableByName;
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Bytes {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        bytes: i64,
    }
    let mut conn = AsyncPgConnection::establish(database_url)
        .await
        .map_err(|err| err.to_string())?;
    let row: Bytes = diesel::sql_query(
        "SELECT COALESCE(SUM(octet_length(query)), 0)::BIGINT AS bytes FROM persisted_queries",
    )
    .get_result(&mut conn)
    .await
    .map_err(|err| err.to_string())?;
    Ok(row.bytes)
}

/// Opens connections that send nothing (half of them half a request line); the outcome is how
/// many the server closed and how long it held the last one.
async fn silent_connections(attack: Attack) -> Res<Outcome> {
    let count: usize = env_or("BENCH_SILENT_CONNECTIONS", 1000)?;
    let addr = attack.addr.clone();
    tokio::task::spawn_blocking(move || {
        let mut streams = Vec::new();
        for n in 0..count {
            let Ok(mut stream) = TcpStream::connect(&addr) else {
                break;
            };
            if n % 2 == 1 {
                let _ = stream.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Le");
            }
            let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
            streams.push(stream);
        }
        let opened = streams.len();
        let started = Instant::now();
        let deadline = started + Duration::from_secs(90);
        let mut closed_after = Vec::new();
        while !streams.is_empty() && Instant::now() < deadline {
            streams.retain_mut(|stream| {
                let mut buf = [0u8; 512];
                match stream.read(&mut buf) {
                    Ok(_) => {
                        closed_after.push(started.elapsed());
                        false
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::WouldBlock
                        || err.kind() == std::io::ErrorKind::TimedOut => true,
                    Err(_) => {
                        closed_after.push(started.elapsed());
                        false
                    }
                }
            });
        }
        let last = closed_after.iter().max().copied().unwrap_or_default();
        Ok(Outcome {
            got: format!(
                "{} of {opened} closed by the server, the last after {:.1} s; {} still open after 90 s",
                closed_after.len(),
                last.as_secs_f64(),
                streams.len()
            ),
        })
    })
    .await
    .map_err(|err| err.to_string())?
}

/// Opens WebSockets that answer pings but never send `connection_init`; the outcome is the
/// close codes they got and how many were refused outright.
async fn silent_sockets(attack: Attack) -> Res<Outcome> {
    let count: usize = env_or("BENCH_SILENT_CONNECTIONS", 1000)?;
    let mut sockets = JoinSet::new();
    for _ in 0..count {
        let url = format!("ws://{}/graphql", attack.addr);
        sockets.spawn(async move {
            let mut request = url.into_client_request().map_err(|err| err.to_string())?;
            request.headers_mut().insert(
                "sec-websocket-protocol",
                "graphql-transport-ws".parse().map_err(|_| "header")?,
            );
            let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
                return Res::Ok("refused".to_owned());
            };
            let deadline = Instant::now() + Duration::from_secs(90);
            loop {
                match tokio::time::timeout_at(deadline.into(), socket.next()).await {
                    Err(_) => return Ok("open after 90 s".to_owned()),
                    Ok(Some(Ok(Message::Close(frame)))) => {
                        return Ok(frame.map_or("close".to_owned(), |f| {
                            format!("close {}", u16::from(f.code))
                        }));
                    }
                    Ok(Some(Ok(_))) => continue,
                    Ok(Some(Err(_)) | None) => return Ok("dropped".to_owned()),
                }
            }
        });
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    while let Some(done) = sockets.join_next().await {
        let what = done.map_err(|err| err.to_string())??;
        match counts.iter_mut().find(|(w, _)| *w == what) {
            Some((_, n)) => *n += 1,
            None => counts.push((what, 1)),
        }
    }
    Ok(Outcome {
        got: counts
            .iter()
            .map(|(what, n)| format!("{n}× {what}"))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

async fn open_socket(addr: &str) -> Res<Socket> {
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .map_err(|err| err.to_string())?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().map_err(|_| "header")?,
    );
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(None)
        .max_frame_size(None);
    let (socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), false)
        .await
        .map_err(|err| err.to_string())?;
    Ok(socket)
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How a socket ended, in a few words.
async fn ending(socket: &mut Socket) -> String {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
            Err(_) => return "nothing within 30 s".to_owned(),
            Ok(Some(Ok(Message::Close(frame)))) => {
                return frame.map_or("close".to_owned(), |f| {
                    format!("close {} \"{}\"", u16::from(f.code), f.reason)
                });
            }
            Ok(Some(Ok(Message::Text(text)))) => {
                if text.contains("\"error\"") {
                    return format!("error message {text}");
                }
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(err))) => return format!("dropped ({err})"),
            Ok(None) => return "dropped".to_owned(),
        }
    }
}

/// A 10 MB text frame as the first message of a socket.
async fn huge_frame(attack: Attack) -> Res<Outcome> {
    let mut socket = open_socket(&attack.addr).await?;
    let payload = format!(
        "{{\"type\":\"connection_init\",\"payload\":{{\"x\":\"{}\"}}}}",
        "x".repeat(10 * 1024 * 1024)
    );
    let sent = socket.send(Message::Text(payload.into())).await;
    let got = match sent {
        Ok(()) => ending(&mut socket).await,
        // The server refuses the frame from its header and closes before the client has
        // written it all.
        Err(err) => format!("refused before the frame was read: {err}"),
    };
    Ok(Outcome { got })
}

/// Two subscriptions with one id on one socket.
async fn duplicate_id(attack: Attack) -> Res<Outcome> {
    let mut socket = open_socket(&attack.addr).await?;
    let init = json!({ "type": "connection_init",
        "payload": { "authorization": format!("Bearer {}", attack.admin) } });
    socket
        .send(Message::Text(init.to_string().into()))
        .await
        .map_err(|err| err.to_string())?;
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { appealFiled { cursor } }" } });
    for _ in 0..2 {
        socket
            .send(Message::Text(subscribe.to_string().into()))
            .await
            .map_err(|err| err.to_string())?;
    }
    Ok(Outcome {
        got: ending(&mut socket).await,
    })
}

/// Polls `/healthz` every 20 ms on its own thread; remembers the slowest answer.
struct HealthWatch {
    stop: Arc<AtomicBool>,
    slowest_us: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HealthWatch {
    fn start(addr: String) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let slowest_us = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, slowest_us) = (stop.clone(), slowest_us.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let started = Instant::now();
                    let ok = TcpStream::connect(&addr).ok().and_then(|mut stream| {
                        stream
                            .set_read_timeout(Some(Duration::from_secs(10)))
                            .ok()?;
                        stream
                            .write_all(
                                b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                            )
                            .ok()?;
                        let mut answer = String::new();
                        stream.read_to_string(&mut answer).ok()?;
                        answer.starts_with("HTTP/1.1 200").then_some(())
                    });
                    let took = if ok.is_some() {
                        started.elapsed().as_micros() as u64
                    } else {
                        u64::MAX / 2
                    };
                    slowest_us.fetch_max(took, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        Self {
            stop,
            slowest_us,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> Duration {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        Duration::from_micros(self.slowest_us.load(Ordering::SeqCst))
    }
}
