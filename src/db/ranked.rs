//! Pages of children for many parents in one statement.
//!
//! Nested connections (`Unit.children`, `Unit.asns`, `Asn.subordinates`) are loaded by
//! DataLoaders. For a batch of parents that ask for the same window, one query numbers each
//! parent's rows with `row_number()` and counts them with `count(*)`, both over a window
//! partitioned by the parent key, and keeps only the requested slice (plus one row that tells
//! whether a next page exists). Each parent's first row comes along too, so its count is known
//! even when the window lies past its last row (a page after the end still reports the
//! parent's `totalCount`).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use diesel::QueryableByName;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::row::NamedRow;
use diesel::sql_types::{Array, BigInt};
use diesel_async::RunQueryDsl;

use crate::db::Db;
use crate::error::AppResult;
use crate::graphql::pagination::Window;

/// A row with its rank and its partition's size.
struct Ranked<T> {
    row: T,
    rank: i64,
    total: i64,
}

impl<T: QueryableByName<Pg>> QueryableByName<Pg> for Ranked<T> {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> diesel::deserialize::Result<Self> {
        Ok(Self {
            rank: NamedRow::get::<BigInt, i64>(row, "__rn")?,
            total: NamedRow::get::<BigInt, i64>(row, "total")?,
            row: T::build(row)?,
        })
    }
}

/// One parent's slice of children.
#[derive(Debug, Clone)]
pub struct ChildPage<T> {
    /// The rows of the window, plus at most one more.
    pub rows: Vec<T>,
    /// All children of the parent.
    pub total: i64,
}

impl<T> Default for ChildPage<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            total: 0,
        }
    }
}

/// Loads the `window` of children for each parent key.
///
/// `inner_sql` selects the child rows of the parents in `$1` (a `BIGINT[]`) and must expose
/// `__rn` (the 1-based rank within the parent) and `total` columns; `parent_of` reads the
/// parent key back from a row.
pub async fn child_pages<T, K>(
    db: &Db,
    inner_sql: &str,
    keys: &[(K, Window)],
    parent_of: impl Fn(&T) -> K,
) -> AppResult<HashMap<(K, Window), ChildPage<T>>>
where
    T: QueryableByName<Pg> + Clone + Send + 'static,
    K: Copy + Eq + Hash + Into<i64>,
{
    child_pages_bound(db, inner_sql, keys, parent_of, |query| query).await
}

/// A raw statement whose parameters are bound one by one.
pub type BoundQuery = BoxedSqlQuery<'static, Pg, SqlQuery>;

/// Like [`child_pages`], for an `inner_sql` with parameters of its own from `$4` on, which
/// `bind_extra` binds in order (e.g. the viewer's scope of [`crate::auth::rules::SqlScope`]).
pub async fn child_pages_bound<T, K>(
    db: &Db,
    inner_sql: &str,
    keys: &[(K, Window)],
    parent_of: impl Fn(&T) -> K,
    bind_extra: impl Fn(BoundQuery) -> BoundQuery,
) -> AppResult<HashMap<(K, Window), ChildPage<T>>>
where
    T: QueryableByName<Pg> + Clone + Send + 'static,
    K: Copy + Eq + Hash + Into<i64>,
{
    let mut by_window: BTreeMap<Window, Vec<K>> = BTreeMap::new();
    for (key, window) in keys {
        by_window.entry(*window).or_default().push(*key);
    }
    let mut conn = db.conn().await?;
    let mut pages = HashMap::with_capacity(keys.len());
    for (window, parents) in by_window {
        // `__rn = 1` brings the count of parents whose window holds none of their rows.
        let sql = format!(
            "SELECT * FROM ({inner_sql}) AS ranked \
             WHERE (__rn > $2 AND __rn <= $3) OR __rn = 1 ORDER BY __rn"
        );
        let ids: Vec<i64> = parents.iter().map(|k| (*k).into()).collect();
        let query = diesel::sql_query(sql)
            .into_boxed()
            .bind::<Array<BigInt>, _>(ids)
            .bind::<BigInt, _>(window.offset)
            .bind::<BigInt, _>(window.offset + window.limit + 1);
        let rows: Vec<Ranked<T>> = bind_extra(query).load(&mut conn).await?;
        for parent in &parents {
            pages.insert((*parent, window), ChildPage::default());
        }
        for ranked in rows {
            let page = pages.entry((parent_of(&ranked.row), window)).or_default();
            page.total = ranked.total;
            if ranked.rank > window.offset {
                page.rows.push(ranked.row);
            }
        }
    }
    Ok(pages)
}

/// [`child_pages_bound`] for keys that also carry the parameters of their statement (such as
/// the viewer's scope): one statement per distinct parameter set and window.
pub async fn child_pages_with<T, K, S>(
    db: &Db,
    inner_sql: &str,
    keys: &[(K, Window, S)],
    parent_of: impl Fn(&T) -> K + Copy,
    bind: impl Fn(&S, BoundQuery) -> BoundQuery,
) -> AppResult<HashMap<(K, Window, S), ChildPage<T>>>
where
    T: QueryableByName<Pg> + Clone + Send + 'static,
    K: Copy + Eq + Hash + Into<i64>,
    S: Clone + Eq + Hash,
{
    let mut by_params: HashMap<S, Vec<(K, Window)>> = HashMap::new();
    for (key, window, params) in keys {
        by_params
            .entry(params.clone())
            .or_default()
            .push((*key, *window));
    }
    let mut out = HashMap::with_capacity(keys.len());
    for (params, group) in by_params {
        let pages =
            child_pages_bound(db, inner_sql, &group, parent_of, |q| bind(&params, q)).await?;
        out.extend(
            pages
                .into_iter()
                .map(|((key, window), page)| ((key, window, params.clone()), page)),
        );
    }
    Ok(out)
}
