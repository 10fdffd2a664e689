//! Fan-out benchmark: N WebSocket subscribers on one server instance, one write, the delivery
//! latency to all N and the server's memory per idle subscriber.
//!
//! `cargo bench --bench subscriptions` starts `kinerja serve --demo` as a child process on a
//! fresh database (dropped at the end), connects the subscribers as the ADMIN persona (who may
//! read every evaluation) and publishes evaluations as the Kepala Puskesmas. Environment:
//! `BENCH_SUBSCRIBERS` (10000), `BENCH_WRITES` (3), `BENCH_CONNECT_CONCURRENCY` (200),
//! `KINERJA_BENCH_DATABASE_SERVER` (`postgres://postgres@127.0.0.1:5432`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use kinerja::auth::jwt::JwtKeys;
use kinerja::seed::demo_data::personas;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

#[path = "support/server.rs"]
mod server;
mod support;

use server::{SECRET, Server, cpu_time, wait_ready};
use support::{Res, env_or, load_average, ms, percentile, post_graphql};

const SUBSCRIPTION: &str = "subscription { evaluationPublished { cursor evaluation { id } } }";
/// How long one socket may take to connect, be acknowledged and subscribe.
const CONNECT: Duration = Duration::from_secs(60);
/// How long all subscribers may take to connect and register.
const ALL_CONNECTED: Duration = Duration::from_secs(600);
/// How long one write may take to reach every subscriber.
const DELIVERY: Duration = Duration::from_secs(60);

/// What a subscriber reports to the bench.
enum Report {
    /// Acknowledged and subscribed.
    Ready,
    /// The event of a round arrived at this instant.
    Arrived(usize, Instant),
    /// Something other than the expected event.
    Failed(String),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    server::bench_main(run).await
}

async fn run(database_url: String) -> Res<()> {
    let subscribers: usize = env_or("BENCH_SUBSCRIBERS", 10_000)?;
    let writes: usize = env_or("BENCH_WRITES", 3)?;
    let concurrency: usize = env_or("BENCH_CONNECT_CONCURRENCY", 200)?;
    if subscribers == 0 || writes == 0 || concurrency == 0 {
        return Err(
            "BENCH_SUBSCRIBERS, BENCH_WRITES and BENCH_CONNECT_CONCURRENCY must be > 0".into(),
        );
    }
    let mut server = Server::start(
        &database_url,
        &[("KINERJA_MAX_SOCKETS_PER_SUBJECT", "1000000")],
    )?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|err| err.to_string())?;
    wait_ready(&http, &mut server).await?;
    let keys = JwtKeys::hs256(SECRET.as_bytes());
    let token = |nip: &str| {
        keys.issue(nip, 3600)
            .map_err(|err| err.message().to_owned())
    };
    let admin = token(personas::ADMIN)?;
    let kapus = token(personas::KEPALA_PUSKESMAS)?;
    let perawat = graphql(
        &http,
        &server,
        &admin,
        "query ($nip: String!) { asn(nip: $nip) { id } }",
        json!({ "nip": personas::PERAWAT }),
    )
    .await?["asn"]["id"]
        .as_str()
        .ok_or("the perawat of the demo data is missing")?
        .to_owned();

    let rss_before = server.rss_kib()?;
    let connecting = Instant::now();
    let (reports, mut inbox) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(concurrency));
    let url: Arc<str> = format!("ws://{}/graphql", server.addr).into();
    let admin: Arc<str> = admin.into();
    let mut sockets = JoinSet::new();
    for _ in 0..subscribers {
        let (url, admin, gate, reports) =
            (url.clone(), admin.clone(), gate.clone(), reports.clone());
        sockets.spawn(async move {
            if let Err(err) = subscriber(&url, &admin, &gate, &reports).await {
                let _ = reports.send(Report::Failed(err));
            }
        });
    }
    drop(reports);
    let mut ready = 0;
    while ready < subscribers {
        match receive(&mut inbox, connecting + ALL_CONNECTED).await? {
            Report::Ready => ready += 1,
            Report::Failed(err) => return Err(format!("subscriber {ready} failed: {err}")),
            Report::Arrived(..) => return Err("an event arrived before any write".into()),
        }
    }
    let connect_time = connecting.elapsed();
    wait_registered(&http, &server, subscribers).await?;
    // Let freed connection buffers settle before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle = server.rss_kib()?;

    println!(
        "subscriptions benchmark: {subscribers} subscribers, {writes} writes, server and client on {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "connect      {subscribers} sockets acknowledged and subscribed in {:.1} s ({concurrency} at a time)",
        connect_time.as_secs_f64()
    );
    println!(
        "memory       server RSS {:.1} MiB before, {:.1} MiB with {subscribers} idle subscribers: {:.1} KiB per subscriber",
        rss_before as f64 / 1024.0,
        rss_idle as f64 / 1024.0,
        rss_idle.saturating_sub(rss_before) as f64 / subscribers as f64
    );

    println!(
        "load         {} (1, 5, 15 min load average; other work on these cores skews latency)",
        load_average()
    );
    let mut p50s = Vec::with_capacity(writes);
    let mut p99s = Vec::with_capacity(writes);
    for round in 0..writes {
        let id = create(&http, &server, &kapus, &perawat, round).await?;
        let cpu_before = (server.cpu()?, cpu_time("self")?);
        let sent = Instant::now();
        graphql(
            &http,
            &server,
            &kapus,
            "mutation ($id: ID!) { publishEvaluation(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await?;
        let answered = sent.elapsed();
        let mut latencies = Vec::with_capacity(subscribers);
        let deadline = sent + DELIVERY;
        while latencies.len() < subscribers {
            match receive(&mut inbox, deadline).await {
                Ok(Report::Arrived(r, at)) if r == round => latencies.push(at - sent),
                Ok(Report::Arrived(r, _)) => {
                    return Err(format!("an event of round {r} arrived in round {round}"));
                }
                Ok(Report::Failed(err)) => {
                    return Err(format!("a subscriber failed in round {}: {err}", round + 1));
                }
                Ok(Report::Ready) => return Err("unexpected ready report".into()),
                Err(err) => {
                    return Err(format!(
                        "round {}: only {} of {subscribers} subscribers received the event ({err})",
                        round + 1,
                        latencies.len()
                    ));
                }
            }
        }
        let cpu = (
            server.cpu()? - cpu_before.0,
            cpu_time("self")? - cpu_before.1,
        );
        latencies.sort();
        p50s.push(percentile(&latencies, 50.0));
        p99s.push(percentile(&latencies, 99.0));
        println!(
            "write {}      {}/{subscribers} delivered  p50 {}  p99 {}  max {}  (first {}, publish answered in {}; CPU: server {}, client {})",
            round + 1,
            latencies.len(),
            ms(percentile(&latencies, 50.0)),
            ms(percentile(&latencies, 99.0)),
            ms(latencies[latencies.len() - 1]),
            ms(latencies[0]),
            ms(answered),
            ms(cpu.0),
            ms(cpu.1),
        );
    }
    p50s.sort();
    p99s.sort();
    println!(
        "summary      over {writes} writes: p50 median {} (range {}–{}), p99 median {} (range {}–{})",
        ms(percentile(&p50s, 50.0)),
        ms(p50s[0]),
        ms(p50s[p50s.len() - 1]),
        ms(percentile(&p99s, 50.0)),
        ms(p99s[0]),
        ms(p99s[p99s.len() - 1]),
    );
    println!(
        "memory       server RSS {:.1} MiB after the writes",
        server.rss_kib()? as f64 / 1024.0
    );
    sockets.abort_all();
    drop(server);
    Ok(())
}

/// The next report, or an error once `deadline` passes.
async fn receive(inbox: &mut mpsc::UnboundedReceiver<Report>, deadline: Instant) -> Res<Report> {
    match tokio::time::timeout_at(deadline.into(), inbox.recv()).await {
        Ok(Some(report)) => Ok(report),
        Ok(None) => Err("every subscriber stopped".into()),
        Err(_) => Err("timed out".into()),
    }
}

/// Waits until the server counts `expected` live subscriptions.
async fn wait_registered(http: &reqwest::Client, server: &Server, expected: usize) -> Res<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = 0;
    while Instant::now() < deadline {
        let metrics = http
            .get(server.http("/metrics"))
            .send()
            .await
            .map_err(|err| err.to_string())?
            .text()
            .await
            .map_err(|err| err.to_string())?;
        seen = metrics
            .lines()
            .find_map(|line| line.strip_prefix("kinerja_live_subscribers "))
            .and_then(|n| n.trim().parse().ok())
            .ok_or("the server reports no kinerja_live_subscribers")?;
        if seen >= expected {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "only {seen} of {expected} subscriptions registered"
    ))
}

async fn graphql(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    query: &str,
    variables: Value,
) -> Res<Value> {
    let body = post_graphql(http, &server.http("/graphql"), token, query, &variables).await?;
    if body.get("errors").is_some() {
        return Err(format!("GraphQL errors: {body}"));
    }
    Ok(body["data"].clone())
}

/// Creates a DRAFT evaluation of the perawat for a monthly period no demo data holds.
async fn create(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    perawat: &str,
    round: usize,
) -> Res<String> {
    let data = graphql(
        http,
        server,
        token,
        "mutation ($input: CreateEvaluationInput!) { createEvaluation(input: $input) { id } }",
        json!({ "input": {
            "asnId": perawat,
            "period": { "year": 2090 + round / 12, "kind": "MONTHLY", "number": round % 12 + 1 },
            "workResultRating": "SESUAI_EKSPEKTASI",
            "behaviourRating": "SESUAI_EKSPEKTASI",
        } }),
    )
    .await?;
    data["createEvaluation"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no evaluation ID in {data}"))
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One subscriber: connects (at most `gate` at a time), subscribes, then reports the arrival of
/// each event until the bench ends.
async fn subscriber(
    url: &str,
    token: &str,
    gate: &Semaphore,
    reports: &mpsc::UnboundedSender<Report>,
) -> Res<()> {
    let permit = gate.acquire().await.map_err(|err| err.to_string())?;
    let mut socket = tokio::time::timeout(CONNECT, subscribe(url, token))
        .await
        .map_err(|_| "connecting timed out".to_owned())??;
    drop(permit);
    let _ = reports.send(Report::Ready);
    let mut round = 0;
    loop {
        let message = socket.next().await;
        let at = Instant::now();
        match message {
            Some(Ok(Message::Text(text))) => {
                // A substring check, not a parse: the client's CPU counts against the server's.
                if !(text.contains(r#""type":"next""#) && text.contains(r#""evaluation":{"id":""#))
                {
                    return Err(format!("unexpected message {text}"));
                }
                let _ = reports.send(Report::Arrived(round, at));
                round += 1;
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(format!("the server closed the socket: {frame:?}"));
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => return Err(err.to_string()),
            None => return Err("the socket ended".into()),
        }
    }
}

async fn subscribe(url: &str, token: &str) -> Res<Socket> {
    let mut request = url.into_client_request().map_err(|err| err.to_string())?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        tokio_tungstenite::tungstenite::http::HeaderValue::from_static("graphql-transport-ws"),
    );
    // The codec zero-fills its read buffer before each read: keep it small (the default of
    // 128 KiB costs more CPU than everything else the client does).
    let config = WebSocketConfig::default().read_buffer_size(1024);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), false)
            .await
            .map_err(|err| format!("cannot connect: {err}"))?;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    send(&mut socket, init).await?;
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.contains("\"connection_ack\"") => break,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => return Err(format!("no connection_ack but {other:?}")),
        }
    }
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": SUBSCRIPTION } }),
    )
    .await?;
    Ok(socket)
}

async fn send(socket: &mut Socket, message: Value) -> Res<()> {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .map_err(|err| format!("cannot send: {err}"))
}
