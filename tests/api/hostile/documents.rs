//! Hostile GraphQL documents: fragment and alias bombs, wide and deep documents, many
//! operations, variables and directives, amplifying introspection, bad cursors and IDs, NUL
//! characters and bodies that are not UTF-8. Each attack has the code it must get; those
//! refused before execution issue no SQL statement beyond the viewer lookup.

use async_graphql::connection::CursorType;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kinerja::graphql::pagination::OffsetCursor;
use kinerja::ids::{AsnId, EvaluationId};
use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};

/// Who sends an attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Token,
}

/// One row of the table.
struct Attack {
    name: &'static str,
    caller: Caller,
    query: String,
    variables: Value,
    code: &'static str,
    /// `extensions.measure` of a `QUERY_TOO_COMPLEX`.
    measure: Option<&'static str>,
    /// Refused before anything runs: no data, no statement beyond the viewer lookup.
    refused_before_execution: bool,
}

fn refused(
    name: &'static str,
    caller: Caller,
    query: impl Into<String>,
    code: &'static str,
    measure: Option<&'static str>,
) -> Attack {
    Attack {
        name,
        caller,
        query: query.into(),
        variables: json!({}),
        code,
        measure,
        refused_before_execution: true,
    }
}

/// The issue's fragment bomb: `{ ...F0 }`, each fragment spreading the next twice.
fn fragment_bomb(levels: usize) -> String {
    let mut query = "{ ...F0 }".to_owned();
    for level in 0..levels {
        let next = level + 1;
        query.push_str(&format!(
            " fragment F{level} on Query {{ ...F{next} ...F{next} }}"
        ));
    }
    query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
    query
}

/// `__schema { types { fields { type { ofType … } } } }`, `aliases` times.
fn introspection_amplifier(aliases: usize) -> String {
    let one = "__schema { types { name kind description fields { name description args { name } \
               type { name kind ofType { name kind ofType { name kind ofType { name kind } } } } } } }";
    let body: Vec<String> = (0..aliases).map(|i| format!("s{i}: {one}")).collect();
    format!("{{ {} }}", body.join(" "))
}

fn cursor_text(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

fn attacks() -> Vec<Attack> {
    use Caller::{Anonymous, Token};
    let too_complex = "QUERY_TOO_COMPLEX";
    let bad = "BAD_USER_INPUT";
    let mut table = vec![
        // Fragment bombs: refused on their expanded size, in linear time.
        refused(
            "fragment bomb, 30 levels, anonymous",
            Anonymous,
            fragment_bomb(30),
            too_complex,
            Some("fields"),
        ),
        refused(
            "fragment bomb, 30 levels, token",
            Token,
            fragment_bomb(30),
            too_complex,
            Some("fields"),
        ),
        // The last level spreads fragments that do not exist: its spreads still double, and an
        // unknown fragment is refused before anything walks the document.
        refused(
            "fragment bomb ending in an unknown fragment, anonymous",
            Anonymous,
            fragment_bomb(30).replace(
                "fragment F30 on Query { __typename }",
                "fragment F30 on Query { ...Nope ...Nope }",
            ),
            bad,
            None,
        ),
        refused(
            "fragment bomb of spreads only (fragments that select nothing else)",
            Token,
            {
                let mut query = "{ ...E0 }".to_owned();
                for level in 0..30 {
                    query.push_str(&format!(
                        " fragment E{level} on Query {{ ...E{n} ...E{n} }}",
                        n = level + 1
                    ));
                }
                query + " fragment E30 on Query { ... on Query { __typename } }"
            },
            too_complex,
            Some("fields"),
        ),
        refused(
            "fragment bomb, 11 levels",
            Token,
            fragment_bomb(11),
            too_complex,
            Some("fields"),
        ),
        refused(
            "fragment bomb, 22 levels",
            Anonymous,
            fragment_bomb(22),
            too_complex,
            Some("fields"),
        ),
        refused(
            "fragment bomb, 64 levels (saturating count)",
            Token,
            fragment_bomb(64),
            too_complex,
            Some("fields"),
        ),
        refused(
            "fragment bomb over fields of an object",
            Token,
            format!(
                "{{ viewer {{ ...A0 }} }} {} fragment A12 on Asn {{ name nip }}",
                (0..12)
                    .map(|i| format!("fragment A{i} on Asn {{ ...A{n} ...A{n} }}", n = i + 1))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            too_complex,
            Some("fields"),
        ),
        refused(
            "fragment cycle",
            Token,
            "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }",
            bad,
            None,
        ),
        // Each unused fragment counts all it expands to: 1 + 2 + … + 1,000 selections.
        refused(
            "a chain of 1,000 fragments nobody uses",
            Token,
            {
                let mut query = "{ __typename }".to_owned();
                for i in 0..1_000 {
                    query.push_str(&format!(" fragment C{i} on Query {{ ...C{} }}", i + 1));
                }
                query + " fragment C1000 on Query { __typename }"
            },
            too_complex,
            Some("fields"),
        ),
        // Aliases and width.
        refused(
            "alias bomb: 500 aliases",
            Token,
            format!(
                "{{ viewer {{ {} }} }}",
                (0..500)
                    .map(|i| format!("a{i}: name"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            too_complex,
            Some("aliases"),
        ),
        refused(
            "aliases times a fragment",
            Token,
            format!(
                "{{ {} }} fragment W on Asn {{ {} }}",
                (0..60)
                    .map(|i| format!("a{i}: viewer {{ ...W }}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                "name nip ".repeat(20)
            ),
            too_complex,
            Some("fields"),
        ),
        refused(
            "wide selection: 5,000 fields",
            Token,
            format!("{{ viewer {{ {} }} }}", "name ".repeat(5_000)),
            too_complex,
            Some("fields"),
        ),
        refused(
            "many operations",
            Token,
            (0..3_000)
                .map(|i| format!("query Q{i} {{ __typename }}"))
                .collect::<Vec<_>>()
                .join(" "),
            too_complex,
            Some("fields"),
        ),
        // Depth: in the text, in the parser, through fragments, in values.
        refused(
            "selection nested 1,000 deep",
            Anonymous,
            format!("{}{}", "{ a ".repeat(1_000), "}".repeat(1_000)),
            too_complex,
            Some("depth"),
        ),
        refused(
            "selection nested 100 deep (past the parser's own limit)",
            Token,
            format!("{}{}", "{ a ".repeat(100), "}".repeat(100)),
            too_complex,
            Some("depth"),
        ),
        refused(
            "selection nested 40 deep",
            Token,
            format!("{}{}", "{ a ".repeat(40), "}".repeat(40)),
            too_complex,
            Some("depth"),
        ),
        refused(
            "list value nested 1,000 deep",
            Anonymous,
            format!(
                "{{ __type(name: {}\"Query\"{}) {{ name }} }}",
                "[".repeat(1_000),
                "]".repeat(1_000)
            ),
            too_complex,
            Some("depth"),
        ),
        refused(
            "list value nested 100,000 deep",
            Token,
            format!("{{ nodes(ids: {}) {{ id }} }}", "[".repeat(100_000)),
            too_complex,
            Some("depth"),
        ),
        refused(
            "object value nested 1,000 deep",
            Token,
            format!(
                "{{ asns(filter: {}{}) {{ totalCount }} }}",
                "{ a: ".repeat(1_000),
                "}".repeat(1_000)
            ),
            too_complex,
            Some("depth"),
        ),
        // Variables and directives.
        refused(
            "500 variables",
            Token,
            format!(
                "query ({}) {{ __typename }}",
                (0..500)
                    .map(|i| format!("$v{i}: Int"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            too_complex,
            Some("variables"),
        ),
        refused(
            "directive spam",
            Token,
            format!("{{ __typename {} }}", "@skip(if: false) ".repeat(2_000)),
            too_complex,
            Some("directives"),
        ),
        refused("malformed document", Anonymous, "{ viewer { ", bad, None),
        refused(
            "a syntax error at the end of a 200 KB line",
            Anonymous,
            format!("{{ {} !", "__typename ".repeat(20_000)),
            bad,
            None,
        ),
        // Introspection beyond what a client sends.
        refused(
            "introspection amplification, anonymous",
            Anonymous,
            introspection_amplifier(50),
            too_complex,
            Some("anonymous introspection roots"),
        ),
        refused(
            "introspection amplification, token",
            Token,
            introspection_amplifier(50),
            too_complex,
            Some("complexity"),
        ),
        refused(
            "introspection lists nested three deep, anonymous",
            Anonymous,
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
            too_complex,
            Some("anonymous introspection list nesting"),
        ),
        refused(
            "a long ofType chain, anonymous",
            Anonymous,
            format!(
                "{{ __type(name: \"Query\") {{ {}name{} }} }}",
                "ofType { ".repeat(10),
                " }".repeat(10)
            ),
            too_complex,
            Some("anonymous ofType depth"),
        ),
        // NUL, which PostgreSQL cannot store.
        refused(
            "NUL in an inline string",
            Token,
            r#"{ asns(filter: { search: "a\u0000b" }) { totalCount } }"#,
            bad,
            None,
        ),
        refused(
            "NUL in a default value",
            Token,
            r#"query ($s: String = "\u0000") { asns(filter: { search: $s }) { totalCount } }"#,
            bad,
            None,
        ),
        Attack {
            variables: json!({ "s": "a\u{0}b" }),
            ..refused(
                "NUL in a variable",
                Token,
                "query ($s: String) { asns(filter: { search: $s }) { totalCount } }",
                bad,
                None,
            )
        },
        Attack {
            variables: json!({ "f": { "search": ["x", { "deep": "\u{0}" }] } }),
            ..refused(
                "NUL deep in a variable",
                Token,
                "query ($f: AsnFilter) { asns(filter: $f) { totalCount } }",
                bad,
                None,
            )
        },
    ];
    // Cursors and IDs this server never issued: coded errors of the field that read them.
    let q = "query ($after: String, $before: String) { asns(first: 2, after: $after, before: $before) { totalCount } }";
    for (name, cursor) in [
        ("cursor at i64::MAX", cursor_text("v1:9223372036854775807")),
        (
            "cursor past the largest offset",
            cursor_text("v1:2147483648"),
        ),
        ("negative cursor", cursor_text("v1:-1")),
        ("non-canonical cursor", cursor_text("v1:007")),
        ("cursor of another version", cursor_text("v2:1")),
        (
            "padded cursor",
            format!("{}=", OffsetCursor(1).encode_cursor()),
        ),
        ("garbage cursor", "%%%".to_owned()),
    ] {
        for argument in ["after", "before"] {
            table.push(Attack {
                name,
                caller: Token,
                query: q.to_owned(),
                variables: json!({ argument: cursor }),
                code: bad,
                measure: None,
                refused_before_execution: false,
            });
        }
    }
    let nested = "query ($after: String) { unit(code: \"DINKES.PKM-DUMAI-KOTA\") { asns(first: 2, after: $after) { totalCount } } }";
    table.push(Attack {
        name: "cursor at i64::MAX on a nested connection",
        caller: Token,
        query: nested.to_owned(),
        variables: json!({ "after": cursor_text("v1:9223372036854775807") }),
        code: bad,
        measure: None,
        refused_before_execution: false,
    });
    for (name, id) in [
        (
            "ID with a leading zero",
            URL_SAFE_NO_PAD.encode("Evaluation:01"),
        ),
        (
            "ID with a plus sign",
            URL_SAFE_NO_PAD.encode("Evaluation:+1"),
        ),
        (
            "padded ID",
            format!("{}==", EvaluationId(1).to_global().as_str()),
        ),
        (
            "ID beyond i64",
            URL_SAFE_NO_PAD.encode("Evaluation:9223372036854775808"),
        ),
        ("garbage ID", "!!".to_owned()),
    ] {
        table.push(Attack {
            name,
            caller: Token,
            query: "query ($id: ID!) { evaluation(id: $id) { id } }".to_owned(),
            variables: json!({ "id": id }),
            code: bad,
            measure: None,
            refused_before_execution: false,
        });
        table.push(Attack {
            name,
            caller: Token,
            query: "query ($id: ID!) { nodes(ids: [$id]) { id } }".to_owned(),
            variables: json!({ "id": id }),
            code: bad,
            measure: None,
            refused_before_execution: false,
        });
    }
    table.push(Attack {
        name: "ID of another type",
        caller: Token,
        query: "query ($id: ID!) { evaluation(id: $id) { id } }".to_owned(),
        variables: json!({ "id": AsnId(1).to_global() }),
        code: bad,
        measure: None,
        refused_before_execution: false,
    });
    table.push(Attack {
        name: "huge string argument",
        caller: Token,
        query: format!("{{ asn(nip: \"{}\") {{ name }} }}", "9".repeat(200_000)),
        variables: json!({}),
        code: "INVALID_NIP",
        measure: None,
        refused_before_execution: false,
    });
    table
}

/// At most `max` characters of `body`, for failure messages.
fn excerpt(body: &Value) -> String {
    body.to_string().chars().take(600).collect()
}

#[tokio::test]
async fn hostile_documents_get_their_codes() {
    let app = TestApp::new().await;
    for attack in attacks() {
        let nip = match attack.caller {
            Caller::Anonymous => None,
            Caller::Token => Some(personas::GURU),
        };
        let (body, statements) = app.run(nip, &attack.query, attack.variables.clone()).await;
        let name = attack.name;
        let got = codes(&body);
        assert!(
            !got.is_empty() && got.iter().all(|code| code == attack.code),
            "{name}: expected {}, got {}",
            attack.code,
            excerpt(&body)
        );
        if let Some(measure) = attack.measure {
            let ext = &body["errors"][0]["extensions"];
            assert_eq!(ext["measure"], measure, "{name}: {}", excerpt(&body));
            assert!(ext["actual"].as_u64() > ext["limit"].as_u64(), "{name}");
        }
        // An error does not echo a large document back.
        assert!(
            body["errors"].to_string().len() < 4_000,
            "{name}: {}",
            excerpt(&body)
        );
        if attack.refused_before_execution {
            assert!(body["data"].is_null(), "{name}: {}", excerpt(&body));
            assert!(
                statements <= usize::from(nip.is_some()),
                "{name}: {statements} statements, only the viewer lookup may run"
            );
        }
    }
}

#[tokio::test]
async fn a_refused_fragment_bomb_runs_no_statement_beyond_the_viewer_lookup() {
    let app = TestApp::new().await;
    let (body, statements) = app
        .run(Some(personas::GURU), &fragment_bomb(30), json!({}))
        .await;
    let ext = &body["errors"][0]["extensions"];
    assert_eq!(ext["code"], "QUERY_TOO_COMPLEX");
    assert_eq!(ext["measure"], "fields");
    // Each level's two spreads and twice the level below: 3·2³⁰ − 1 selections.
    assert_eq!(ext["actual"], 3 * (1u64 << 30) - 1);
    assert_eq!(statements, 1);
    let (body, statements) = app.run(None, &fragment_bomb(30), json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["measure"], "fields");
    assert_eq!(statements, 0);
}

#[tokio::test]
async fn documents_within_the_limits_still_run() {
    let app = TestApp::new().await;
    // 3·2⁹ − 1 = 1,535 selections after expansion: within the limit.
    let body = data(
        app.query(personas::GURU, &fragment_bomb(9), json!({}))
            .await,
    );
    assert_eq!(body["__typename"], "Query");
    let body = data(
        app.query(
            personas::GURU,
            "query ($s: String = \"tab\\tand newline\\n\") { asns(filter: { search: $s }) { totalCount } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(body["asns"]["totalCount"], 0);
    let depth_15 = format!(
        "{{ viewer {{ {}name{} }} }}",
        "supervisor { ".repeat(13),
        " }".repeat(13)
    );
    data(app.query(personas::GURU, &depth_15, json!({})).await);
    // Brackets inside strings and comments do not nest.
    let text = format!(
        "{{ asns(filter: {{ search: \"{}\" }}) {{ totalCount }} # {}\n }}",
        "[".repeat(500),
        "{".repeat(500)
    );
    data(app.query(personas::GURU, &text, json!({})).await);
}

#[tokio::test]
async fn nul_never_reaches_the_database() {
    let app = TestApp::new().await;
    let create = "mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }";
    let input = json!({
        "date": "2026-11-27", "startTime": "07:30", "endTime": "09:00",
        "description": "Asuhan\u{0}keperawatan",
    });
    let before = activity_count(&app).await;
    let (body, _) = app
        .run(Some(personas::PERAWAT), create, json!({ "input": input }))
        .await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(activity_count(&app).await, before, "no row written");
}

async fn activity_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use kinerja::db::schema::activities;
    activities::table
        .count()
        .get_result::<i64>(&mut app.conn().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_database_refusing_a_string_is_bad_input() {
    // The guard keeps NUL from every request; were one to reach PostgreSQL, its refusal
    // (SQLSTATE 22021) is the client's fault, not an internal error.
    use diesel_async::RunQueryDsl;
    let app = TestApp::new().await;
    let err = diesel::sql_query("SELECT $1::text AS t")
        .bind::<diesel::sql_types::Text, _>("a\u{0}b")
        .execute(&mut app.conn().await)
        .await
        .unwrap_err();
    let err = kinerja::error::AppError::from(err);
    assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{}", err.message());
    // And `\u0000` in JSON (SQLSTATE 22P05).
    let err = diesel::sql_query("SELECT ('\"a\\u0000b\"'::jsonb ->> 0) AS t")
        .execute(&mut app.conn().await)
        .await;
    if let Err(err) = err {
        let err = kinerja::error::AppError::from(err);
        assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{}", err.message());
    }
}

async fn post_raw(app: &TestApp, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.http("/graphql"))
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn hostile_bodies_over_http_get_their_codes() {
    let app = TestApp::new().await;
    let mut not_utf8 = br#"{"query":"{ __typename }","variables":{"s":""#.to_vec();
    not_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    not_utf8.extend_from_slice(br#""}}"#);
    let deep_variables = format!(
        r#"{{"query":"query ($v: [ID!]) {{ nodes(ids: $v) {{ id }} }}","variables":{{"v":{}"x"{}}}}}"#,
        "[".repeat(1_000),
        "]".repeat(1_000)
    );
    let bomb = json!({ "query": fragment_bomb(30) }).to_string();
    let deep_list =
        json!({ "query": format!("{{ __type(name: {}) {{ name }} }}", "[".repeat(5_000)) })
            .to_string();
    let cases: [(&str, Vec<u8>, u16, &str); 5] = [
        ("invalid UTF-8 in the body", not_utf8, 400, "BAD_USER_INPUT"),
        (
            "variables nested 1,000 deep",
            deep_variables.into_bytes(),
            400,
            "BAD_USER_INPUT",
        ),
        (
            "fragment bomb, no token",
            bomb.into_bytes(),
            400,
            "QUERY_TOO_COMPLEX",
        ),
        (
            "list nested 5,000 deep, no token",
            deep_list.into_bytes(),
            400,
            "QUERY_TOO_COMPLEX",
        ),
        (
            "body over the limit",
            vec![b' '; 300 * 1024],
            413,
            "QUERY_TOO_COMPLEX",
        ),
    ];
    for (name, body, status, code) in cases {
        let (got_status, body) = post_raw(&app, body).await;
        assert_eq!(got_status, status, "{name}: {}", excerpt(&body));
        assert_eq!(codes(&body), [code], "{name}: {}", excerpt(&body));
    }
    // A GET goes through the same guard.
    let response = reqwest::Client::new()
        .get(app.http("/graphql"))
        .query(&[(
            "query",
            format!("{{ __type(name: {}) {{ name }} }}", "[".repeat(5_000)),
        )])
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(codes(&body), ["QUERY_TOO_COMPLEX"], "{}", excerpt(&body));
    // The server is still there.
    let health = reqwest::get(app.http("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
}

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/api/hostile")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[tokio::test]
async fn the_introspection_clients_send_runs_without_a_token() {
    let app = TestApp::new().await;
    for name in [
        "introspection_graphiql.graphql",
        "introspection_all_options.graphql",
    ] {
        let query = fixture(name);
        for nip in [None, Some(personas::GURU)] {
            let (body, statements) = app.run(nip, &query, json!({})).await;
            assert!(body.get("errors").is_none(), "{name}: {}", excerpt(&body));
            let types = body["data"]["__schema"]["types"].as_array().unwrap();
            assert!(types.iter().any(|t| t["name"] == "Evaluation"), "{name}");
            assert!(statements <= usize::from(nip.is_some()));
        }
    }
    // A tool asking for one type, its fields' types unwrapped as far as GraphiQL does.
    let one_type = format!(
        "{{ __type(name: \"Evaluation\") {{ name fields {{ name type {{ {}name{} }} }} }} }}",
        "ofType { ".repeat(9),
        " }".repeat(9)
    );
    data(app.run(None, &one_type, json!({})).await.0);
}

/// Items the introspection query's answer holds: every object in it.
fn objects(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(objects).sum::<usize>(),
        Value::Array(items) => items.iter().map(objects).sum(),
        _ => 0,
    }
}

#[tokio::test]
async fn introspection_costs_the_size_of_its_answer() {
    let app = TestApp::new().await;
    let query = fixture("introspection_graphiql.graphql");
    let body = app.query(personas::GURU, &query, json!({})).await;
    let complexity = body["extensions"]["cost"]["complexity"].as_u64().unwrap();
    let answer = objects(&body["data"]) as u64;
    // Lists cost their average size: the estimate covers the answer, not just the 220
    // fields the document names.
    assert!(
        complexity >= answer,
        "complexity {complexity} for an answer of {answer} objects"
    );
}

#[tokio::test]
async fn introspection_sizes_match_the_schema() {
    use kinerja::graphql::introspection::IntrospectionTotals;
    let app = TestApp::new().await;
    let body = data(
        app.query(
            personas::GURU,
            "{ __schema { directives { args { name } } types { name
               fields(includeDeprecated: true) { args { name } } inputFields { name }
               enumValues(includeDeprecated: true) { name } interfaces { name } possibleTypes { name } } } }",
            json!({}),
        )
        .await,
    );
    let types = body["__schema"]["types"].as_array().unwrap();
    let count = |list: &str| -> usize {
        types
            .iter()
            .map(|t| t[list].as_array().map_or(0, Vec::len))
            .sum()
    };
    let field_args: usize = types
        .iter()
        .flat_map(|t| t["fields"].as_array().cloned().unwrap_or_default())
        .map(|f| f["args"].as_array().map_or(0, Vec::len))
        .sum();
    let directives = body["__schema"]["directives"].as_array().unwrap();
    let actual = IntrospectionTotals {
        types: types.len(),
        fields: count("fields"),
        field_args,
        input_fields: count("inputFields"),
        enum_values: count("enumValues"),
        interfaces: count("interfaces"),
        possible_types: count("possibleTypes"),
        directives: directives.len(),
        directive_args: directives
            .iter()
            .map(|d| d["args"].as_array().map_or(0, Vec::len))
            .sum(),
    };
    assert_eq!(
        IntrospectionTotals::of_sdl(&app.schema.sdl()),
        actual,
        "the SDL and the built-ins count what introspection lists"
    );
}
