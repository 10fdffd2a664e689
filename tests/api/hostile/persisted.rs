//! Attacks on storage: a signed-in caller registering persisted queries without end.

use reqwest::StatusCode;
use serde_json::json;

use crate::persisted::{persisted, post};
use crate::support::{TestApp, codes, personas};

/// A document of `bytes` bytes that differs by `n`.
fn document(n: usize, bytes: usize) -> String {
    let head = format!("query Q{n} {{ viewer {{ nip }} }}");
    format!("{head}{}", " ".repeat(bytes - head.len()))
}

#[tokio::test]
async fn one_caller_cannot_fill_the_store() {
    let quota = 100 * 1024;
    let app = TestApp::with_limits(kinerja::config::Limits {
        persisted_query_quota_bytes: quota,
        ..Default::default()
    })
    .await;
    let guru = app.token(personas::GURU);
    let perawat = app.token(personas::PERAWAT);
    let base = &app.http("");
    let register = |token: String, query: String| async move {
        let (status, body) = post(
            base,
            Some(&token),
            json!({ "query": query, "extensions": persisted(&query) }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
    };
    register(perawat.clone(), document(999, 30 * 1024)).await;
    // Forty documents of 20 KiB each: eight times the quota.
    for n in 0..40 {
        app.clock.advance(chrono::Duration::seconds(1));
        register(guru.clone(), document(n, 20 * 1024)).await;
    }
    let stored: Vec<(String, i32)> = {
        use diesel_async::RunQueryDsl;
        diesel::sql_query(
            "SELECT a.nip AS nip, octet_length(p.query) AS bytes FROM persisted_queries p \
             JOIN asn a ON a.id = p.registered_by ORDER BY p.created_at",
        )
        .load::<Stored>(&mut app.conn().await)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.nip, row.bytes))
        .collect()
    };
    let guru_bytes: i32 = stored
        .iter()
        .filter(|(nip, _)| nip == personas::GURU)
        .map(|(_, bytes)| bytes)
        .sum();
    assert_eq!(guru_bytes, 5 * 20 * 1024, "the newest five fit the quota");
    assert!(
        stored.contains(&(personas::PERAWAT.to_owned(), 30 * 1024)),
        "another caller's documents are not evicted: {stored:?}"
    );
    // The newest run by hash; the oldest were evicted and are registered again on demand.
    for (n, kept) in [(39, true), (35, true), (34, false), (0, false)] {
        let query = document(n, 20 * 1024);
        let (_, body) = post(
            base,
            Some(&guru),
            json!({ "extensions": persisted(&query) }),
        )
        .await;
        if kept {
            assert_eq!(body["data"]["viewer"]["nip"], personas::GURU, "{n}: {body}");
        } else {
            assert_eq!(codes(&body), ["PERSISTED_QUERY_NOT_FOUND"], "{n}");
        }
    }
}

#[derive(diesel::QueryableByName)]
struct Stored {
    #[diesel(sql_type = diesel::sql_types::Text)]
    nip: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    bytes: i32,
}
