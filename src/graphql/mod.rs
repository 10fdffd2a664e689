//! Schema assembly: the root types merged from the domain areas, and the per-request data.
//!
//! The schema knows nothing of HTTP; [`crate::http`] authenticates and calls [`prepare`] to
//! attach the viewer, the database handle and fresh loaders to each request.

pub mod context;
pub mod document_shape;
pub mod document_size;
pub mod guard;
pub mod introspection;
pub mod loaders;
pub mod node;
pub mod pagination;
pub mod persisted;
pub mod scalars;

use std::sync::{Arc, OnceLock};

use async_graphql::{MergedObject, Request, Schema};

use crate::appeals::graphql::AppealsQuery;
use crate::appeals::mutations::AppealsMutation;
use crate::evaluations::graphql::EvaluationsQuery;
use crate::evaluations::mutations::EvaluationsMutation;
use crate::events::hub::Hub;
use crate::live::Subscription;

use crate::activities::graphql::ActivitiesQuery;
use crate::activities::mutations::ActivitiesMutation;
use crate::analytics::graphql::AnalyticsQuery;
use crate::asn::graphql::AsnQuery;
use crate::auth::Viewer;
use crate::clock::Time;
use crate::config::Settings;
use crate::db::{Db, PgPool};
use crate::feedback::mutations::FeedbackMutation;
use crate::roles::graphql::RolesMutation;
use crate::supervision::graphql::SupervisionQuery;
use crate::supervision::mutations::SupervisionMutation;
use crate::targets::mutations::TargetsMutation;
use crate::units::graphql::UnitsQuery;
use guard::Guard;
use introspection::IntrospectionSizes;
use node::NodeQuery;

/// The root query type.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    AsnQuery,
    UnitsQuery,
    EvaluationsQuery,
    AppealsQuery,
    ActivitiesQuery,
    SupervisionQuery,
    AnalyticsQuery,
);

/// The root mutation type.
#[derive(MergedObject, Default)]
pub struct Mutation(
    EvaluationsMutation,
    AppealsMutation,
    TargetsMutation,
    ActivitiesMutation,
    SupervisionMutation,
    FeedbackMutation,
    RolesMutation,
);

/// The kinerja schema.
pub type KinerjaSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema with `settings`, reading the time from `time` and live events from `hub`.
pub fn build_schema(settings: Settings, time: Time, hub: Arc<Hub>) -> KinerjaSchema {
    let introspection = Arc::new(OnceLock::new());
    let schema = Schema::build(Query::default(), Mutation::default(), Subscription)
        .extension(Guard {
            limits: settings.limits,
            report_statements: settings.report_statements,
            introspection: introspection.clone(),
        })
        // async-graphql's own nesting check; the guard refuses deeper documents first and
        // reports the real limits.
        .limit_recursive_depth(guard::recursion_limit(&settings.limits))
        .data(settings)
        .data(time)
        .data(hub)
        .finish();
    let _ = introspection.set(IntrospectionSizes::of_sdl(&schema.sdl()));
    schema
}

/// Attaches a fresh database handle and loaders (and the viewer, if any) to `request`.
pub fn prepare(request: Request, db: Db, viewer: Option<Viewer>) -> Request {
    let loaders = loaders::new_loaders(&db);
    let request = request.data(db).data(loaders);
    match viewer {
        Some(viewer) => request.data(viewer),
        None => request,
    }
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(Settings::default(), Time::system_wib(), Hub::new()).sdl()
}

/// A database handle for one request.
pub fn request_db(pool: &PgPool) -> Db {
    Db::new(pool.clone())
}
