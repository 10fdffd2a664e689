//! The fuzz property: whatever document or body a client sends, the server answers with a
//! coded error or data — never a panic, never a 5xx, never an uncoded error — and `/healthz`
//! keeps answering within 100 ms throughout.
//!
//! Most documents are walks over the schema ([`super::grammar`]), so they validate and reach
//! resolvers with hostile values; others are free-form, from the schema's names mixed with
//! unknown ones, hostile values, aliases, fragments (cycles included), directives and
//! variables, some mangled byte by byte. Bodies are also arbitrary JSON and arbitrary bytes.
//! `KINERJA_FUZZ_CASES` sets the number of cases (default 200) and `KINERJA_FUZZ_SEED` the
//! seed (a fixed one by default, so a run is repeatable; set another to explore further).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use crate::support::{TestApp, personas};

/// Every code the API may answer with.
const CODES: &[&str] = &[
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "INVALID_NIP",
    "CONFLICT",
    "INVALID_STATE",
    "DEADLINE_PASSED",
    "QUERY_TOO_COMPLEX",
    "PERSISTED_QUERY_NOT_FOUND",
];

/// Field and argument names of the schema, read from the committed SDL.
fn schema_names() -> Vec<String> {
    let sdl = include_str!("../../../schema.graphql");
    let mut names: Vec<String> = sdl
        .lines()
        .filter_map(|line| {
            let trimmed = line.trim_start_matches('\t');
            let indent = line.len() - trimmed.len();
            (indent == 1 || indent == 2).then_some(trimmed)
        })
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let after = rest[name.len()..].chars().next();
            (!name.is_empty() && matches!(after, Some('(' | ':'))).then_some(name)
        })
        .collect();
    names.extend(
        [
            "__schema",
            "__type",
            "__typename",
            "types",
            "fields",
            "ofType",
            "kind",
        ]
        .map(str::to_owned),
    );
    names.sort();
    names.dedup();
    names
}

fn name(known: Arc<Vec<String>>) -> BoxedStrategy<String> {
    let count = known.len();
    prop_oneof![
        8 => (0..count).prop_map(move |i| known[i].clone()),
        1 => "[a-zA-Z_][a-zA-Z0-9_]{0,12}",
    ]
    .boxed()
}

/// A GraphQL string literal's body: plain text, escapes, NUL bytes, long runs, unicode.
fn string_literal() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z0-9 :+/=_-]{0,24}",
        Just("\\u0000".to_owned()),
        Just("v1:9223372036854775807".to_owned()),
        Just("v1:-1".to_owned()),
        Just("Evaluation:01".to_owned()),
        Just("RXZhbHVhdGlvbjowMQ".to_owned()),
        Just("199207242019032004".to_owned()),
        Just("x".repeat(5000)),
        "\\PC{0,16}".prop_map(|s| s.replace(['\\', '"'], "")),
    ]
    .boxed()
}

fn value(known: Arc<Vec<String>>) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(1),
            Just(100),
            Just(101),
            Just(i64::from(i32::MAX) + 1)
        ]
        .prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        string_literal().prop_map(|s| format!("\"{s}\"")),
        Just("true".to_owned()),
        Just("null".to_owned()),
        prop_oneof![
            Just("QUARTERLY"),
            Just("ANNUAL"),
            Just("BAIK"),
            Just("NOPE")
        ]
        .prop_map(str::to_owned),
        Just("$v".to_owned()),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        let known = known.clone();
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec((name(known), inner), 0..4).prop_map(|fields| {
                let fields: Vec<String> = fields
                    .into_iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }),
        ]
    })
    .boxed()
}

/// A selection set of fields with arguments, aliases, directives, inline fragments and
/// spreads of `F0`…`F3`.
fn selection_set(known: Arc<Vec<String>>) -> BoxedStrategy<String> {
    let field = (
        prop::option::weighted(0.2, "[a-z]{1,6}"),
        name(known.clone()),
        prop::collection::vec((name(known.clone()), value(known.clone())), 0..3),
        prop::option::weighted(
            0.15,
            prop_oneof![
                Just("@include(if: true)"),
                Just("@skip(if: $v)"),
                Just("@nope"),
                Just("@include(if: \"x\")"),
            ],
        ),
    )
        .prop_map(|(alias, name, args, directive)| {
            let alias = alias.map(|a| format!("{a}: ")).unwrap_or_default();
            let args = if args.is_empty() {
                String::new()
            } else {
                let args: Vec<String> =
                    args.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("({})", args.join(", "))
            };
            format!("{alias}{name}{args} {}", directive.unwrap_or(""))
        });
    let leaf =
        prop::collection::vec(field.clone(), 1..4).prop_map(|f| format!("{{ {} }}", f.join(" ")));
    leaf.prop_recursive(6, 64, 5, move |inner| {
        let known = known.clone();
        let item = prop_oneof![
            4 => (field.clone(), inner.clone()).prop_map(|(f, set)| format!("{f} {set}")),
            2 => field.clone(),
            1 => (0..4u8).prop_map(|n| format!("...F{n}")),
            1 => (name(known), inner.clone()).prop_map(|(ty, set)| format!("... on {ty} {set}")),
        ];
        prop::collection::vec(item, 1..5).prop_map(|items| format!("{{ {} }}", items.join(" ")))
    })
    .boxed()
}

/// A whole document: one or more operations and some fragment definitions.
fn document() -> BoxedStrategy<String> {
    let known = Arc::new(schema_names());
    let operation = (
        prop_oneof![
            Just(""),
            Just("query "),
            Just("query Q($v: Boolean, $after: String) "),
            Just("mutation "),
            Just("subscription "),
        ],
        selection_set(known.clone()),
    )
        .prop_map(|(head, set)| format!("{head}{set}"));
    let fragment = (0..4u8, name(known.clone()), selection_set(known))
        .prop_map(|(n, ty, set)| format!("fragment F{n} on {ty} {set}"));
    let whole = (
        prop::collection::vec(operation, 1..3),
        prop::collection::vec(fragment, 0..4),
    )
        .prop_map(|(operations, fragments)| {
            format!("{} {}", operations.join(" "), fragments.join(" "))
        });
    // Some documents are mangled: a byte range cut out, or junk spliced in.
    (
        whole,
        prop::option::weighted(0.3, (any::<prop::sample::Index>(), 0..8usize, "\\PC{0,4}")),
    )
        .prop_map(|(text, mangle)| match mangle {
            None => text,
            Some((at, cut, junk)) => {
                let mut chars: Vec<char> = text.chars().collect();
                let at = at.index(chars.len().max(1));
                let end = (at + cut).min(chars.len());
                chars.splice(at..end, junk.chars());
                chars.into_iter().collect()
            }
        })
        .boxed()
}

fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        Just(Value::from("\u{0}")),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z]{0,8}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
    .boxed()
}

/// What one case sends.
#[derive(Debug, Clone)]
enum Body {
    /// A GraphQL request with this document, variables and operation name.
    Request {
        query: String,
        variables: Value,
        operation: Option<String>,
    },
    /// Any JSON as the body.
    Json(Value),
    /// Any bytes as the body.
    Bytes(Vec<u8>),
}

/// Variables for the walk's `$v`, `$after`, `$first` and `$id`, or anything else.
fn variables() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => (any::<bool>(), prop::option::of("[a-zA-Z0-9:=]{0,12}"), -2..40i32, "\\PC{0,8}")
            .prop_map(|(v, after, first, id)| json!({ "v": v, "after": after, "first": first, "id": id })),
        1 => json_value(),
    ]
    .boxed()
}

fn body() -> BoxedStrategy<Body> {
    let grammar = Arc::new(super::grammar::Grammar::of_schema());
    prop_oneof![
        6 => (prop::collection::vec(any::<u32>(), 16..256), variables())
            .prop_map(move |(entropy, variables)| Body::Request {
                query: grammar.document(&entropy),
                variables,
                operation: None,
            }),
        2 => (document(), json_value(), prop::option::of("[A-Z][a-z]{0,3}"))
            .prop_map(|(query, variables, operation)| Body::Request { query, variables, operation }),
        1 => json_value().prop_map(Body::Json),
        1 => (json_value(), json_value(), json_value()).prop_map(|(query, variables, extensions)| {
            Body::Json(json!({ "query": query, "variables": variables, "extensions": extensions }))
        }),
        1 => prop::collection::vec(any::<u8>(), 0..256).prop_map(Body::Bytes),
    ]
    .boxed()
}

/// Who sends it.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Anonymous,
    Signed,
    Garbage,
}

/// `GET /healthz` over a fresh connection; the time it took, or `None` if it failed.
fn health(addr: SocketAddr) -> Option<Duration> {
    let started = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer
        .starts_with("HTTP/1.1 200")
        .then(|| started.elapsed())
}

/// How fast `/healthz` must answer throughout the fuzz run.
const HEALTH_BOUND: Duration = Duration::from_millis(100);

/// Polls `/healthz` every 20 ms until stopped; remembers the slowest answer (a failed one
/// counts as `u64::MAX` microseconds).
struct HealthWatch {
    stop: Arc<AtomicBool>,
    slowest_us: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<u64>>,
}

impl HealthWatch {
    fn start(addr: SocketAddr) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let slowest_us = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, slowest_us) = (stop.clone(), slowest_us.clone());
            std::thread::spawn(move || {
                let mut polls = 0;
                while !stop.load(Ordering::SeqCst) {
                    let poll = || health(addr).map_or(u64::MAX, |d| d.as_micros() as u64);
                    // A slow answer is asked again at once: a server held up by a request stays
                    // slow for the second ask too, while the scheduler of a busy machine
                    // (the poller shares two cores with the whole suite) rarely delays both.
                    let mut took = poll();
                    if took >= HEALTH_BOUND.as_micros() as u64 {
                        took = took.min(poll());
                    }
                    slowest_us.fetch_max(took, Ordering::SeqCst);
                    polls += 1;
                    std::thread::sleep(Duration::from_millis(20));
                }
                polls
            })
        };
        Self {
            stop,
            slowest_us,
            thread: Some(thread),
        }
    }

    /// Stops polling; returns the number of polls and the slowest answer.
    fn finish(mut self) -> (u64, Duration) {
        self.stop.store(true, Ordering::SeqCst);
        let polls = self.thread.take().and_then(|t| t.join().ok()).unwrap_or(0);
        (
            polls,
            Duration::from_micros(self.slowest_us.load(Ordering::SeqCst)),
        )
    }
}

/// Sends one case and checks the answer: no 5xx, JSON, every error coded.
async fn check(
    client: &reqwest::Client,
    app: &TestApp,
    token: &str,
    caller: Caller,
    over_get: bool,
    body: &Body,
) -> Result<(), TestCaseError> {
    let mut request =
        match (over_get, body) {
            // Long documents go by POST: a URL has practical limits of its own.
            (
                true,
                Body::Request {
                    query,
                    variables,
                    operation,
                },
            ) if query.len() < 4096 => {
                let mut params = vec![
                    ("query", query.clone()),
                    ("variables", variables.to_string()),
                ];
                if let Some(operation) = operation {
                    params.push(("operationName", operation.clone()));
                }
                client.get(app.http("/graphql")).query(&params)
            }
            (_, body) => {
                let bytes = match body {
                Body::Request { query, variables, operation } => {
                    json!({ "query": query, "variables": variables, "operationName": operation })
                        .to_string()
                        .into_bytes()
                }
                Body::Json(value) => value.to_string().into_bytes(),
                Body::Bytes(bytes) => bytes.clone(),
            };
                client
                    .post(app.http("/graphql"))
                    .header("content-type", "application/json")
                    .body(bytes)
            }
        };
    request = match caller {
        Caller::Anonymous => request,
        Caller::Signed => request.bearer_auth(token),
        Caller::Garbage => request.header("authorization", "Bearer eyJhbGciOiJub25lIn0.e30."),
    };
    let response = request
        .send()
        .await
        .map_err(|err| TestCaseError::fail(format!("no answer: {err}")))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    prop_assert!(!status.is_server_error(), "{status}: {text}");
    if std::env::var("FUZZ_DEBUG").is_ok() {
        eprintln!(
            "CASE {body:?}\nANSWER {status} {}",
            text.chars().take(300).collect::<String>()
        );
    }
    let answer: Value = serde_json::from_str(&text)
        .map_err(|_| TestCaseError::fail(format!("{status}: not JSON: {text}")))?;
    for error in answer["errors"].as_array().into_iter().flatten() {
        let code = error["extensions"]["code"].as_str().unwrap_or("<none>");
        prop_assert!(
            CODES.contains(&code),
            "{status}: uncoded or unknown error: {error}"
        );
    }
    prop_assert!(
        answer.get("data").is_some() || answer.get("errors").is_some(),
        "{status}: neither data nor errors: {answer}"
    );
    Ok(())
}

fn cases() -> u32 {
    std::env::var("KINERJA_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

#[test]
fn any_document_or_body_gets_a_coded_answer_and_health_stays_fast() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(TestApp::new());
    let token = app.token(personas::KEPALA_PUSKESMAS);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let watch = HealthWatch::start(app.addr);
    let seed: u64 = std::env::var("KINERJA_FUZZ_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(20_261_202);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (
        body(),
        prop_oneof![
            1 => Just(Caller::Anonymous),
            4 => Just(Caller::Signed),
            1 => Just(Caller::Garbage),
        ],
        any::<bool>(),
    );
    let result = runner.run(&strategy, |(body, caller, over_get)| {
        runtime.block_on(check(&client, &app, &token, caller, over_get, &body))
    });
    let (polls, slowest) = watch.finish();
    if let Err(failure) = result {
        panic!("KINERJA_FUZZ_SEED={seed}: {failure}");
    }
    assert!(polls > 0, "the health watch never polled");
    assert!(
        slowest < HEALTH_BOUND,
        "/healthz took {slowest:?} at its slowest over {polls} polls"
    );
}
