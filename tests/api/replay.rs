//! Replay with `after`: thousands of waiting events delivered in order exactly once, events
//! written during a replay, cursors past the newest event, not issued by the server and older
//! than the retention, the statements of a replay, late commits at the seam and the cursor of
//! one, an event whose id was taken before the hub started, and a subscriber that falls behind
//! ending with a cursor to resume from — also one that missed a late commit.
//!
//! An item says which event it is only through its cursor: each must be the cursor before it
//! plus one event ([`handed_out`]), which also proves every cursor exact.
//!
//! Waiting events are outbox rows inserted by SQL for the perawat's published evaluation of
//! the demo data (the format the outbox trigger and `kinerja::events` define), so thousands
//! cost one statement.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Request, Variables};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use futures_util::{FutureExt, StreamExt};
use kinerja::auth::load_viewer;
use kinerja::db::Db;
use kinerja::db::schema::{asn, evaluations, events};
use kinerja::events::hub::{Hub, SUBSCRIBER_BUFFER};
use kinerja::events::position::Position;
use kinerja::live::cursor;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{TestApp, personas, test_now};
use crate::websocket::{Socket, connect, next_json, send};

const PUBLISHED: &str = "subscription ($after: String) {
  evaluationPublished(after: $after) { cursor evaluation { id } } }";

/// A socket authenticated as `nip`, subscribed to `query` with id "s".
async fn subscribe(app: &TestApp, nip: &str, query: &str, variables: Value) -> Socket {
    let mut socket = connect(app).await;
    let token = app.token(nip);
    send(
        &mut socket,
        json!({ "type": "connection_init",
        "payload": { "authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe",
        "payload": { "query": query, "variables": variables } }),
    )
    .await;
    socket
}

/// The next text message within `wait`; a close, the end of the stream or silence fails.
async fn next_message(socket: &mut Socket, wait: Duration) -> Value {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => panic!("no message within {wait:?}"),
            Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).unwrap(),
            Ok(Some(Ok(Message::Close(frame)))) => panic!("the socket closed: {frame:?}"),
            Ok(Some(Ok(_))) => continue,
            Ok(other) => panic!("the stream ended: {other:?}"),
        }
    }
}

/// Proves nothing else is pending for `socket`: one more event is written, and it must be the
/// next message (a duplicate, a stray error or a closed socket fail here, where waiting for
/// silence would not).
async fn nothing_more(app: &TestApp, evaluation: i64, socket: &mut Socket, at: &mut Position) {
    let probe = insert_events(app, evaluation, 1, test_now()).await;
    assert_eq!(
        delivered_ids(socket, at, 1).await,
        probe,
        "the probe comes next"
    );
}

async fn wait_until_listening(app: &TestApp) {
    for _ in 0..100 {
        if reqwest::get(app.http("/readyz"))
            .await
            .unwrap()
            .status()
            .is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the event listener never came up");
}

/// The row id of the perawat's published evaluation in the demo data.
async fn perawat_evaluation(app: &TestApp) -> i64 {
    evaluations::table
        .inner_join(asn::table.on(asn::id.eq(evaluations::asn_id)))
        .filter(asn::nip.eq(personas::PERAWAT))
        .filter(evaluations::status.eq("PUBLISHED"))
        .select(evaluations::id)
        .first(&mut app.conn().await)
        .await
        .unwrap()
}

/// The newest event id in the outbox.
async fn newest(app: &TestApp) -> i64 {
    events::table
        .select(diesel::dsl::max(events::id))
        .first::<Option<i64>>(&mut app.conn().await)
        .await
        .unwrap()
        .unwrap_or(0)
}

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Inserts `count` EVALUATION_PUBLISHED events about `evaluation` created at `at`, in one
/// transaction; returns their ids in order.
async fn insert_events(
    app: &TestApp,
    evaluation: i64,
    count: i32,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<i64> {
    let mut rows: Vec<Inserted> = diesel::sql_query(
        "INSERT INTO events (kind, entity_id, payload, created_at) \
         SELECT $1, $2, '{}', $3 FROM generate_series(1, $4) RETURNING id",
    )
    .bind::<Text, _>("EVALUATION_PUBLISHED")
    .bind::<BigInt, _>(evaluation)
    .bind::<Timestamptz, _>(at)
    .bind::<Integer, _>(count)
    .load(&mut app.conn().await)
    .await
    .unwrap();
    rows.sort_by_key(|r| r.id);
    rows.into_iter().map(|r| r.id).collect()
}

/// The cursor of every event up to `id`: the `ev1:` form, as clients may still hold it.
fn cursor_after(id: i64) -> String {
    cursor::encode(&Position::after(id))
}

/// The event an item's `cursor` hands out, given the subscriber's position `at` before it;
/// `at` becomes the cursor's position. Every cursor must be exactly the one before it plus
/// its own event, which is how the event is known: the cursor is all an item says of it.
fn handed_out(at: &mut Position, cursor: &str) -> i64 {
    let next = cursor::decode(cursor).unwrap();
    let kept = next.base() >= at.base()
        && (at.base() + 1..=at.newest()).all(|id| !at.contains(id) || next.contains(id));
    assert!(
        kept,
        "a cursor keeps what came before it: {at:?}, then {next:?}"
    );
    let added: Vec<i64> = (at.base() + 1..=next.newest())
        .filter(|id| next.contains(*id) && !at.contains(*id))
        .collect();
    assert_eq!(added.len(), 1, "one event more: {at:?}, then {next:?}");
    *at = next;
    added[0]
}

/// The event ids of the next `count` deliveries on the socket, for a subscriber at `at`;
/// panics on anything else.
async fn delivered_ids(socket: &mut Socket, at: &mut Position, count: usize) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count);
    while ids.len() < count {
        let message = next_message(socket, Duration::from_secs(20)).await;
        assert_eq!(message["type"], "next", "{message}");
        let event = &message["payload"]["data"]["evaluationPublished"];
        assert!(event["evaluation"]["id"].is_string(), "{message}");
        ids.push(handed_out(at, event["cursor"].as_str().unwrap()));
    }
    ids
}

/// The first error of a `next` message.
fn error(message: &Value) -> &Value {
    assert_eq!(message["type"], "next", "{message}");
    &message["payload"]["errors"][0]
}

#[tokio::test]
async fn thousands_of_waiting_events_are_replayed_in_order_exactly_once() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let evaluation = perawat_evaluation(&app).await;
    let before = newest(&app).await;
    let waiting = insert_events(&app, evaluation, 2500, test_now()).await;
    assert_eq!(waiting.len(), 2500);

    let mut socket = subscribe(
        &app,
        personas::PERAWAT,
        PUBLISHED,
        json!({ "after": cursor_after(before) }),
    )
    .await;
    let at = &mut Position::after(before);
    assert_eq!(delivered_ids(&mut socket, at, 2500).await, waiting);
    // The hub broadcast the same events while the replay ran: none comes a second time, so
    // the live events written now are the very next messages, once each.
    let live = insert_events(&app, evaluation, 3, test_now()).await;
    assert_eq!(delivered_ids(&mut socket, at, 3).await, live);
    nothing_more(&app, evaluation, &mut socket, at).await;
}

#[tokio::test]
async fn events_written_during_a_replay_follow_it_once_in_order() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let evaluation = perawat_evaluation(&app).await;
    let before = newest(&app).await;
    let mut expected = insert_events(&app, evaluation, 2500, test_now()).await;

    let mut socket = subscribe(
        &app,
        personas::PERAWAT,
        PUBLISHED,
        json!({ "after": cursor_after(before) }),
    )
    .await;
    let at = &mut Position::after(before);
    // Written while the replay is under way (the socket is not read meanwhile), in separate
    // transactions: some land in a replay page, some at the seam, some live.
    for _ in 0..10 {
        expected.extend(insert_events(&app, evaluation, 20, test_now()).await);
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let delivered = delivered_ids(&mut socket, at, expected.len()).await;
    assert_eq!(delivered.len(), 2700);
    assert_eq!(delivered, expected, "every event once, in id order");
    nothing_more(&app, evaluation, &mut socket, at).await;
}

#[tokio::test]
async fn a_cursor_at_the_newest_event_goes_live_and_one_past_it_is_refused() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let evaluation = perawat_evaluation(&app).await;
    let newest = newest(&app).await;

    let mut future = subscribe(
        &app,
        personas::PERAWAT,
        PUBLISHED,
        json!({ "after": cursor_after(newest + 1000) }),
    )
    .await;
    let refused = next_message(&mut future, Duration::from_secs(5)).await;
    let refused = error(&refused);
    assert_eq!(refused["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    assert_eq!(refused["extensions"]["reason"], "CURSOR_UNKNOWN");

    let mut current = subscribe(
        &app,
        personas::PERAWAT,
        PUBLISHED,
        json!({ "after": cursor_after(newest) }),
    )
    .await;
    // Nothing is replayed: the live events written now are the first messages.
    let at = &mut Position::after(newest);
    let live = insert_events(&app, evaluation, 2, test_now()).await;
    assert_eq!(delivered_ids(&mut current, at, 2).await, live);
    nothing_more(&app, evaluation, &mut current, at).await;
}

#[tokio::test]
async fn a_cursor_the_server_did_not_issue_is_refused() {
    let app = TestApp::new().await;
    let mut issued = Position::after(100);
    issued.insert(102);
    let issued = cursor::encode(&issued);
    assert!(cursor::decode(&issued).is_ok());
    let forged = [
        // Cut short, and with a byte more: neither is a cursor the server issues.
        issued[..issued.len() - 2].to_owned(),
        URL_SAFE_NO_PAD.encode([URL_SAFE_NO_PAD.decode(&issued).unwrap(), vec![0]].concat()),
        URL_SAFE_NO_PAD.encode("ev1:12abc"),
        "A".repeat(cursor::MAX_LEN + 1),
    ];
    for after in forged {
        let mut socket = subscribe(
            &app,
            personas::PERAWAT,
            PUBLISHED,
            json!({ "after": after }),
        )
        .await;
        let message = next_message(&mut socket, Duration::from_secs(5)).await;
        let refused = error(&message);
        assert_eq!(
            refused["extensions"]["code"], "BAD_USER_INPUT",
            "{after}: {refused}"
        );
    }
}

#[tokio::test]
async fn a_cursor_older_than_the_retention_is_refused_not_skipped() {
    let app = TestApp::new().await;
    wait_until_listening(&app).await;
    let evaluation = perawat_evaluation(&app).await;
    let old = insert_events(&app, evaluation, 10, test_now()).await;
    let kept = insert_events(&app, evaluation, 10, test_now()).await;
    // Everything up to `old` is 40 days old: the outbox keeps 30.
    diesel::update(events::table.filter(events::id.le(old[9])))
        .set(events::created_at.eq(test_now() - chrono::Duration::days(40)))
        .execute(&mut app.conn().await)
        .await
        .unwrap();
    let db = Db::new(app.pool.clone());
    let pruned = kinerja::live::replay::prune(&db, app.clock_now(), 30)
        .await
        .unwrap();
    assert!(pruned >= 10, "{pruned}");

    // Events after this cursor were pruned: the subscription says so instead of skipping.
    let mut behind = subscribe(
        &app,
        personas::PERAWAT,
        PUBLISHED,
        json!({ "after": cursor_after(old[4]) }),
    )
    .await;
    let message = next_message(&mut behind, Duration::from_secs(5)).await;
    let refused = error(&message);
    assert_eq!(refused["extensions"]["code"], "NOT_FOUND", "{refused}");
    assert_eq!(refused["extensions"]["reason"], "CURSOR_EXPIRED");
    assert!(message["payload"]["data"].is_null(), "{message}");

    // The cursor's own event was pruned but nothing after it: what remains is delivered.
    let mut edge = subscribe(
        &app,
        personas::PERAWAT,
        PUBLISHED,
        json!({ "after": cursor_after(old[9]) }),
    )
    .await;
    let at = &mut Position::after(old[9]);
    assert_eq!(delivered_ids(&mut edge, at, 10).await, kept);
    nothing_more(&app, evaluation, &mut edge, at).await;
}

/// Runs `query` as a subscription in-process as the perawat on `schema`; returns the stream
/// and the database handle whose statements it counts.
async fn stream_of(
    app: &TestApp,
    schema: &kinerja::graphql::KinerjaSchema,
    variables: Value,
) -> (
    futures_util::stream::BoxStream<'static, async_graphql::Response>,
    Db,
) {
    let viewer = {
        let mut conn = Db::new(app.pool.clone()).conn().await.unwrap();
        load_viewer(&mut conn, personas::PERAWAT).await.unwrap()
    };
    let db = Db::new(app.pool.clone());
    let request = Request::new(PUBLISHED).variables(Variables::from_json(variables));
    let stream = schema
        .execute_stream(kinerja::graphql::prepare(request, db.clone(), Some(viewer)))
        .boxed();
    (stream, db)
}

/// The cursor of a streamed response.
fn streamed_cursor(response: &async_graphql::Response) -> String {
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.clone().into_json().unwrap();
    data["evaluationPublished"]["cursor"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The event id of a streamed response, for a subscriber at `at` (see [`handed_out`]).
fn streamed_id(response: &async_graphql::Response, at: &mut Position) -> i64 {
    handed_out(at, &streamed_cursor(response))
}

/// The event ids of the next `count` responses of `stream`, for a subscriber at `at`.
async fn streamed_ids(
    stream: &mut futures_util::stream::BoxStream<'static, async_graphql::Response>,
    at: &mut Position,
    count: usize,
) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count);
    while ids.len() < count {
        ids.push(streamed_id(&next_response(stream).await, at));
    }
    ids
}

#[tokio::test]
async fn a_replay_costs_three_statements_a_page_whatever_its_size() {
    let app = TestApp::new().await;
    let evaluation = perawat_evaluation(&app).await;
    let before = newest(&app).await;
    let waiting = insert_events(&app, evaluation, 1200, test_now()).await;
    let (mut stream, db) =
        stream_of(&app, &app.schema, json!({ "after": cursor_after(before) })).await;
    let at = &mut Position::after(before);
    assert_eq!(streamed_ids(&mut stream, at, 1200).await, waiting);
    // Then the stream waits for live events.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), stream.next())
            .await
            .is_err()
    );
    // Pages of 500, 500 and 200 events: each one statement for the events with the outbox's
    // bounds, one for the evaluations and one for their ASN; then the seam pass, which finds
    // nothing new.
    assert_eq!(db.statements(), 3 * 3 + 1);
}

#[tokio::test]
async fn the_seam_skips_what_the_replay_read_and_keeps_late_commits() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::new().await;
    let evaluation = perawat_evaluation(&app).await;
    let before = newest(&app).await;
    // Only the cursor's event and this test's in the outbox, so the hub below broadcasts few.
    diesel::delete(events::table.filter(events::id.lt(before)))
        .execute(&mut app.conn().await)
        .await
        .unwrap();
    // A hub that broadcasts only when told to.
    let hub = Hub::new();
    let schema = schema_with(&app, hub.clone());

    // A writer takes an id and commits only later; the events after it commit at once.
    let mut slow = app.conn().await;
    slow.batch_execute(&format!(
        "BEGIN; INSERT INTO events (kind, entity_id, created_at) \
         VALUES ('EVALUATION_PUBLISHED', {evaluation}, now())"
    ))
    .await
    .unwrap();
    let waiting = insert_events(&app, evaluation, 100, test_now()).await;
    let (mut stream, _) = stream_of(&app, &schema, json!({ "after": cursor_after(before) })).await;
    let at = &mut Position::after(before);
    assert_eq!(streamed_ids(&mut stream, at, 100).await, waiting);
    // The replay ends (its seam pass finds nothing new) and waits for live events.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), stream.next())
            .await
            .is_err()
    );

    // The hub now broadcasts the replayed events, the late commit and a new event.
    slow.batch_execute("COMMIT").await.unwrap();
    let late = waiting[0] - 1;
    let new = insert_events(&app, evaluation, 1, test_now()).await;
    hub.catch_up(&app.pool).await;
    let late_item = next_response(&mut stream).await;
    assert_eq!(streamed_id(&late_item, at), late);
    assert_eq!(streamed_ids(&mut stream, at, 1).await, new);

    // The late event's cursor holds every event delivered before it, whatever their ids:
    // resuming from it replays only the new one (one page, and its evaluation and ASN).
    let from_late = &mut cursor::decode(&streamed_cursor(&late_item)).unwrap();
    let (mut resumed, db) = stream_of(
        &app,
        &schema,
        json!({ "after": streamed_cursor(&late_item) }),
    )
    .await;
    assert_eq!(streamed_ids(&mut resumed, from_late, 1).await, new);
    assert_eq!(db.statements(), 3);
    // Nothing replayed comes again on either: the next event is the probe.
    let probe = insert_events(&app, evaluation, 1, test_now()).await;
    hub.catch_up(&app.pool).await;
    assert_eq!(streamed_ids(&mut stream, at, 1).await, probe);
    assert_eq!(streamed_ids(&mut resumed, from_late, 1).await, probe);
}

/// A schema for in-process subscriptions fed by `hub`.
fn schema_with(app: &TestApp, hub: Arc<Hub>) -> kinerja::graphql::KinerjaSchema {
    let time = kinerja::clock::Time::new(Arc::new(app.clock.clone()), kinerja::clock::wib());
    kinerja::graphql::build_schema(kinerja::config::Settings::default(), time, hub)
}

/// Polls a live `stream` until it holds a receiver of `hub`; nothing may arrive meanwhile.
async fn until_subscribed(
    hub: &Hub,
    stream: &mut futures_util::stream::BoxStream<'static, async_graphql::Response>,
) {
    let before = hub.subscribers();
    for _ in 0..500 {
        if let Some(response) = stream.next().now_or_never() {
            panic!("a response before any event: {response:?}");
        }
        if hub.subscribers() > before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the subscription never subscribed to the hub");
}

/// The next response of `stream`; its end or 20 s of silence fail.
async fn next_response(
    stream: &mut futures_util::stream::BoxStream<'static, async_graphql::Response>,
) -> async_graphql::Response {
    tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("a response within 20 s")
        .expect("the stream goes on")
}

#[tokio::test]
async fn a_hub_delivers_an_event_that_took_its_id_before_the_hub_started() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::new().await;
    let evaluation = perawat_evaluation(&app).await;
    // A writer takes an id, and an event after it commits, before the hub starts.
    let mut slow = app.conn().await;
    slow.batch_execute(&format!(
        "BEGIN; INSERT INTO events (kind, entity_id, created_at) \
         VALUES ('EVALUATION_PUBLISHED', {evaluation}, now())"
    ))
    .await
    .unwrap();
    let committed = insert_events(&app, evaluation, 1, test_now()).await;
    let late = committed[0] - 1;
    let hub = Hub::new();
    hub.start(app.url.clone(), app.pool.clone()).await.unwrap();
    let schema = schema_with(&app, hub.clone());
    // Nothing is written until it has subscribed: it starts where the hub stands.
    let at = &mut hub.position();
    assert!(!at.contains(late) && at.contains(committed[0]));
    let (mut stream, _) = stream_of(&app, &schema, json!({})).await;
    until_subscribed(&hub, &mut stream).await;

    // It commits now: its event is new to the subscriber, and comes once, before the next.
    slow.batch_execute("COMMIT").await.unwrap();
    hub.catch_up(&app.pool).await;
    assert_eq!(streamed_ids(&mut stream, at, 1).await, [late]);
    let probe = insert_events(&app, evaluation, 1, test_now()).await;
    hub.catch_up(&app.pool).await;
    assert_eq!(streamed_ids(&mut stream, at, 1).await, probe);
}

/// The extensions of the error a stream ends with; it must end right after.
async fn ended_with(
    stream: &mut futures_util::stream::BoxStream<'static, async_graphql::Response>,
) -> Value {
    let ended = next_response(stream).await;
    assert_eq!(ended.data, async_graphql::Value::Null);
    let error = ended.errors[0].extensions.clone().unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap()
            .is_none(),
        "the subscription ended"
    );
    serde_json::to_value(&error).unwrap()
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_ends_with_a_cursor_to_resume_from() {
    let app = TestApp::new().await;
    let evaluation = perawat_evaluation(&app).await;
    // A hub of its own, listening to this test's database, for a schema run in-process.
    let hub = Hub::new();
    hub.start(app.url.clone(), app.pool.clone()).await.unwrap();
    for _ in 0..100 {
        if hub.is_listening() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let schema = schema_with(&app, hub.clone());
    let (mut stream, _) = stream_of(&app, &schema, json!({})).await;
    // Nothing is written until it has subscribed: it starts where the hub stands.
    let position = hub.position();
    until_subscribed(&hub, &mut stream).await;

    // More events than a subscriber's buffer holds, broadcast while it is not read.
    let written = insert_events(&app, evaluation, 300, test_now()).await;
    for _ in 0..200 {
        if hub.position().contains(written[299]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(hub.position().contains(written[299]));
    let error = ended_with(&mut stream).await;
    assert_eq!(error["code"], "CONFLICT", "{error}");
    assert_eq!(error["reason"], "SUBSCRIBER_LAGGED");
    assert_eq!(error["resumeAfter"], cursor::encode(&position));

    // Resuming where it says loses nothing and repeats nothing.
    let (mut resumed, _) = stream_of(&app, &schema, json!({ "after": error["resumeAfter"] })).await;
    let mut at = position;
    let at = &mut at;
    assert_eq!(streamed_ids(&mut resumed, at, 300).await, written);
}

#[tokio::test]
async fn a_lagging_subscriber_resumes_with_a_late_commit_it_missed_once_and_in_order() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::new().await;
    let evaluation = perawat_evaluation(&app).await;
    // A hub that broadcasts only when told to, and has broadcast what the outbox holds.
    let hub = Hub::new();
    hub.catch_up(&app.pool).await;
    let schema = schema_with(&app, hub.clone());
    let at = &mut hub.position();
    let (mut stream, _) = stream_of(&app, &schema, json!({})).await;
    until_subscribed(&hub, &mut stream).await;

    // A writer takes an id and commits only later; the event after it is delivered at once.
    let mut slow = app.conn().await;
    slow.batch_execute(&format!(
        "BEGIN; INSERT INTO events (kind, entity_id, created_at) \
         VALUES ('EVALUATION_PUBLISHED', {evaluation}, now())"
    ))
    .await
    .unwrap();
    let high = insert_events(&app, evaluation, 1, test_now()).await;
    let late = high[0] - 1;
    hub.catch_up(&app.pool).await;
    assert_eq!(streamed_ids(&mut stream, at, 1).await, high);

    // The late commit, then more events than the subscriber's buffer holds, are broadcast
    // while it is not read: it misses the late event with the oldest of the others.
    slow.batch_execute("COMMIT").await.unwrap();
    let more = insert_events(&app, evaluation, SUBSCRIBER_BUFFER as i32 + 44, test_now()).await;
    hub.catch_up(&app.pool).await;
    let error = ended_with(&mut stream).await;
    assert_eq!(error["code"], "CONFLICT", "{error}");
    assert_eq!(error["reason"], "SUBSCRIBER_LAGGED");
    // Where it stands: everything it had before, and the event above the late one.
    let resume = error["resumeAfter"].as_str().unwrap();
    assert_eq!(cursor::decode(resume).unwrap(), *at);
    assert!(!at.contains(late));

    // Resuming delivers the late event and everything else missed, in id order, once each
    // — not the event it had — in one page, with its evaluations and their ASN.
    let (mut resumed, db) = stream_of(&app, &schema, json!({ "after": resume })).await;
    let mut missed = vec![late];
    missed.extend(&more);
    assert_eq!(streamed_ids(&mut resumed, at, missed.len()).await, missed);
    assert_eq!(db.statements(), 3);
    // And nothing more: the next event is the probe.
    let probe = insert_events(&app, evaluation, 1, test_now()).await;
    hub.catch_up(&app.pool).await;
    assert_eq!(streamed_ids(&mut resumed, at, 1).await, probe);
}
