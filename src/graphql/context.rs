//! What every resolver reads from the request: the viewer, the database handle, the loaders.

use async_graphql::Context;

use crate::auth::Viewer;
use crate::clock::Time;
use crate::config::Settings;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::graphql::loaders::Loaders;

/// Accessors for request data; each fails with a coded error instead of panicking.
pub trait ContextExt {
    /// The authenticated caller, or `UNAUTHENTICATED`.
    fn viewer(&self) -> AppResult<&Viewer>;
    /// The request's database handle.
    fn db(&self) -> AppResult<&Db>;
    /// The request's DataLoaders.
    fn loaders(&self) -> AppResult<&Loaders>;
    /// The clock and local calendar.
    fn time(&self) -> AppResult<&Time>;
    /// Rule parameters and limits.
    fn settings(&self) -> AppResult<&Settings>;
}

impl ContextExt for Context<'_> {
    fn viewer(&self) -> AppResult<&Viewer> {
        self.data_opt::<Viewer>()
            .ok_or_else(|| AppError::unauthenticated("a valid bearer token is required"))
    }

    fn db(&self) -> AppResult<&Db> {
        self.data_opt::<Db>()
            .ok_or_else(|| AppError::internal("request has no database handle"))
    }

    fn loaders(&self) -> AppResult<&Loaders> {
        self.data_opt::<Loaders>()
            .ok_or_else(|| AppError::internal("request has no loaders"))
    }

    fn time(&self) -> AppResult<&Time> {
        self.data_opt::<Time>()
            .ok_or_else(|| AppError::internal("schema has no clock"))
    }

    fn settings(&self) -> AppResult<&Settings> {
        self.data_opt::<Settings>()
            .ok_or_else(|| AppError::internal("schema has no settings"))
    }
}
