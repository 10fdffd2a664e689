//! The graphql-transport-ws WebSocket: authentication in `connection_init` and operations.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::support::{TestApp, personas};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp) -> Socket {
    let mut request = format!("ws://{}/graphql", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}

pub async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("socket open")
            .expect("no error");
        match message {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Close(frame) => return json!({ "close": frame.map(|f| u16::from(f.code)) }),
            _ => continue,
        }
    }
}

pub async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_authenticated_socket_runs_operations() {
    let app = TestApp::new().await;
    let mut socket = connect(&app).await;
    let token = app.token(personas::PERAWAT);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ viewer { nip supervisor { nip } } }" } })).await;
    let next = next_json(&mut socket).await;
    assert_eq!(next["type"], "next");
    assert_eq!(next["payload"]["data"]["viewer"]["nip"], personas::PERAWAT);
    assert_eq!(
        next["payload"]["data"]["viewer"]["supervisor"]["nip"],
        personas::KEPALA_PUSKESMAS
    );
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "id": "1", "type": "complete" })
    );
}

#[tokio::test]
async fn a_bad_or_missing_token_closes_with_4403() {
    let app = TestApp::new().await;
    for payload in [
        json!({}),
        json!({ "authorization": "Bearer nope" }),
        json!({ "authorization": 42 }),
    ] {
        let mut socket = connect(&app).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        assert_eq!(
            next_json(&mut socket).await,
            json!({ "close": 4403 }),
            "{payload}"
        );
    }
}

#[tokio::test]
async fn operations_before_the_handshake_close_with_4401() {
    let app = TestApp::new().await;
    let mut socket = connect(&app).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await, json!({ "close": 4401 }));
    let _ = CloseCode::Normal;
}

async fn authenticated(app: &TestApp, token: &str) -> Socket {
    let mut socket = connect(app).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    socket
}

#[tokio::test]
async fn a_token_serves_the_socket_through_its_leeway_and_its_expiry_ends_it() {
    use kinerja::auth::jwt::LEEWAY_SECS;
    let app = TestApp::new().await;
    let token = app.keys.issue(personas::PERAWAT, 60).unwrap();
    // On the server's clock the token expired 2 s ago: within the leeway, so it is accepted,
    // and the socket serves for the 3 s of leeway left.
    app.clock
        .advance(chrono::Duration::seconds(60 + LEEWAY_SECS as i64 - 3));
    let mut socket = authenticated(&app, &token).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ viewer { nip } }" } }),
    )
    .await;
    let next = next_json(&mut socket).await;
    assert_eq!(
        next["payload"]["data"]["viewer"]["nip"],
        personas::PERAWAT,
        "{next}"
    );
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "id": "1", "type": "complete" })
    );
    // Then the leeway is over too.
    assert_eq!(next_json(&mut socket).await, json!({ "close": 4401 }));
}

#[tokio::test]
async fn subscriptions_per_socket_and_sockets_per_subject_are_capped() {
    let limits = kinerja::config::Limits::default();
    let (max_sockets, max_subscriptions) = (
        limits.max_sockets_per_subject,
        limits.max_subscriptions_per_socket,
    );
    let app = TestApp::new().await;
    // The admin may read every appeal, so each accepted subscription replays the demo's
    // filings from the start of the outbox: every id gets an answer.
    let token = app.token(personas::ADMIN);
    let mut socket = authenticated(&app, &token).await;
    for id in 0..=max_subscriptions {
        send(
            &mut socket,
            json!({ "id": id.to_string(), "type": "subscribe",
            "payload": { "query": "subscription ($after: String) { appealFiled(after: $after) { cursor } }",
                         "variables": { "after": "ZXYxOjA" } } }),
        )
        .await;
    }
    let mut first = std::collections::BTreeMap::new();
    while first.len() <= max_subscriptions {
        let message = next_json(&mut socket).await;
        let id = message["id"].as_str().unwrap().to_owned();
        if message["type"] == "complete" {
            // Only the refused subscription ends, after its error.
            let refusal: &Value = &first[&id];
            assert!(refusal["payload"]["errors"].is_array(), "{refusal}");
            continue;
        }
        assert_eq!(message["type"], "next", "{message}");
        first.entry(id).or_insert(message);
    }
    // Exactly one of them is refused (which one depends on scheduling); the others replay.
    let (refused, accepted): (Vec<_>, Vec<_>) = first
        .values()
        .partition(|message| message["payload"].get("errors").is_some());
    assert_eq!(refused.len(), 1, "{refused:?}");
    let error = &refused[0]["payload"]["errors"][0];
    assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{error}");
    assert_eq!(error["extensions"]["limit"], max_subscriptions, "{error}");
    assert_eq!(accepted.len(), max_subscriptions);
    for message in accepted {
        assert!(
            message["payload"]["data"]["appealFiled"]["cursor"].is_string(),
            "{message}"
        );
    }

    let mut sockets = vec![socket];
    for _ in 1..max_sockets {
        sockets.push(authenticated(&app, &token).await);
    }
    let mut one_too_many = connect(&app).await;
    send(&mut one_too_many, json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut one_too_many).await, json!({ "close": 4403 }));
    // Closing one frees a slot.
    drop(sockets.pop());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    authenticated(&app, &token).await;
}

#[tokio::test]
async fn an_id_is_free_again_once_its_operation_completed() {
    let app = TestApp::new().await;
    let mut socket = authenticated(&app, &app.token(personas::GURU)).await;
    // A query completes by itself.
    for _ in 0..2 {
        send(
            &mut socket,
            json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ viewer { nip } }" } }),
        )
        .await;
        assert_eq!(next_json(&mut socket).await["type"], "next");
        assert_eq!(
            next_json(&mut socket).await,
            json!({ "id": "q", "type": "complete" })
        );
    }
    // A subscription completed by the client.
    let subscription = json!({ "id": "s", "type": "subscribe",
        "payload": { "query": "subscription { evaluationPublished { cursor } }" } });
    send(&mut socket, subscription.clone()).await;
    send(&mut socket, json!({ "id": "s", "type": "complete" })).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "id": "s", "type": "complete" })
    );
    send(&mut socket, subscription.clone()).await;
    // The second one runs: a third is a duplicate.
    send(&mut socket, subscription).await;
    assert_eq!(next_json(&mut socket).await, json!({ "close": 4409 }));
}

#[tokio::test]
async fn sockets_waiting_for_their_init_are_capped() {
    let app = crate::transport::app_with(kinerja::config::Transport {
        max_unauthenticated_sockets: 2,
        ..kinerja::config::Transport::default()
    })
    .await;
    let mut waiting = vec![connect(&app).await, connect(&app).await];
    let refusal = || async {
        let mut request = format!("ws://{}/graphql", app.addr)
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        match tokio_tungstenite::connect_async(request).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                let body: Value =
                    serde_json::from_slice(response.body().as_deref().unwrap_or_default()).unwrap();
                Some((response.status().as_u16(), crate::support::codes(&body)))
            }
            Ok(_) => None,
            Err(other) => panic!("{other}"),
        }
    };
    assert_eq!(
        refusal().await,
        Some((503, vec!["SERVICE_UNAVAILABLE".to_owned()]))
    );
    // A socket that initialises leaves the count; so does one that closes.
    let token = app.token(personas::GURU);
    send(&mut waiting[0], json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut waiting[0]).await["type"], "connection_ack");
    let mut third = connect(&app).await;
    assert_eq!(refusal().await.map(|(status, _)| status), Some(503));
    drop(waiting.pop());
    drop(third.close(None).await);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    connect(&app).await;
}

#[tokio::test]
async fn shutdown_closes_sockets_cleanly() {
    let app = TestApp::new().await;
    let mut socket = authenticated(&app, &app.token(personas::GURU)).await;
    app.stop.send(true).unwrap();
    assert_eq!(next_json(&mut socket).await, json!({ "close": 1001 }));
}

#[tokio::test]
async fn pongs_keep_a_socket_open_and_silence_closes_it() {
    let app = TestApp::with_limits(kinerja::config::Limits {
        ws_ping_secs: 1,
        ws_idle_secs: 3,
        ..kinerja::config::Limits::default()
    })
    .await;
    let token = app.token(personas::PERAWAT);
    let mut answering = authenticated(&app, &token).await;
    let mut silent = authenticated(&app, &token).await;

    // Reading lets the client answer each ping with a pong; nothing else is sent for longer
    // than the idle timeout, and the socket stays open.
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut pings = 0;
    while let Ok(frame) = tokio::time::timeout_at(until, answering.next()).await {
        match frame {
            Some(Ok(Message::Ping(_))) => pings += 1,
            other => panic!("an answering socket got {other:?}"),
        }
    }
    assert!(pings >= 3, "{pings} pings in 5 s");
    send(
        &mut answering,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ viewer { nip } }" } }),
    )
    .await;
    assert_eq!(next_json(&mut answering).await["type"], "next");

    // The other socket was not read, so it sent no pongs: it was closed for idleness.
    assert_eq!(next_json(&mut silent).await, json!({ "close": 3008 }));
}

#[tokio::test]
async fn a_query_on_a_socket_gets_the_request_timeout_and_its_statement_is_cancelled() {
    use crate::transport::{Lock, await_lock_waiters};
    let app = crate::transport::app_with(kinerja::config::Transport {
        request_timeout_secs: 1,
        ..kinerja::config::Transport::default()
    })
    .await;
    let mut socket = authenticated(&app, &app.token(personas::GURU)).await;
    let lock = Lock::take(&app.url, "asn").await;
    send(&mut socket, asn_query("1")).await;
    let next = next_json(&mut socket).await;
    assert_eq!(next["type"], "next", "{next}");
    assert_eq!(
        crate::support::codes(&next["payload"]),
        ["TIMEOUT"],
        "{next}"
    );
    let extensions = &next["payload"]["errors"][0]["extensions"];
    assert_eq!(
        (extensions["measure"].as_str(), extensions["limit"].as_u64()),
        (Some("request"), Some(1))
    );
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "id": "1", "type": "complete" })
    );
    // The lookup no longer waits for the lock: it was cancelled, not abandoned.
    await_lock_waiters(&app.url, 0, std::time::Duration::from_secs(3)).await;
    lock.release().await;
    // The socket serves on.
    send(&mut socket, asn_query("2")).await;
    let next = next_json(&mut socket).await;
    assert_eq!(
        next["payload"]["data"]["asn"]["nip"],
        personas::GURU,
        "{next}"
    );
}

#[tokio::test]
async fn operations_a_client_completes_or_leaves_have_their_statements_cancelled() {
    use crate::transport::{Lock, await_lock_waiters};
    use std::time::Duration;
    let app = TestApp::new().await;
    crate::live::wait_until_listening(&app).await;
    let token = app.token(personas::ADMIN);

    // A query the client completes while its statement waits.
    let mut socket = authenticated(&app, &token).await;
    let lock = Lock::take(&app.url, "asn").await;
    send(&mut socket, asn_query("1")).await;
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "id": "1", "type": "complete" })
    );
    await_lock_waiters(&app.url, 0, Duration::from_secs(3)).await;

    // A query whose socket closes while its statement waits.
    send(&mut socket, asn_query("2")).await;
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    drop(socket);
    await_lock_waiters(&app.url, 0, Duration::from_secs(3)).await;
    lock.release().await;

    // A subscription whose socket closes while it replays the outbox.
    let mut socket = authenticated(&app, &token).await;
    let lock = Lock::take(&app.url, "events").await;
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe", "payload": {
            "query": "subscription ($after: String) { appealFiled(after: $after) { cursor } }",
            "variables": { "after": "ZXYxOjA" } } }),
    )
    .await;
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;
    drop(socket);
    await_lock_waiters(&app.url, 0, Duration::from_secs(3)).await;
    lock.release().await;
}

/// A query of the guru's record by NIP, which reads the `asn` table.
fn asn_query(id: &str) -> Value {
    json!({ "id": id, "type": "subscribe", "payload": {
        "query": "query ($nip: String!) { asn(nip: $nip) { nip } }",
        "variables": { "nip": personas::GURU } } })
}

#[tokio::test]
async fn operations_beyond_the_cap_of_a_socket_are_refused_with_an_error_message() {
    use crate::transport::{Lock, await_lock_waiters};
    use std::time::Duration;
    let app = TestApp::with_limits(kinerja::config::Limits {
        max_operations_per_socket: 2,
        ..kinerja::config::Limits::default()
    })
    .await;
    let mut socket = authenticated(&app, &app.token(personas::GURU)).await;
    // Two operations run: a subscription, and a query waiting for a lock.
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe",
            "payload": { "query": "subscription { evaluationPublished { cursor } }" } }),
    )
    .await;
    let lock = Lock::take(&app.url, "asn").await;
    send(&mut socket, asn_query("q1")).await;
    await_lock_waiters(&app.url, 1, Duration::from_secs(5)).await;

    // A third is refused before it starts; its id was never running, so it may come again.
    for _ in 0..2 {
        send(&mut socket, asn_query("q2")).await;
        let error = next_json(&mut socket).await;
        assert_eq!(
            (&error["type"], &error["id"]),
            (&json!("error"), &json!("q2")),
            "{error}"
        );
        let extensions = &error["payload"][0]["extensions"];
        assert_eq!(extensions["code"], "QUERY_TOO_COMPLEX", "{error}");
        assert_eq!(extensions["measure"], "operations per socket", "{error}");
        assert_eq!(
            (extensions["limit"].as_u64(), extensions["actual"].as_u64()),
            (Some(2), Some(3))
        );
    }

    // Once the subscription is completed, the query runs too.
    send(&mut socket, json!({ "id": "s", "type": "complete" })).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "id": "s", "type": "complete" })
    );
    send(&mut socket, asn_query("q2")).await;
    await_lock_waiters(&app.url, 2, Duration::from_secs(5)).await;
    lock.release().await;
    let mut answered = std::collections::BTreeSet::new();
    while answered.len() < 4 {
        let message = next_json(&mut socket).await;
        if message["type"] == "next" {
            assert_eq!(
                message["payload"]["data"]["asn"]["nip"],
                personas::GURU,
                "{message}"
            );
        }
        let key = format!("{} {}", message["id"], message["type"]);
        assert!(answered.insert(key), "{message}");
    }
    assert_eq!(
        answered.into_iter().collect::<Vec<_>>(),
        [
            "\"q1\" \"complete\"",
            "\"q1\" \"next\"",
            "\"q2\" \"complete\"",
            "\"q2\" \"next\""
        ]
    );
}
