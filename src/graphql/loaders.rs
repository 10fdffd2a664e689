//! The request's DataLoader. One [`DbLoader`] implements `Loader<K>` for every key type; each
//! domain area implements its keys in its own `loaders.rs`. A loader lives exactly as long as
//! its request (or one pushed subscription event), so cached rows never go stale or cross
//! viewers.

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::runtime::{TokioSpawner, TokioTimer};

use crate::db::Db;

/// Loads rows in batches through the request's [`Db`].
pub struct DbLoader {
    /// The request's database handle.
    pub db: Db,
}

/// The per-request loader.
pub type Loaders = DataLoader<DbLoader, HashMapCache>;

/// A fresh loader for one request.
pub fn new_loaders(db: &Db) -> Loaders {
    DataLoader::with_cache(
        DbLoader { db: db.clone() },
        TokioSpawner::current(),
        TokioTimer::default(),
        HashMapCache::default(),
    )
}
