//! Subscriptions: delivery to those allowed, nothing to others, replay with `after`, and the
//! listener surviving a dropped connection.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::evaluations::{CREATE, PUBLISH, asn_id};
use crate::support::{TestApp, data, personas};
use crate::websocket::{Socket, connect, next_json, send};

/// A socket authenticated as `nip`, subscribed to `query` with id "s".
async fn subscribe(app: &TestApp, nip: &str, query: &str, variables: Value) -> Socket {
    let mut socket = connect(app).await;
    let token = app.token(nip);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(&mut socket, json!({ "id": "s", "type": "subscribe", "payload": { "query": query, "variables": variables } })).await;
    socket
}

/// The next message within `wait`, if any.
async fn maybe_next(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(_))) => continue,
            Ok(_) => return None,
        }
    }
}

const PUBLISHED: &str = "subscription ($after: String) { evaluationPublished(after: $after) {
  cursor evaluation { id predikat asn { nip } } } }";

/// Creates and publishes a Q4 evaluation of the perawat; returns its ID.
async fn publish_one(app: &TestApp) -> String {
    let perawat = asn_id(app, personas::PERAWAT).await;
    let body = data(
        app.query(
            personas::KEPALA_PUSKESMAS,
            CREATE,
            json!({ "input": { "asnId": perawat,
        "period": { "year": 2026, "kind": "QUARTERLY", "number": 4 },
        "workResultRating": "DI_ATAS_EKSPEKTASI", "behaviourRating": "SESUAI_EKSPEKTASI" } }),
        )
        .await,
    );
    let id = body["createEvaluation"]["id"].as_str().unwrap().to_owned();
    data(
        app.query(personas::KEPALA_PUSKESMAS, PUBLISH, json!({ "id": id }))
            .await,
    );
    id
}

async fn wait_until_listening(app: &TestApp) {
    for _ in 0..100 {
        let ready = reqwest::get(app.http("/readyz")).await.unwrap();
        if ready.status().is_success() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the event listener never came up");
}

#[tokio::test]
async fn the_evaluated_asn_learns_of_a_publication_and_strangers_do_not() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let mut perawat = subscribe(&app, personas::PERAWAT, PUBLISHED, json!({})).await;
    let mut guru = subscribe(&app, personas::GURU, PUBLISHED, json!({})).await;
    let mut analis = subscribe(&app, personas::ANALIS, PUBLISHED, json!({})).await;
    // Let the subscriptions register before the write.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let id = publish_one(&app).await;

    let event = maybe_next(&mut perawat, Duration::from_secs(5))
        .await
        .expect("an event");
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(
        event["payload"]["data"]["evaluationPublished"]["evaluation"]["id"],
        id.as_str()
    );
    assert_eq!(
        event["payload"]["data"]["evaluationPublished"]["evaluation"]["asn"]["nip"],
        personas::PERAWAT
    );
    assert!(event["payload"]["data"]["evaluationPublished"]["cursor"].is_string());
    assert_eq!(
        maybe_next(&mut guru, Duration::from_millis(500)).await,
        None,
        "a stranger gets nothing"
    );
    assert_eq!(
        maybe_next(&mut analis, Duration::from_millis(100)).await,
        None,
        "an analyst gets nothing"
    );
}

#[tokio::test]
async fn after_replays_what_was_missed_without_duplicates() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let mut first = subscribe(&app, personas::KEPALA_DINKES, PUBLISHED, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let one = publish_one(&app).await;
    let event = maybe_next(&mut first, Duration::from_secs(5))
        .await
        .expect("first event");
    let cursor = event["payload"]["data"]["evaluationPublished"]["cursor"].clone();
    drop(first);

    // While nobody listens, another evaluation is published (the kepala puskesmas by Kadinkes).
    let kapus = asn_id(&app, personas::KEPALA_PUSKESMAS).await;
    let body = data(
        app.query(
            personas::KEPALA_DINKES,
            CREATE,
            json!({ "input": { "asnId": kapus,
        "period": { "year": 2026, "kind": "QUARTERLY", "number": 4 },
        "workResultRating": "SESUAI_EKSPEKTASI", "behaviourRating": "SESUAI_EKSPEKTASI" } }),
        )
        .await,
    );
    let two = body["createEvaluation"]["id"].as_str().unwrap().to_owned();
    data(
        app.query(personas::KEPALA_DINKES, PUBLISH, json!({ "id": two }))
            .await,
    );

    let mut resumed = subscribe(
        &app,
        personas::KEPALA_DINKES,
        PUBLISHED,
        json!({ "after": cursor }),
    )
    .await;
    let replayed = maybe_next(&mut resumed, Duration::from_secs(5))
        .await
        .expect("the missed event");
    assert_eq!(
        replayed["payload"]["data"]["evaluationPublished"]["evaluation"]["id"],
        two.as_str()
    );
    assert_ne!(two, one);
    // Nothing else: the event before the cursor is not repeated, nor the missed one twice.
    assert_eq!(
        maybe_next(&mut resumed, Duration::from_millis(500)).await,
        None
    );
}

#[tokio::test]
async fn the_listener_recovers_when_its_connection_is_killed() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let mut perawat = subscribe(&app, personas::PERAWAT, PUBLISHED, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let database = app.url.rsplit('/').next().unwrap().to_owned();
    app.conn()
        .await
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'kinerja_listener' AND datname = '{database}'"
        ))
        .await
        .unwrap();
    // Written at once, while the listener is down or reconnecting.
    let id = publish_one(&app).await;
    let event = maybe_next(&mut perawat, Duration::from_secs(10))
        .await
        .expect("the event still arrives");
    assert_eq!(
        event["payload"]["data"]["evaluationPublished"]["evaluation"]["id"],
        id.as_str()
    );
}

#[tokio::test]
async fn two_instances_share_events() {
    let app = TestApp::new().await;
    let second = app.second_instance().await;
    wait_until_listening(&app).await;
    for _ in 0..100 {
        if reqwest::get(format!("http://{second}/readyz"))
            .await
            .unwrap()
            .status()
            .is_success()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Subscribe on instance B, write through instance A's HTTP endpoint.
    let mut socket = {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{second}/graphql")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        tokio_tungstenite::connect_async(request).await.unwrap().0
    };
    let token = app.token(personas::PERAWAT);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe", "payload": { "query": PUBLISHED } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let perawat = asn_id(&app, personas::PERAWAT).await;
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", app.token(personas::KEPALA_PUSKESMAS));
    let post = |query: &str, variables: Value| {
        client
            .post(app.http("/graphql"))
            .header("authorization", &auth)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
    };
    let created: Value = post(CREATE, json!({ "input": { "asnId": perawat, "period": { "year": 2026, "kind": "QUARTERLY", "number": 4 },
        "workResultRating": "SESUAI_EKSPEKTASI", "behaviourRating": "SESUAI_EKSPEKTASI" } }))
        .await.unwrap().json().await.unwrap();
    let id = created["data"]["createEvaluation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let _ = post(PUBLISH, json!({ "id": id })).await.unwrap();
    let event = maybe_next(&mut socket, Duration::from_secs(5))
        .await
        .expect("delivered on the other instance");
    assert_eq!(
        event["payload"]["data"]["evaluationPublished"]["evaluation"]["id"],
        id.as_str()
    );
}

#[tokio::test]
async fn the_outbox_is_pruned_after_its_retention() {
    let app = TestApp::new().await;
    publish_one(&app).await;
    let db = kinerja::db::Db::new(app.pool.clone());
    let published = || crate::evaluations::events(&app, "EVALUATION_PUBLISHED");
    let before = published().await;
    // Only what is older than the retention goes; the event just written stays.
    kinerja::live::replay::prune(&db, app.clock_now(), 30)
        .await
        .unwrap();
    let after = published().await;
    assert!(after >= 1 && after <= before, "{before} → {after}");
    let month_later = app.clock_now() + chrono::Duration::days(31);
    kinerja::live::replay::prune(&db, month_later, 30)
        .await
        .unwrap();
    assert_eq!(published().await, 0);
}

#[tokio::test]
async fn the_asn_learns_of_an_activity_review() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let q = "subscription { activityReviewed { cursor activity { id status reviewNote } } }";
    let mut perawat = subscribe(&app, personas::PERAWAT, q, json!({})).await;
    let mut guru = subscribe(&app, personas::GURU, q, json!({})).await;
    let perawat_id = asn_id(&app, personas::PERAWAT).await;
    let narrowed = subscribe(
        &app,
        personas::GURU,
        "subscription ($a: ID) { activityReviewed(asnId: $a) { cursor } }",
        json!({ "a": perawat_id }),
    );
    let mut narrowed = narrowed.await;
    let refused = maybe_next(&mut narrowed, Duration::from_secs(5))
        .await
        .expect("a refusal");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;

    let created = data(
        app.query(
            personas::PERAWAT,
            "mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }",
            json!({ "input": { "date": "2026-11-27", "startTime": "21:00", "endTime": "22:30",
                "description": "Pelayanan IGD malam" } }),
        )
        .await,
    );
    let id = created["createActivity"]["id"].clone();
    data(
        app.query(
            personas::KEPALA_PUSKESMAS,
            "mutation ($id: ID!) { reviewActivity(input: { activityId: $id, decision: APPROVE, note: \"Baik\" }) { id } }",
            json!({ "id": id }),
        )
        .await,
    );
    let event = maybe_next(&mut perawat, Duration::from_secs(5))
        .await
        .expect("an event");
    assert_eq!(
        event["payload"]["data"]["activityReviewed"]["activity"]["id"],
        id
    );
    assert_eq!(
        event["payload"]["data"]["activityReviewed"]["activity"]["status"],
        "APPROVED"
    );
    assert_eq!(
        maybe_next(&mut guru, Duration::from_millis(500)).await,
        None
    );
}

#[tokio::test]
async fn the_dialog_reaches_the_evaluator_and_not_strangers() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let evaluation =
        crate::evaluations::published(&app, "SESUAI_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    let q = "subscription ($e: ID) { feedbackAdded(evaluationId: $e) { cursor feedback { id kind body author { nip } evaluation { id } } } }";
    let mut evaluator = subscribe(
        &app,
        personas::KEPALA_PUSKESMAS,
        q,
        json!({ "e": evaluation }),
    )
    .await;
    let mut everything = subscribe(
        &app,
        personas::GURU,
        "subscription { feedbackAdded { cursor } }",
        json!({}),
    )
    .await;
    let mut forbidden = subscribe(&app, personas::GURU, q, json!({ "e": evaluation })).await;
    let refused = maybe_next(&mut forbidden, Duration::from_secs(5))
        .await
        .expect("a refusal");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;

    let kapus = asn_id(&app, personas::KEPALA_PUSKESMAS).await;
    data(
        app.query(
            personas::PERAWAT,
            "mutation ($input: GiveFeedbackInput!) { giveFeedback(input: $input) { id } }",
            json!({ "input": { "recipientId": kapus, "evaluationId": evaluation, "kind": "QUESTION",
                "body": "Bagaimana saya bisa mencapai Di Atas Ekspektasi?" } }),
        )
        .await,
    );
    let event = maybe_next(&mut evaluator, Duration::from_secs(5))
        .await
        .expect("the question");
    let feedback = &event["payload"]["data"]["feedbackAdded"]["feedback"];
    assert_eq!(feedback["kind"], "QUESTION");
    assert_eq!(feedback["author"]["nip"], personas::PERAWAT);
    assert_eq!(feedback["evaluation"]["id"], evaluation.as_str());
    assert_eq!(
        maybe_next(&mut everything, Duration::from_millis(500)).await,
        None
    );
}

#[tokio::test]
async fn readyz_reports_the_listener() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let body = reqwest::get(app.http("/readyz"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("event listener ok"), "{body}");
    // Kill the listener repeatedly: /readyz says so at least once before it recovers.
    let database = app.url.rsplit('/').next().unwrap().to_owned();
    let mut saw_down = false;
    for _ in 0..50 {
        app.conn()
            .await
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = 'kinerja_listener' AND datname = '{database}'"
            ))
            .await
            .unwrap();
        let ready = reqwest::get(app.http("/readyz")).await.unwrap();
        if ready.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            saw_down = true;
            assert!(ready.text().await.unwrap().contains("event listener down"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(saw_down, "/readyz never reported the listener down");
    wait_until_listening(&app).await;
}

#[tokio::test]
async fn appeal_filings_reach_the_decider_and_decisions_the_appellant() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let mut decider = subscribe(
        &app,
        personas::KEPALA_DINKES,
        "subscription { appealFiled { appeal { id reason } } }",
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let evaluation =
        crate::evaluations::published(&app, "DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    let filed = data(
        app.query(
            personas::PERAWAT,
            "mutation ($e: ID!) { fileAppeal(input: { evaluationId: $e, reason: \"Data belum lengkap\" }) { id } }",
            json!({ "e": evaluation }),
        )
        .await,
    );
    let appeal = filed["fileAppeal"]["id"].as_str().unwrap().to_owned();
    let event = maybe_next(&mut decider, Duration::from_secs(5))
        .await
        .expect("the filing");
    assert_eq!(
        event["payload"]["data"]["appealFiled"]["appeal"]["id"],
        appeal.as_str()
    );

    let q = "subscription ($a: ID) { appealDecided(appealId: $a) { appeal { id status newPredikat } } }";
    let mut appellant = subscribe(&app, personas::PERAWAT, q, json!({ "a": appeal })).await;
    let mut stranger = subscribe(&app, personas::GURU, q, json!({ "a": appeal })).await;
    let refused = maybe_next(&mut stranger, Duration::from_secs(5))
        .await
        .expect("a refusal");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    data(
        app.query(
            personas::KEPALA_DINKES,
            "mutation ($a: ID!) { decideAppeal(input: { appealId: $a, decision: REVISED, note: \"Terverifikasi\",
               workResultRating: SESUAI_EKSPEKTASI, behaviourRating: SESUAI_EKSPEKTASI }) { id } }",
            json!({ "a": appeal }),
        )
        .await,
    );
    let event = maybe_next(&mut appellant, Duration::from_secs(5))
        .await
        .expect("the decision");
    let decided = &event["payload"]["data"]["appealDecided"]["appeal"];
    assert_eq!(decided["status"], "REVISED");
    assert_eq!(decided["newPredikat"], "BAIK");
}

/// The `kinerja_live_subscribers` gauge of `/metrics`.
async fn live_subscribers(app: &TestApp) -> usize {
    let metrics = reqwest::get(app.http("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("kinerja_live_subscribers "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no gauge in {metrics}"))
}

#[tokio::test]
async fn metrics_count_live_subscriptions() {
    let app = TestApp::new().await;
    assert_eq!(live_subscribers(&app).await, 0);
    let socket = subscribe(&app, personas::PERAWAT, PUBLISHED, json!({})).await;
    let mut counted = 0;
    for _ in 0..100 {
        counted = live_subscribers(&app).await;
        if counted == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(counted, 1);
    drop(socket);
    for _ in 0..100 {
        counted = live_subscribers(&app).await;
        if counted == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(counted, 0, "a closed socket's subscription is gone");
}
