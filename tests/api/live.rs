//! Subscriptions: delivery to those allowed, nothing to others, replay with `after`, and the
//! listener surviving a dropped connection.
//!
//! A negative ("this subscriber gets nothing") is proven by order, never by waiting: the hub
//! delivers events in outbox order, so after the events a subscriber must not see, the test
//! writes one it may see and requires it to be the first message. A leak, an error, a closed
//! socket or the end of the stream all fail the test.

use std::collections::HashMap;
use std::time::Duration;

use diesel::QueryableByName;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::evaluations::{CREATE, PUBLISH, asn_id};
use crate::supervision::INSPECTOR_2;
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

/// The next message of the socket. Panics on a close, the end of the stream, a socket error or
/// nothing within 10 s: a subscriber that stops listening has not proven anything.
async fn next_message(socket: &mut Socket, who: &str) -> Value {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
            Err(_) => panic!("{who}: no message within 10 s"),
            Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).unwrap(),
            Ok(Some(Ok(Message::Close(frame)))) => panic!("{who}: the socket closed: {frame:?}"),
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(err))) => panic!("{who}: socket error {err}"),
            Ok(None) => panic!("{who}: the stream ended"),
        }
    }
}

/// The next event of subscription "s": its `payload.data.<field>`. Anything else (an error, a
/// `complete`, a close) fails.
async fn next_event(socket: &mut Socket, who: &str, field: &str) -> Value {
    let message = next_message(socket, who).await;
    assert_eq!(message["type"], "next", "{who}: {message}");
    assert_eq!(message["id"], "s", "{who}: {message}");
    assert!(
        message["payload"].get("errors").is_none(),
        "{who}: {message}"
    );
    let event = message["payload"]["data"][field].clone();
    assert!(event.is_object(), "{who}: {message}");
    event
}

/// Asserts subscription "s" was refused with FORBIDDEN (its only result) and completed.
async fn assert_refused(socket: &mut Socket, who: &str) {
    let refused = next_message(socket, who).await;
    assert_eq!(refused["type"], "next", "{who}: {refused}");
    assert!(refused["payload"]["data"].is_null(), "{who}: {refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{who}: {refused}"
    );
    let complete = next_message(socket, who).await;
    assert_eq!(complete, json!({ "id": "s", "type": "complete" }), "{who}");
}

/// The `kinerja_live_subscribers` gauge of `/metrics` at `addr`.
async fn live_subscribers_at(addr: std::net::SocketAddr) -> usize {
    let metrics = reqwest::get(format!("http://{addr}/metrics"))
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

/// The `kinerja_live_subscribers` gauge of the test server.
async fn live_subscribers(app: &TestApp) -> usize {
    live_subscribers_at(app.addr).await
}

/// Waits until `addr` counts exactly `n` live subscriptions, so that an event written next
/// reaches each of them.
async fn await_subscribers_at(addr: std::net::SocketAddr, n: usize) {
    let mut counted = 0;
    for _ in 0..200 {
        counted = live_subscribers_at(addr).await;
        if counted == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{counted} live subscriptions, expected {n}");
}

/// [`await_subscribers_at`] on the test server.
async fn await_subscribers(app: &TestApp, n: usize) {
    await_subscribers_at(app.addr, n).await;
}

/// The events of one subscription kind written by a test, in outbox order: the ID of each
/// event's record and who among the subscribers may read it; the events under test come
/// first, then the probes that prove silence.
struct Log {
    events: Vec<(String, Vec<&'static str>)>,
    /// Index of the first event written after all the events under test.
    probes_from: Option<usize>,
}

impl Log {
    fn new() -> Self {
        Self {
            events: Vec::new(),
            probes_from: None,
        }
    }

    /// Records an event under test.
    fn push(&mut self, id: String, readers: &[&'static str]) {
        assert!(self.probes_from.is_none(), "events under test come first");
        self.events.push((id, readers.to_vec()));
    }

    /// Records an event written after every event under test.
    fn probe(&mut self, id: String, readers: &[&'static str]) {
        self.probes_from.get_or_insert(self.events.len());
        self.events.push((id, readers.to_vec()));
    }

    /// Asserts each subscriber receives exactly the events it may read, in order, up to the
    /// last of them, and returns them. A stranger must be kept from at least one event under
    /// test, and its last event must be a probe, written after every event under test:
    /// receiving the probe in its turn proves none of those leaked.
    async fn assert_delivered(
        &self,
        subscribers: &mut [(&'static str, Socket)],
        strangers: &[&'static str],
        field: &str,
        record: &str,
    ) -> HashMap<&'static str, Vec<Value>> {
        let probes_from = self.probes_from.expect("probes");
        let mut received = HashMap::new();
        for (nip, socket) in subscribers.iter_mut() {
            let expected: Vec<(usize, &String)> = self
                .events
                .iter()
                .enumerate()
                .filter(|(_, (_, readers))| readers.contains(nip))
                .map(|(i, (id, _))| (i, id))
                .collect();
            if strangers.contains(nip) {
                assert!(
                    self.events[..probes_from]
                        .iter()
                        .any(|(_, readers)| !readers.contains(nip)),
                    "{nip}: no event under test is kept from them"
                );
                assert!(
                    expected.last().is_some_and(|(i, _)| *i >= probes_from),
                    "{nip}: no probe to prove silence with"
                );
            }
            let mut events = Vec::new();
            for (_, id) in expected {
                let event = next_event(socket, nip, field).await;
                assert_eq!(event[record]["id"], id.as_str(), "{nip}: {event}");
                assert!(event["cursor"].is_string(), "{nip}: {event}");
                events.push(event);
            }
            received.insert(*nip, events);
        }
        received
    }
}

const PUBLISHED: &str = "subscription ($after: String) { evaluationPublished(after: $after) {
  cursor evaluation { id predikat asn { nip } } } }";

/// A bidan of Puskesmas Dumai Kota under the Kepala Puskesmas: the perawat's peer in her unit.
const PEER: &str = "199606062024212001";
/// Staff of Puskesmas Bukit Kapur, a unit no inspector visited, and its head.
const BUKIT_KAPUR_STAFF: &str = "199509212020122001";
const KAPUS_BUKIT_KAPUR: &str = "198302022010031001";
/// The head of SD Negeri 001 Dumai Kota and the Kepala Dinas Pendidikan above them.
const KEPSEK: &str = "197511302000121001";
const KADIS_PENDIDIKAN: &str = "196809141994031001";
/// The head of Bidang Litbang of Bappeda and the Kepala Bappeda above them.
const KABID_LITBANG: &str = "198103252006042001";
const KEPALA_BAPPEDA: &str = "197012011996031001";
/// The supervisor of the second inspector and the Inspektur above them.
const IRBAN_I: &str = "197809092003121001";
const INSPEKTUR: &str = "197107071997032001";

/// Makes `supervisor` the atasan langsung of `nip` (the guru and the analyst have none in the
/// demo data), so that records about them can be written and then read by them.
async fn give_supervisor(app: &TestApp, nip: &str, supervisor: &str) {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use kinerja::db::schema::asn;
    let mut conn = app.conn().await;
    let boss: i64 = asn::table
        .filter(asn::nip.eq(supervisor))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let changed = diesel::update(asn::table.filter(asn::nip.eq(nip)))
        .set(asn::supervisor_id.eq(boss))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(changed, 1, "{nip}");
}

/// Creates a Q4 2026 evaluation of `subject` by `evaluator` and publishes it; returns its ID.
async fn published_by(app: &TestApp, evaluator: &str, subject: &str) -> String {
    let body = data(
        crate::evaluations::create(
            app,
            evaluator,
            subject,
            "SESUAI_EKSPEKTASI",
            "SESUAI_EKSPEKTASI",
        )
        .await,
    );
    let id = body["createEvaluation"]["id"].as_str().unwrap().to_owned();
    data(app.query(evaluator, PUBLISH, json!({ "id": id })).await);
    id
}

/// Creates and publishes a Q4 evaluation of the perawat; returns its ID.
async fn publish_one(app: &TestApp) -> String {
    published_by(app, personas::KEPALA_PUSKESMAS, personas::PERAWAT).await
}

/// An activity of `owner` yesterday evening, approved by `supervisor`; returns its ID.
async fn reviewed(app: &TestApp, owner: &str, supervisor: &str) -> String {
    let created = data(
        app.query(
            owner,
            "mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }",
            json!({ "input": { "date": "2026-11-27", "startTime": "21:00", "endTime": "22:30",
                "description": "Pelayanan malam" } }),
        )
        .await,
    );
    let id = created["createActivity"]["id"].as_str().unwrap().to_owned();
    data(
        app.query(
            supervisor,
            "mutation ($id: ID!) { reviewActivity(input: { activityId: $id, decision: APPROVE, note: \"Baik\" }) { id } }",
            json!({ "id": id }),
        )
        .await,
    );
    id
}

/// Feedback from `author` to `recipient`; returns its ID.
async fn feedback(app: &TestApp, author: &str, recipient: &str, extra: Value) -> String {
    let mut input = json!({ "recipientId": asn_id(app, recipient).await, "kind": "APPRECIATION",
        "body": "Terima kasih atas kerja kerasnya." });
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let body = data(
        app.query(
            author,
            "mutation ($input: GiveFeedbackInput!) { giveFeedback(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await,
    );
    body["giveFeedback"]["id"].as_str().unwrap().to_owned()
}

/// `nip` appeals `evaluation`; returns the appeal's ID.
async fn file(app: &TestApp, nip: &str, evaluation: &str) -> String {
    let filed = data(
        app.query(
            nip,
            "mutation ($e: ID!) { fileAppeal(input: { evaluationId: $e, reason: \"Data belum lengkap\" }) { id } }",
            json!({ "e": evaluation }),
        )
        .await,
    );
    filed["fileAppeal"]["id"].as_str().unwrap().to_owned()
}

/// `decider` rejects `appeal`; returns its ID.
async fn decide(app: &TestApp, decider: &str, appeal: &str) -> String {
    let decided = data(
        app.query(
            decider,
            "mutation ($a: ID!) { decideAppeal(input: { appealId: $a, decision: REJECTED, note: \"Sesuai bukti\" }) { id } }",
            json!({ "a": appeal }),
        )
        .await,
    );
    decided["decideAppeal"]["id"].as_str().unwrap().to_owned()
}

/// Subscribes each of `nips` to `query` on a socket of their own.
async fn subscribe_all(
    app: &TestApp,
    nips: &[&'static str],
    query: &str,
) -> Vec<(&'static str, Socket)> {
    let mut sockets = Vec::new();
    for nip in nips {
        sockets.push((*nip, subscribe(app, nip, query, json!({})).await));
    }
    sockets
}

pub async fn wait_until_listening(app: &TestApp) {
    for _ in 0..100 {
        let ready = reqwest::get(app.http("/readyz")).await.unwrap();
        if ready.status().is_success() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the event listener never came up");
}

/// Those who must not learn of the perawat's records: a teacher and an analyst of other units
/// (given supervisors, so that records about them can be written), her peer in the puskesmas,
/// and an inspector (who visited the puskesmas: reads its evaluations and activities, not its
/// feedback or appeals).
const STRANGERS: [&str; 4] = [personas::GURU, personas::ANALIS, PEER, INSPECTOR_2];

async fn app_with_strangers() -> TestApp {
    let app = TestApp::new().await;
    give_supervisor(&app, personas::GURU, KEPSEK).await;
    give_supervisor(&app, personas::ANALIS, KABID_LITBANG).await;
    wait_until_listening(&app).await;
    app
}

#[tokio::test]
async fn publications_reach_their_readers_and_no_stranger() {
    let app = app_with_strangers().await;
    let mut subscribers = subscribe_all(
        &app,
        &[
            personas::PERAWAT,
            personas::GURU,
            personas::ANALIS,
            PEER,
            INSPECTOR_2,
        ],
        PUBLISHED,
    )
    .await;
    await_subscribers(&app, subscribers.len()).await;
    let mut log = Log::new();
    let perawat = publish_one(&app).await;
    log.push(perawat.clone(), &[personas::PERAWAT, INSPECTOR_2]);
    // A unit the inspector did not visit.
    log.push(
        published_by(&app, KAPUS_BUKIT_KAPUR, BUKIT_KAPUR_STAFF).await,
        &[],
    );
    let kapus = personas::KEPALA_PUSKESMAS;
    log.probe(published_by(&app, kapus, PEER).await, &[PEER, INSPECTOR_2]);
    log.probe(
        published_by(&app, KEPSEK, personas::GURU).await,
        &[personas::GURU],
    );
    log.probe(
        published_by(&app, KABID_LITBANG, personas::ANALIS).await,
        &[personas::ANALIS],
    );
    let received = log
        .assert_delivered(
            &mut subscribers,
            &STRANGERS,
            "evaluationPublished",
            "evaluation",
        )
        .await;
    // The event carries the record as its reader may read it.
    let first = &received[personas::PERAWAT][0];
    assert_eq!(first["evaluation"]["id"], perawat.as_str());
    assert_eq!(first["evaluation"]["asn"]["nip"], personas::PERAWAT);
    assert_eq!(first["evaluation"]["predikat"], "BAIK");
}

#[tokio::test]
async fn activity_reviews_reach_their_readers_and_no_stranger() {
    let app = app_with_strangers().await;
    let q = "subscription { activityReviewed { cursor activity { id status } } }";
    // Narrowing to a record one may not read is refused at once.
    let perawat_id = asn_id(&app, personas::PERAWAT).await;
    let mut narrowed = subscribe(
        &app,
        personas::GURU,
        "subscription ($a: ID) { activityReviewed(asnId: $a) { cursor } }",
        json!({ "a": perawat_id }),
    )
    .await;
    assert_refused(&mut narrowed, "narrowed").await;

    let mut subscribers = subscribe_all(
        &app,
        &[
            personas::PERAWAT,
            personas::GURU,
            personas::ANALIS,
            PEER,
            INSPECTOR_2,
        ],
        q,
    )
    .await;
    await_subscribers(&app, subscribers.len()).await;
    let kapus = personas::KEPALA_PUSKESMAS;
    let mut log = Log::new();
    let perawat = reviewed(&app, personas::PERAWAT, kapus).await;
    log.push(perawat.clone(), &[personas::PERAWAT, INSPECTOR_2]);
    // A unit the inspector did not visit.
    log.push(
        reviewed(&app, BUKIT_KAPUR_STAFF, KAPUS_BUKIT_KAPUR).await,
        &[],
    );
    log.probe(reviewed(&app, PEER, kapus).await, &[PEER, INSPECTOR_2]);
    log.probe(
        reviewed(&app, personas::GURU, KEPSEK).await,
        &[personas::GURU],
    );
    log.probe(
        reviewed(&app, personas::ANALIS, KABID_LITBANG).await,
        &[personas::ANALIS],
    );
    let received = log
        .assert_delivered(&mut subscribers, &STRANGERS, "activityReviewed", "activity")
        .await;
    assert_eq!(
        received[personas::PERAWAT][0]["activity"]["status"],
        "APPROVED"
    );
}

#[tokio::test]
async fn feedback_reaches_its_readers_and_no_stranger() {
    let app = app_with_strangers().await;
    let q = "subscription { feedbackAdded { cursor feedback { id } } }";
    let strangers = [
        personas::GURU,
        personas::ANALIS,
        PEER,
        INSPECTOR_2,
        personas::AUDITOR,
    ];
    let mut nips = vec![personas::PERAWAT];
    nips.extend(strangers);
    let mut subscribers = subscribe_all(&app, &nips, q).await;
    await_subscribers(&app, subscribers.len()).await;
    let kapus = personas::KEPALA_PUSKESMAS;
    let mut log = Log::new();
    log.push(
        feedback(&app, kapus, personas::PERAWAT, json!({})).await,
        &[personas::PERAWAT],
    );
    log.push(
        feedback(
            &app,
            personas::PERAWAT,
            kapus,
            json!({ "kind": "QUESTION", "body": "Kapan evaluasi berikutnya?" }),
        )
        .await,
        &[personas::PERAWAT],
    );
    // Each stranger then notes something for themself.
    for nip in strangers {
        log.probe(feedback(&app, nip, nip, json!({})).await, &[nip]);
    }
    log.assert_delivered(&mut subscribers, &strangers, "feedbackAdded", "feedback")
        .await;
}

#[tokio::test]
async fn appeal_filings_and_decisions_reach_their_readers_and_no_stranger() {
    let app = app_with_strangers().await;
    let kapus = personas::KEPALA_PUSKESMAS;
    // The perawat's Q3 evaluation of the demo data is published; the others get one now.
    let perawat_evaluation = data(
        app.query(
            personas::PERAWAT,
            "{ viewer { evaluations(first: 1, filter: { year: 2026, kind: QUARTERLY, number: 3 }) { nodes { id status } } } }",
            json!({}),
        )
        .await,
    )["viewer"]["evaluations"]["nodes"][0]
        .clone();
    assert_eq!(perawat_evaluation["status"], "PUBLISHED");
    let evaluations = [
        (PEER, published_by(&app, kapus, PEER).await),
        (
            personas::GURU,
            published_by(&app, KEPSEK, personas::GURU).await,
        ),
        (
            personas::ANALIS,
            published_by(&app, KABID_LITBANG, personas::ANALIS).await,
        ),
        (INSPECTOR_2, published_by(&app, IRBAN_I, INSPECTOR_2).await),
    ];
    // The atasan pejabat penilai of each evaluator decides.
    let deciders = [
        (PEER, personas::KEPALA_DINKES),
        (personas::GURU, KADIS_PENDIDIKAN),
        (personas::ANALIS, KEPALA_BAPPEDA),
        (INSPECTOR_2, INSPEKTUR),
    ];
    let nips = [
        personas::PERAWAT,
        personas::GURU,
        personas::ANALIS,
        PEER,
        INSPECTOR_2,
    ];
    let mut filed_subscribers = subscribe_all(
        &app,
        &nips,
        "subscription { appealFiled { cursor appeal { id } } }",
    )
    .await;
    let mut decided_subscribers = subscribe_all(
        &app,
        &nips,
        "subscription { appealDecided { cursor appeal { id status } } }",
    )
    .await;
    await_subscribers(&app, 2 * nips.len()).await;

    let mut filed = Log::new();
    let perawat_appeal = file(
        &app,
        personas::PERAWAT,
        perawat_evaluation["id"].as_str().unwrap(),
    )
    .await;
    filed.push(perawat_appeal.clone(), &[personas::PERAWAT]);
    let mut appeals = Vec::new();
    for (nip, evaluation) in &evaluations {
        let appeal = file(&app, nip, evaluation).await;
        filed.probe(appeal.clone(), &[*nip]);
        appeals.push((*nip, appeal));
    }
    let mut decided = Log::new();
    decided.push(
        decide(&app, personas::KEPALA_DINKES, &perawat_appeal).await,
        &[personas::PERAWAT],
    );
    for ((nip, appeal), (_, decider)) in appeals.iter().zip(deciders) {
        decided.probe(decide(&app, decider, appeal).await, &[*nip]);
    }
    filed
        .assert_delivered(&mut filed_subscribers, &STRANGERS, "appealFiled", "appeal")
        .await;
    let received = decided
        .assert_delivered(
            &mut decided_subscribers,
            &STRANGERS,
            "appealDecided",
            "appeal",
        )
        .await;
    assert_eq!(
        received[personas::PERAWAT][0]["appeal"]["status"],
        "REJECTED"
    );
}

#[tokio::test]
async fn after_replays_what_was_missed_without_duplicates() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let who = personas::KEPALA_DINKES;
    let mut first = subscribe(&app, who, PUBLISHED, json!({})).await;
    await_subscribers(&app, 1).await;
    let one = publish_one(&app).await;
    let event = next_event(&mut first, who, "evaluationPublished").await;
    assert_eq!(event["evaluation"]["id"], one.as_str());
    let cursor = event["cursor"].clone();
    drop(first);
    await_subscribers(&app, 0).await;

    // While nobody listens, another evaluation is published (the kepala puskesmas by Kadinkes).
    let two = published_by(&app, who, personas::KEPALA_PUSKESMAS).await;

    let mut resumed = subscribe(&app, who, PUBLISHED, json!({ "after": cursor })).await;
    let replayed = next_event(&mut resumed, who, "evaluationPublished").await;
    assert_eq!(replayed["evaluation"]["id"], two.as_str());
    assert_ne!(two, one);
    // Live from here: the next message is the next publication, so the event before the
    // cursor was not repeated, nor the missed one sent twice.
    await_subscribers(&app, 1).await;
    let three = published_by(&app, personas::KEPALA_PUSKESMAS, PEER).await;
    let live = next_event(&mut resumed, who, "evaluationPublished").await;
    assert_eq!(live["evaluation"]["id"], three.as_str());
}

#[derive(QueryableByName)]
struct Killed {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    killed: i64,
}

/// Terminates the event listener's connection of `app`; returns how many backends ended.
async fn kill_listener(app: &TestApp) -> i64 {
    use diesel_async::RunQueryDsl;
    let database = app.url.rsplit('/').next().unwrap().to_owned();
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS killed \
         FROM pg_stat_activity WHERE application_name = 'kinerja_listener' AND datname = $1",
    )
    .bind::<diesel::sql_types::Text, _>(database)
    .get_result::<Killed>(&mut app.conn().await)
    .await
    .unwrap()
    .killed
}

#[tokio::test]
async fn the_listener_recovers_when_its_connection_is_killed() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let mut perawat = subscribe(&app, personas::PERAWAT, PUBLISHED, json!({})).await;
    await_subscribers(&app, 1).await;
    assert_eq!(
        kill_listener(&app).await,
        1,
        "the listener's connection ended"
    );
    // Written at once, while the listener is down or reconnecting.
    let id = publish_one(&app).await;
    let event = next_event(&mut perawat, personas::PERAWAT, "evaluationPublished").await;
    assert_eq!(event["evaluation"]["id"], id.as_str());
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
    await_subscribers_at(second, 1).await;

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
    let published: Value = post(PUBLISH, json!({ "id": id }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(published["data"]["publishEvaluation"]["id"], id.as_str());
    let event = next_event(&mut socket, "second instance", "evaluationPublished").await;
    assert_eq!(event["evaluation"]["id"], id.as_str());
}

#[tokio::test]
async fn the_outbox_is_pruned_exactly_after_its_retention() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use kinerja::db::schema::events;
    let app = TestApp::new().await;
    // Written an hour after every event of the demo data.
    app.clock.advance(chrono::Duration::hours(1));
    publish_one(&app).await;
    let (id, written): (i64, chrono::DateTime<chrono::Utc>) = events::table
        .order_by(events::id.desc())
        .select((events::id, events::created_at))
        .first(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!(written, app.clock_now());
    let kept = || async {
        events::table
            .filter(events::id.eq(id))
            .count()
            .get_result::<i64>(&mut app.conn().await)
            .await
            .unwrap()
            == 1
    };
    let db = kinerja::db::Db::new(app.pool.clone());
    let retention = chrono::Duration::days(30);
    let second = chrono::Duration::seconds(1);
    // One second before the boundary the older events go, the new one stays.
    app.clock.set(written + retention - second);
    let older = kinerja::live::replay::prune(&db, app.clock_now(), 30)
        .await
        .unwrap();
    assert!(older > 0, "the demo data's events are older");
    assert!(kept().await);
    // At the boundary it is exactly 30 days old: kept.
    app.clock.set(written + retention);
    let pruned = kinerja::live::replay::prune(&db, app.clock_now(), 30)
        .await
        .unwrap();
    assert_eq!(pruned, 0);
    assert!(kept().await);
    // One second later it is older than the retention: gone, and nothing else was left.
    app.clock.set(written + retention + second);
    let pruned = kinerja::live::replay::prune(&db, app.clock_now(), 30)
        .await
        .unwrap();
    assert_eq!(pruned, 1);
    assert!(!kept().await);
    let left = events::table
        .count()
        .get_result::<i64>(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_dialog_reaches_the_evaluator_and_not_strangers() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let evaluation =
        crate::evaluations::published(&app, "SESUAI_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    let q = "subscription ($e: ID) { feedbackAdded(evaluationId: $e) { cursor feedback { id kind body author { nip } evaluation { id } } } }";
    let mut forbidden = subscribe(&app, personas::GURU, q, json!({ "e": evaluation })).await;
    assert_refused(&mut forbidden, "narrowed").await;
    let kapus = personas::KEPALA_PUSKESMAS;
    let mut subscribers = vec![
        (
            kapus,
            subscribe(&app, kapus, q, json!({ "e": evaluation })).await,
        ),
        (
            personas::GURU,
            subscribe(
                &app,
                personas::GURU,
                "subscription { feedbackAdded { cursor feedback { id } } }",
                json!({}),
            )
            .await,
        ),
    ];
    await_subscribers(&app, 2).await;

    let mut log = Log::new();
    let question = feedback(
        &app,
        personas::PERAWAT,
        kapus,
        json!({ "evaluationId": evaluation, "kind": "QUESTION",
            "body": "Bagaimana saya bisa mencapai Di Atas Ekspektasi?" }),
    )
    .await;
    log.push(question, &[kapus]);
    log.probe(
        feedback(&app, personas::GURU, personas::GURU, json!({})).await,
        &[personas::GURU],
    );
    let received = log
        .assert_delivered(
            &mut subscribers,
            &[personas::GURU],
            "feedbackAdded",
            "feedback",
        )
        .await;
    let feedback = &received[kapus][0]["feedback"];
    assert_eq!(feedback["kind"], "QUESTION");
    assert_eq!(feedback["author"]["nip"], personas::PERAWAT);
    assert_eq!(feedback["evaluation"]["id"], evaluation.as_str());
}

#[tokio::test]
async fn readyz_reports_the_listener() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let body = reqwest::get(app.http("/readyz"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("event listener ok"), "{body}");
    // Kill the listener (again whenever it is back): /readyz says so at least once before it
    // recovers.
    assert_eq!(
        kill_listener(&app).await,
        1,
        "the listener's connection ended"
    );
    let mut saw_down = false;
    for attempt in 0..50 {
        if attempt > 0 {
            kill_listener(&app).await;
        }
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
    let decider = personas::KEPALA_DINKES;
    let mut filings = subscribe(
        &app,
        decider,
        "subscription { appealFiled { cursor appeal { id reason } } }",
        json!({}),
    )
    .await;
    await_subscribers(&app, 1).await;
    let evaluation =
        crate::evaluations::published(&app, "DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    let appeal = file(&app, personas::PERAWAT, &evaluation).await;
    let event = next_event(&mut filings, decider, "appealFiled").await;
    assert_eq!(event["appeal"]["id"], appeal.as_str());
    assert_eq!(event["appeal"]["reason"], "Data belum lengkap");

    let q = "subscription ($a: ID) { appealDecided(appealId: $a) { cursor appeal { id status newPredikat } } }";
    let mut appellant = subscribe(&app, personas::PERAWAT, q, json!({ "a": appeal })).await;
    let mut stranger = subscribe(&app, personas::GURU, q, json!({ "a": appeal })).await;
    assert_refused(&mut stranger, "stranger").await;
    await_subscribers(&app, 2).await;
    data(
        app.query(
            decider,
            "mutation ($a: ID!) { decideAppeal(input: { appealId: $a, decision: REVISED, note: \"Terverifikasi\",
               workResultRating: SESUAI_EKSPEKTASI, behaviourRating: SESUAI_EKSPEKTASI }) { id } }",
            json!({ "a": appeal }),
        )
        .await,
    );
    let event = next_event(&mut appellant, personas::PERAWAT, "appealDecided").await;
    assert_eq!(event["appeal"]["id"], appeal.as_str());
    assert_eq!(event["appeal"]["status"], "REVISED");
    assert_eq!(event["appeal"]["newPredikat"], "BAIK");
}

#[tokio::test]
async fn metrics_count_live_subscriptions() {
    let app = TestApp::new().await;
    assert_eq!(live_subscribers(&app).await, 0);
    let socket = subscribe(&app, personas::PERAWAT, PUBLISHED, json!({})).await;
    await_subscribers(&app, 1).await;
    drop(socket);
    // A closed socket's subscription is gone.
    await_subscribers(&app, 0).await;
}
