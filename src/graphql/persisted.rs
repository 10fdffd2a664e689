//! Automatic persisted queries, as Apollo clients speak them.
//!
//! A request whose `extensions.persistedQuery` is `{ "version": 1, "sha256Hash": H }`:
//! - without a query: runs the document registered under `H`, or fails with
//!   `PERSISTED_QUERY_NOT_FOUND` (message `PersistedQueryNotFound`), upon which the client
//!   resends the query with its hash;
//! - with a query: the query's SHA-256 must be `H`; an authenticated caller's query is
//!   registered under it, and runs as usual.
//!
//! Documents live in the `persisted_queries` table, so a hash registered through one instance
//! is known to all; they are kept `--persisted-query-retention-days` (30) after registration.
//! Each caller's documents share a quota of bytes (`--persisted-query-quota-bytes`): a
//! registration past it evicts that caller's oldest documents, which their clients register
//! again when they next need them — so no caller can fill the table.
//! The resolved text replaces the request's query before anything else looks at it, so every
//! rule (GET runs no mutations, limits, authentication) applies unchanged.

use async_graphql::Request;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::db::schema::persisted_queries;
use crate::error::{AppError, AppResult};
use crate::ids::AsnId;

/// Who registers a document, when, and the quota of bytes their documents share.
#[derive(Debug, Clone, Copy)]
pub struct Registrant {
    /// The authenticated caller.
    pub asn: AsnId,
    /// Now, by the deployment's clock.
    pub at: DateTime<Utc>,
    /// Bytes of documents one caller may keep registered.
    pub quota_bytes: usize,
}

/// The `persistedQuery` request extension.
#[derive(Debug, Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

/// The lowercase hex SHA-256 of `query`, as APQ clients compute it.
pub fn sha256_hex(query: &str) -> String {
    format!("{:x}", Sha256::digest(query.as_bytes()))
}

/// Resolves or registers the request's persisted query, if it names one. Only an authenticated
/// `registrant`'s documents are stored; an anonymous caller's run without being kept.
pub async fn resolve(
    db: &Db,
    request: &mut Request,
    registrant: Option<Registrant>,
) -> AppResult<()> {
    let Some(extension) = request.extensions.remove("persistedQuery") else {
        return Ok(());
    };
    let persisted: PersistedQuery = async_graphql::from_value(extension).map_err(|_| {
        AppError::bad_input("extensions.persistedQuery must be { version: 1, sha256Hash: String }")
    })?;
    if persisted.version != 1 {
        return Err(AppError::bad_input(format!(
            "persisted query version {} is not supported; use version 1",
            persisted.version
        )));
    }
    let hash = persisted.sha256_hash.to_ascii_lowercase();
    let mut conn = db.conn().await?;
    if request.query.trim().is_empty() {
        let stored: Option<String> = persisted_queries::table
            .find(&hash)
            .select(persisted_queries::query)
            .first(&mut conn)
            .await
            .optional()?;
        request.query = stored.ok_or_else(AppError::persisted_query_not_found)?;
        return Ok(());
    }
    if sha256_hex(&request.query) != hash {
        return Err(AppError::bad_input(
            "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
        ));
    }
    // Only documents that parse are worth keeping; the executor reports the others (and the
    // guard refuses those too deeply nested to parse safely before anything parses them).
    if let Some(registrant) = registrant
        && super::document_size::parses_safely(&request.query)
        && async_graphql::parser::parse_query(&request.query).is_ok()
    {
        register(&mut conn, &hash, &request.query, registrant).await?;
    }
    Ok(())
}

/// Stores `query` under `hash` for `registrant` and, in the same statement, evicts their oldest
/// documents beyond the quota (the new one, invisible to the eviction, always stays).
async fn register(
    conn: &mut crate::db::Conn,
    hash: &str,
    query: &str,
    registrant: Registrant,
) -> AppResult<()> {
    use diesel::sql_types::{BigInt, Text, Timestamptz};
    diesel::sql_query(
        "WITH inserted AS ( \
             INSERT INTO persisted_queries (sha256, query, created_at, registered_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING sha256 \
         ), kept AS ( \
             SELECT sha256, octet_length($2) \
                 + SUM(octet_length(query)) OVER (ORDER BY created_at DESC, sha256 DESC) \
                 AS running \
             FROM persisted_queries WHERE registered_by = $4 \
         ) \
         DELETE FROM persisted_queries \
         WHERE EXISTS (SELECT 1 FROM inserted) \
           AND sha256 IN (SELECT sha256 FROM kept WHERE running > $5)",
    )
    .bind::<Text, _>(hash)
    .bind::<Text, _>(query)
    .bind::<Timestamptz, _>(registrant.at)
    .bind::<BigInt, _>(registrant.asn.0)
    .bind::<BigInt, _>(i64::try_from(registrant.quota_bytes).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes documents registered more than `days` before `now`; returns how many. A client
/// whose hash is gone gets `PERSISTED_QUERY_NOT_FOUND` and registers it again.
pub async fn prune(db: &Db, now: chrono::DateTime<chrono::Utc>, days: i64) -> AppResult<usize> {
    let cutoff = now - chrono::Duration::days(days);
    Ok(
        diesel::delete(persisted_queries::table.filter(persisted_queries::created_at.lt(cutoff)))
            .execute(&mut db.conn().await?)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_apollo_clients() {
        // The hash Apollo's documentation gives for `{__typename}`.
        assert_eq!(
            sha256_hex("{__typename}"),
            "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"
        );
    }
}
