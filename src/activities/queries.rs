//! Activity queries. Lists filter on the viewer's readable ASN in SQL, so pages, counts and
//! summaries never include a row the viewer may not read.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::{Activity, ActivityStatus, ActivityValues};
use crate::auth::Viewer;
use crate::auth::rules::{RecordKind, readable_asn_ids};
use crate::db::schema::{activities as ac, asn};
use crate::error::AppResult;
use crate::graphql::pagination::{OrderDirection, Window};
use crate::ids::{ActivityId, AsnId, UnitId};
use crate::units::queries::asn_in_subtree;

/// Which activities a list shows (besides the viewer's visibility).
#[derive(Debug, Clone, Default)]
pub struct ActivityCriteria {
    /// Of this ASN.
    pub asn: Option<AsnId>,
    /// Of the ASN working in this unit or its sub-units.
    pub unit: Option<UnitId>,
    /// On or after this date.
    pub from: Option<NaiveDate>,
    /// On or before this date.
    pub to: Option<NaiveDate>,
    /// In these statuses (empty: all).
    pub statuses: Vec<ActivityStatus>,
}

/// Sort keys of activity lists.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActivityOrderField {
    /// By date and start time.
    #[default]
    Date,
    /// By the time the activity was reported.
    SubmittedAt,
    /// By duration.
    Minutes,
}

fn filtered(viewer: &Viewer, criteria: &ActivityCriteria) -> ac::BoxedQuery<'static, Pg> {
    let mut query = ac::table.into_boxed();
    if let Some(readable) = readable_asn_ids(viewer, RecordKind::Inspectable) {
        query = query.filter(ac::asn_id.eq_any(readable));
    }
    if let Some(owner) = criteria.asn {
        query = query.filter(ac::asn_id.eq(owner));
    }
    if let Some(unit) = criteria.unit {
        let members = asn::table
            .filter(asn_in_subtree(unit))
            .select(asn::id)
            .into_boxed();
        query = query.filter(ac::asn_id.eq_any(members));
    }
    if let Some(from) = criteria.from {
        query = query.filter(ac::activity_date.ge(from));
    }
    if let Some(to) = criteria.to {
        query = query.filter(ac::activity_date.le(to));
    }
    if !criteria.statuses.is_empty() {
        query = query.filter(ac::status.eq_any(criteria.statuses.clone()));
    }
    query
}

/// Number of activities matching `criteria` that `viewer` may read.
pub async fn count(
    conn: &mut AsyncPgConnection,
    viewer: &Viewer,
    criteria: &ActivityCriteria,
) -> AppResult<i64> {
    Ok(filtered(viewer, criteria).count().get_result(conn).await?)
}

/// The activities of `window` in the given order, plus one more if it exists.
pub async fn page(
    conn: &mut AsyncPgConnection,
    viewer: &Viewer,
    criteria: &ActivityCriteria,
    order: (ActivityOrderField, OrderDirection),
    window: Window,
) -> AppResult<Vec<Activity>> {
    use ActivityOrderField as F;
    use OrderDirection::{Asc, Desc};
    let query = filtered(viewer, criteria).select(Activity::as_select());
    let query = match order {
        (F::Date, Asc) => query.order_by((ac::activity_date.asc(), ac::start_time.asc())),
        (F::Date, Desc) => query.order_by((ac::activity_date.desc(), ac::start_time.desc())),
        (F::SubmittedAt, Asc) => query.order_by(ac::created_at.asc()),
        (F::SubmittedAt, Desc) => query.order_by(ac::created_at.desc()),
        (F::Minutes, Asc) => query.order_by(ac::minutes.asc()),
        (F::Minutes, Desc) => query.order_by(ac::minutes.desc()),
    };
    let query = match order.1 {
        Asc => query.then_order_by(ac::id.asc()),
        Desc => query.then_order_by(ac::id.desc()),
    };
    Ok(query
        .offset(window.offset)
        .limit(window.limit + 1)
        .load(conn)
        .await?)
}

/// Activities by id, in no particular order.
pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[ActivityId]) -> AppResult<Vec<Activity>> {
    Ok(ac::table
        .filter(ac::id.eq_any(ids))
        .select(Activity::as_select())
        .load(conn)
        .await?)
}

/// The activity `id`, locked until the transaction ends.
pub async fn lock(conn: &mut AsyncPgConnection, id: ActivityId) -> AppResult<Option<Activity>> {
    Ok(ac::table
        .filter(ac::id.eq(id))
        .select(Activity::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

/// An activity of `owner` on `date` (other than `except`, not rejected) whose interval overlaps
/// `start`–`end`.
pub async fn overlapping(
    conn: &mut AsyncPgConnection,
    owner: AsnId,
    date: NaiveDate,
    (start, end): (NaiveTime, NaiveTime),
    except: Option<ActivityId>,
) -> AppResult<Option<Activity>> {
    let mut query = ac::table
        .filter(ac::asn_id.eq(owner))
        .filter(ac::activity_date.eq(date))
        .filter(ac::status.ne(ActivityStatus::Rejected))
        .filter(ac::start_time.lt(end))
        .filter(ac::end_time.gt(start))
        .select(Activity::as_select())
        .order_by(ac::start_time)
        .into_boxed();
    if let Some(except) = except {
        query = query.filter(ac::id.ne(except));
    }
    Ok(query.first(conn).await.optional()?)
}

/// Inserts an activity (SUBMITTED) reported at `at`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    values: &ActivityValues,
    at: DateTime<Utc>,
) -> AppResult<Activity> {
    Ok(diesel::insert_into(ac::table)
        .values((values, ac::created_at.eq(at), ac::updated_at.eq(at)))
        .returning(Activity::as_returning())
        .get_result(conn)
        .await?)
}

/// Writes edited values; a REVISION_REQUESTED activity becomes SUBMITTED again and loses its
/// review (the audit trail keeps it).
pub async fn edit(
    conn: &mut AsyncPgConnection,
    id: ActivityId,
    values: &ActivityValues,
    resubmit: bool,
    at: DateTime<Utc>,
) -> AppResult<Activity> {
    let target = ac::table.filter(ac::id.eq(id));
    let query = if resubmit {
        diesel::update(target)
            .set((
                values,
                ac::status.eq(ActivityStatus::Submitted),
                ac::reviewed_by.eq(None::<AsnId>),
                ac::reviewed_at.eq(None::<DateTime<Utc>>),
                ac::review_note.eq(None::<String>),
                ac::updated_at.eq(at),
            ))
            .returning(Activity::as_returning())
            .get_result(conn)
            .await?
    } else {
        diesel::update(target)
            .set((values, ac::updated_at.eq(at)))
            .returning(Activity::as_returning())
            .get_result(conn)
            .await?
    };
    Ok(query)
}

/// Records a review.
pub async fn review(
    conn: &mut AsyncPgConnection,
    id: ActivityId,
    status: ActivityStatus,
    by: AsnId,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<Activity> {
    Ok(diesel::update(ac::table.filter(ac::id.eq(id)))
        .set((
            ac::status.eq(status),
            ac::reviewed_by.eq(by),
            ac::reviewed_at.eq(at),
            ac::review_note.eq(note),
            ac::updated_at.eq(at),
        ))
        .returning(Activity::as_returning())
        .get_result(conn)
        .await?)
}

/// SQL ranking the activities of the ASN in `$1`, newest first, with `{dates}` replaced by
/// extra conditions on `ac.activity_date`.
const OF_ASN_SQL: &str = "SELECT ac.*, \
     count(*) OVER (PARTITION BY ac.asn_id) AS total, \
     row_number() OVER (PARTITION BY ac.asn_id \
         ORDER BY ac.activity_date DESC, ac.start_time DESC, ac.id DESC) AS __rn \
     FROM activities ac WHERE ac.asn_id = ANY($1){dates}";

/// [`OF_ASN_SQL`] limited to `from ..= to`. The bounds are typed dates, rendered as ISO
/// literals, so nothing a client sends reaches the SQL text.
pub fn of_asn_sql(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let mut dates = String::new();
    if let Some(from) = from {
        dates.push_str(&format!(
            " AND ac.activity_date >= DATE '{}'",
            from.format("%Y-%m-%d")
        ));
    }
    if let Some(to) = to {
        dates.push_str(&format!(
            " AND ac.activity_date <= DATE '{}'",
            to.format("%Y-%m-%d")
        ));
    }
    OF_ASN_SQL.replace("{dates}", &dates)
}

/// SQL ranking the activities reported against the targets in `$1`, newest first.
pub const OF_TARGET_SQL: &str = "SELECT ac.*, \
     count(*) OVER (PARTITION BY ac.target_id) AS total, \
     row_number() OVER (PARTITION BY ac.target_id \
         ORDER BY ac.activity_date DESC, ac.start_time DESC, ac.id DESC) AS __rn \
     FROM activities ac WHERE ac.target_id = ANY($1)";
