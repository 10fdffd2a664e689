//! Batched supervision lookups: visits and observations by id, teams, and pages of
//! observations per visit and per ASN (filtered by the viewer's scope in SQL).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;

use super::model::{Observation, SupervisionVisit};
use super::queries;
use crate::auth::rules::SqlScope;
use crate::db::ranked::{ChildPage, child_pages_with};
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::pagination::Window;
use crate::ids::{AsnId, ObservationId, VisitId};

impl Loader<VisitId> for DbLoader {
    type Value = SupervisionVisit;
    type Error = AppError;

    async fn load(&self, keys: &[VisitId]) -> Result<HashMap<VisitId, Self::Value>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|v| (v.id, v)).collect())
    }
}

impl Loader<ObservationId> for DbLoader {
    type Value = Observation;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ObservationId],
    ) -> Result<HashMap<ObservationId, Self::Value>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::observations_by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|o| (o.id, o)).collect())
    }
}

/// The inspectors on a visit's team, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TeamOf(pub VisitId);

impl Loader<TeamOf> for DbLoader {
    type Value = Vec<AsnId>;
    type Error = AppError;

    async fn load(&self, keys: &[TeamOf]) -> Result<HashMap<TeamOf, Self::Value>, AppError> {
        let ids: Vec<VisitId> = keys.iter().map(|k| k.0).collect();
        let mut conn = self.db.conn().await?;
        let mut out: HashMap<TeamOf, Vec<AsnId>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (visit, member) in queries::teams_of(&mut conn, &ids).await? {
            out.entry(TeamOf(visit)).or_default().push(member);
        }
        Ok(out)
    }
}

/// A page of the observations of a visit that the viewer (of `scope`) may read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObservationsOnVisit {
    /// The visit.
    pub visit: VisitId,
    /// The slice.
    pub window: Window,
    /// The viewer's scope.
    pub scope: SqlScope,
}

impl Loader<ObservationsOnVisit> for DbLoader {
    type Value = ChildPage<Observation>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ObservationsOnVisit],
    ) -> Result<HashMap<ObservationsOnVisit, Self::Value>, AppError> {
        let keys: Vec<_> = keys
            .iter()
            .map(|k| (k.visit, k.window, k.scope.clone()))
            .collect();
        let sql = queries::on_visit_sql();
        let pages = child_pages_with(
            &self.db,
            &sql,
            &keys,
            |o: &Observation| o.visit_id,
            SqlScope::bind,
        )
        .await?;
        Ok(pages
            .into_iter()
            .map(|((visit, window, scope), page)| {
                (
                    ObservationsOnVisit {
                        visit,
                        window,
                        scope,
                    },
                    page,
                )
            })
            .collect())
    }
}

/// A page of the observations of an ASN that the viewer (of `scope`) may read, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObservationsOfAsn {
    /// The observed ASN.
    pub asn: AsnId,
    /// The slice.
    pub window: Window,
    /// The viewer's scope.
    pub scope: SqlScope,
}

impl Loader<ObservationsOfAsn> for DbLoader {
    type Value = ChildPage<Observation>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ObservationsOfAsn],
    ) -> Result<HashMap<ObservationsOfAsn, Self::Value>, AppError> {
        let keys: Vec<_> = keys
            .iter()
            .map(|k| (k.asn, k.window, k.scope.clone()))
            .collect();
        let sql = queries::of_asn_sql();
        let pages = child_pages_with(
            &self.db,
            &sql,
            &keys,
            |o: &Observation| o.asn_id,
            SqlScope::bind,
        )
        .await?;
        Ok(pages
            .into_iter()
            .map(|((asn, window, scope), page)| (ObservationsOfAsn { asn, window, scope }, page))
            .collect())
    }
}

/// All observations of one ASN made on visits between `from` and `to` (inclusive), oldest
/// visit first — e.g. those of an evaluation's period. Not filtered by viewer: read them
/// through [`super::graphql::observations_for`], which applies the visibility rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObservationsOf {
    /// The observed ASN.
    pub asn_id: AsnId,
    /// First day of the range.
    pub from: NaiveDate,
    /// Last day of the range.
    pub to: NaiveDate,
}

impl Loader<ObservationsOf> for DbLoader {
    type Value = Vec<Observation>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ObservationsOf],
    ) -> Result<HashMap<ObservationsOf, Self::Value>, AppError> {
        let ranges: Vec<_> = keys.iter().map(|k| (k.asn_id, k.from, k.to)).collect();
        let mut conn = self.db.conn().await?;
        let mut out: HashMap<ObservationsOf, Vec<Observation>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in queries::observations_in_ranges(&mut conn, &ranges).await? {
            let key = ObservationsOf {
                asn_id: row.observation.asn_id,
                from: row.key_from,
                to: row.key_to,
            };
            out.entry(key).or_default().push(row.observation);
        }
        Ok(out)
    }
}
