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
//! The resolved text replaces the request's query before anything else looks at it, so every
//! rule (GET runs no mutations, limits, authentication) applies unchanged.

use async_graphql::Request;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::db::schema::persisted_queries;
use crate::error::{AppError, AppResult};

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

/// Resolves or registers the request's persisted query, if it names one. `may_register` is
/// false for anonymous callers, whose documents are not stored.
pub async fn resolve(db: &Db, request: &mut Request, may_register: bool) -> AppResult<()> {
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
    // Only documents that parse are worth keeping; the executor reports the others.
    if may_register && async_graphql::parser::parse_query(&request.query).is_ok() {
        diesel::insert_into(persisted_queries::table)
            .values((
                persisted_queries::sha256.eq(&hash),
                persisted_queries::query.eq(&request.query),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await?;
    }
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
