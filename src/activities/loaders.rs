//! Batched activity lookups: by id, pages per ASN or per target, monthly summaries.

use std::collections::{BTreeMap, HashMap};

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;

use super::model::Activity;
use super::queries;
use super::summary::{self, MonthMinutes};
use crate::db::ranked::{ChildPage, child_pages};
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::pagination::Window;
use crate::ids::{ActivityId, AsnId, TargetId};

impl Loader<ActivityId> for DbLoader {
    type Value = Activity;
    type Error = AppError;

    async fn load(&self, keys: &[ActivityId]) -> Result<HashMap<ActivityId, Activity>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|a| (a.id, a)).collect())
    }
}

/// A page of an ASN's activities between two optional dates (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivitiesOf {
    /// The ASN.
    pub asn: AsnId,
    /// On or after.
    pub from: Option<NaiveDate>,
    /// On or before.
    pub to: Option<NaiveDate>,
    /// The page.
    pub window: Window,
}

impl Loader<ActivitiesOf> for DbLoader {
    type Value = ChildPage<Activity>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ActivitiesOf],
    ) -> Result<HashMap<ActivitiesOf, Self::Value>, AppError> {
        // One statement per distinct date range and window (normally one).
        type Range = (Option<NaiveDate>, Option<NaiveDate>);
        let mut by_range: BTreeMap<Range, Vec<(AsnId, Window)>> = BTreeMap::new();
        for key in keys {
            by_range
                .entry((key.from, key.to))
                .or_default()
                .push((key.asn, key.window));
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((from, to), parents) in by_range {
            let sql = queries::of_asn_sql(from, to);
            let pages = child_pages(&self.db, &sql, &parents, |a: &Activity| a.asn_id).await?;
            out.extend(pages.into_iter().map(|((asn, window), page)| {
                (
                    ActivitiesOf {
                        asn,
                        from,
                        to,
                        window,
                    },
                    page,
                )
            }));
        }
        Ok(out)
    }
}

/// A page of the activities reported against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivitiesOfTarget(pub TargetId, pub Window);

impl Loader<ActivitiesOfTarget> for DbLoader {
    type Value = ChildPage<Activity>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ActivitiesOfTarget],
    ) -> Result<HashMap<ActivitiesOfTarget, Self::Value>, AppError> {
        let keys: Vec<(TargetId, Window)> = keys.iter().map(|k| (k.0, k.1)).collect();
        let pages = child_pages(&self.db, queries::OF_TARGET_SQL, &keys, |a: &Activity| {
            a.target_id.unwrap_or(TargetId(0))
        })
        .await?;
        Ok(pages
            .into_iter()
            .map(|((target, window), page)| (ActivitiesOfTarget(target, window), page))
            .collect())
    }
}

/// The minutes of an ASN's activities in one calendar month, by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SummaryOf {
    /// The ASN.
    pub asn: AsnId,
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl Loader<SummaryOf> for DbLoader {
    type Value = MonthMinutes;
    type Error = AppError;

    async fn load(&self, keys: &[SummaryOf]) -> Result<HashMap<SummaryOf, MonthMinutes>, AppError> {
        // One statement per distinct month in the batch (normally one).
        let mut by_month: BTreeMap<(i32, u32), Vec<AsnId>> = BTreeMap::new();
        for key in keys {
            by_month
                .entry((key.year, key.month))
                .or_default()
                .push(key.asn);
        }
        let mut conn = self.db.conn().await?;
        let mut out = HashMap::with_capacity(keys.len());
        for ((year, month), asns) in by_month {
            for (asn, minutes) in summary::month_minutes(&mut conn, &asns, year, month).await? {
                out.insert(SummaryOf { asn, year, month }, minutes);
            }
        }
        Ok(out)
    }
}
