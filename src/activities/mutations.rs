//! `createActivity`, `updateActivity` and `reviewActivity`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::{Datelike, NaiveDate, NaiveTime};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::model::{Activity, ActivityDecision, ActivityStatus, ActivityValues};
use super::queries;
use super::validate;
use crate::audit::{self, Change};
use crate::auth::rules;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::{self, EventKind};
use crate::graphql::context::ContextExt;
use crate::graphql::scalars::Date;
use crate::ids::{ActivityId, AsnId, TargetId};

/// A new activity of the viewer.
#[derive(InputObject, Debug)]
pub struct CreateActivityInput {
    /// Local date of the work: not in the future, at most `activityWindowDays` (default 7) ago.
    pub date: Date,
    /// Local start time, `HH:MM`.
    pub start_time: String,
    /// Local end time, `HH:MM`, after the start.
    pub end_time: String,
    /// What was done (1–2000 characters).
    pub description: String,
    /// How much was produced (≥ 0), together with `outputUnit`.
    pub output_quantity: Option<i32>,
    /// Unit of the output, together with `outputQuantity`.
    pub output_unit: Option<String>,
    /// An http(s) link to evidence of the work.
    pub evidence_url: Option<String>,
    /// One of the viewer's own targets (RHK) of the same year.
    pub target_id: Option<ID>,
}

/// Changes to a SUBMITTED or REVISION_REQUESTED activity; omitted fields stay, null clears an
/// optional field.
#[derive(InputObject, Debug)]
pub struct UpdateActivityInput {
    /// The activity.
    pub id: ID,
    /// New date (the same rules as when reporting).
    pub date: Option<Date>,
    /// New start time, `HH:MM`.
    pub start_time: Option<String>,
    /// New end time, `HH:MM`.
    pub end_time: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New output quantity; null removes the output.
    pub output_quantity: MaybeUndefined<i32>,
    /// New output unit; null removes the output.
    pub output_unit: MaybeUndefined<String>,
    /// New evidence link; null removes it.
    pub evidence_url: MaybeUndefined<String>,
    /// New target (one of the viewer's own, same year); null removes it.
    pub target_id: MaybeUndefined<ID>,
}

/// A supervisor's review of a SUBMITTED activity.
#[derive(InputObject, Debug)]
pub struct ReviewActivityInput {
    /// The activity.
    pub activity_id: ID,
    /// APPROVE, REQUEST_REVISION or REJECT.
    pub decision: ActivityDecision,
    /// Why; required for REQUEST_REVISION and REJECT (at most 2000 characters).
    pub note: Option<String>,
}

/// Loads a target for an activity of `owner` and checks it is theirs.
async fn own_target(ctx: &Context<'_>, owner: AsnId, id: &ID) -> AppResult<(TargetId, i32)> {
    let id = TargetId::from_global(id)?;
    let target = ctx
        .loaders()?
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::bad_input("`targetId` names no performance target"))?;
    if target.asn_id != owner {
        return Err(AppError::bad_input(
            "`targetId` must be one of your own targets (RHK)",
        ));
    }
    Ok((target.id, target.year))
}

fn target_year_matches(target_year: Option<i32>, date: NaiveDate) -> AppResult<()> {
    match target_year {
        Some(year) if year != date.year() => Err(AppError::bad_input(format!(
            "`targetId` is an RHK for {year}; an activity on {date} must use an RHK of {}",
            date.year()
        ))),
        _ => Ok(()),
    }
}

/// Rejects `values` if they overlap another non-rejected activity of the same ASN that day.
async fn check_overlap(
    conn: &mut AsyncPgConnection,
    values: &ActivityValues,
    except: Option<ActivityId>,
) -> AppResult<()> {
    let interval = (values.start_time, values.end_time);
    if let Some(other) =
        queries::overlapping(conn, values.asn_id, values.activity_date, interval, except).await?
    {
        return Err(AppError::conflict(format!(
            "{}–{} on {} overlaps your activity {}–{} ({}); intervals of one day must not overlap",
            hhmm(values.start_time),
            hhmm(values.end_time),
            values.activity_date,
            hhmm(other.start_time),
            hhmm(other.end_time),
            other.status.as_str(),
        ))
        .with("conflictingActivityId", other.id.to_global().to_string()));
    }
    Ok(())
}

/// A concurrent write that slipped past [`check_overlap`] is caught by the exclusion constraint.
fn overlap_race(err: AppError) -> AppError {
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("the interval overlaps another activity of yours on that day")
    } else {
        err
    }
}

fn hhmm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

fn not_editable(status: ActivityStatus) -> AppError {
    AppError::invalid_state(match status {
        ActivityStatus::Approved => "the activity is APPROVED; approved activities are immutable",
        ActivityStatus::Rejected => "the activity is REJECTED; rejected activities are final",
        _ => "the activity cannot be changed in its current status",
    })
}

fn not_submitted(status: ActivityStatus) -> AppError {
    AppError::invalid_state(format!(
        "the activity is {}; only SUBMITTED activities are reviewed",
        status.as_str()
    ))
}

async fn load(ctx: &Context<'_>, id: &ID) -> AppResult<Activity> {
    let id = ActivityId::from_global(id)?;
    ctx.loaders()?
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::not_found("no activity with that ID"))
}

/// Activity mutations.
#[derive(Default)]
pub struct ActivitiesMutation;

#[Object]
impl ActivitiesMutation {
    /// Reports an activity of the viewer (SUBMITTED, for the direct supervisor to review).
    async fn create_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity.")] input: CreateActivityInput,
    ) -> AppResult<Activity> {
        let viewer = ctx.viewer()?;
        let start = validate::hhmm(&input.start_time, "startTime")?;
        let end = validate::hhmm(&input.end_time, "endTime")?;
        validate::interval(start, end)?;
        let time = ctx.time()?;
        let window = ctx.settings()?.rules.activity_window_days;
        validate::date(input.date.0, time.today(), window)?;
        let description = validate::description(&input.description)?;
        let (output_quantity, output_unit) =
            validate::output(input.output_quantity, input.output_unit.as_deref())?;
        let evidence_url = input
            .evidence_url
            .as_deref()
            .map(validate::evidence_url)
            .transpose()?;
        let target = match &input.target_id {
            Some(id) => Some(own_target(ctx, viewer.asn_id, id).await?),
            None => None,
        };
        target_year_matches(target.map(|t| t.1), input.date.0)?;
        let values = ActivityValues {
            asn_id: viewer.asn_id,
            activity_date: input.date.0,
            start_time: start,
            end_time: end,
            description,
            output_quantity,
            output_unit,
            evidence_url,
            target_id: target.map(|t| t.0),
        };
        let now = time.now();
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            check_overlap(conn, &values, None).await?;
            let activity = queries::insert(conn, &values, now)
                .await
                .map_err(overlap_race)?;
            audit::record(
                conn,
                Change {
                    actor: Some(viewer.asn_id),
                    subject: activity.asn_id,
                    entity_type: ActivityId::TYPE_NAME,
                    entity_id: activity.id.0,
                    action: "SUBMITTED",
                    before: None,
                    after: Some(activity.audit_json()),
                },
                now,
            )
            .await?;
            Ok(activity)
        })
        .await
    }

    /// Edits an activity of the viewer that is SUBMITTED or REVISION_REQUESTED; an edited
    /// REVISION_REQUESTED activity is SUBMITTED again. APPROVED activities are immutable.
    async fn update_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateActivityInput,
    ) -> AppResult<Activity> {
        let viewer = ctx.viewer()?;
        let activity = load(ctx, &input.id).await?;
        if !rules::is_owner(viewer, activity.asn_id) {
            return Err(AppError::forbidden(
                "only the ASN who reported an activity edits it",
            ));
        }
        if !activity.status.editable() {
            return Err(not_editable(activity.status));
        }
        let start = input
            .start_time
            .as_deref()
            .map(|s| validate::hhmm(s, "startTime"))
            .transpose()?;
        let end = input
            .end_time
            .as_deref()
            .map(|s| validate::hhmm(s, "endTime"))
            .transpose()?;
        let description = input
            .description
            .as_deref()
            .map(validate::description)
            .transpose()?;
        let evidence_url = match &input.evidence_url {
            MaybeUndefined::Value(url) => Some(Some(validate::evidence_url(url)?)),
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Undefined => None,
        };
        let target = match &input.target_id {
            MaybeUndefined::Value(id) => Some(Some(own_target(ctx, viewer.asn_id, id).await?)),
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Undefined => None,
        };
        // The current target's year, for when only the date changes.
        let current_target_year = match activity.target_id {
            Some(id) => ctx.loaders()?.load_one(id).await?.map(|t| t.year),
            None => None,
        };
        let time = ctx.time()?;
        let (today, window, now) = (
            time.today(),
            ctx.settings()?.rules.activity_window_days,
            time.now(),
        );
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let current = queries::lock(conn, activity.id)
                .await?
                .ok_or_else(|| AppError::not_found("no activity with that ID"))?;
            if !current.status.editable() {
                return Err(not_editable(current.status));
            }
            let mut values = ActivityValues::of(&current);
            if let Some(date) = input.date
                && date.0 != current.activity_date
            {
                validate::date(date.0, today, window)?;
                values.activity_date = date.0;
            }
            values.start_time = start.unwrap_or(values.start_time);
            values.end_time = end.unwrap_or(values.end_time);
            validate::interval(values.start_time, values.end_time)?;
            if let Some(description) = &description {
                values.description.clone_from(description);
            }
            let quantity = match input.output_quantity {
                MaybeUndefined::Value(q) => Some(q),
                MaybeUndefined::Null => None,
                MaybeUndefined::Undefined => values.output_quantity,
            };
            let unit = match &input.output_unit {
                MaybeUndefined::Value(u) => Some(u.clone()),
                MaybeUndefined::Null => None,
                MaybeUndefined::Undefined => values.output_unit.clone(),
            };
            (values.output_quantity, values.output_unit) =
                validate::output(quantity, unit.as_deref())?;
            if let Some(url) = &evidence_url {
                values.evidence_url.clone_from(url);
            }
            let target_year = match target {
                Some(new) => {
                    values.target_id = new.map(|t| t.0);
                    new.map(|t| t.1)
                }
                None => current_target_year,
            };
            target_year_matches(target_year, values.activity_date)?;
            check_overlap(conn, &values, Some(current.id)).await?;
            let resubmit = current.status == ActivityStatus::RevisionRequested;
            let updated = queries::edit(conn, current.id, &values, resubmit, now)
                .await
                .map_err(overlap_race)?;
            audit::record(
                conn,
                Change {
                    actor: Some(viewer.asn_id),
                    subject: updated.asn_id,
                    entity_type: ActivityId::TYPE_NAME,
                    entity_id: updated.id.0,
                    action: if resubmit { "RESUBMITTED" } else { "UPDATED" },
                    before: Some(current.audit_json()),
                    after: Some(updated.audit_json()),
                },
                now,
            )
            .await?;
            Ok(updated)
        })
        .await
    }

    /// Reviews a SUBMITTED activity: only the ASN's direct supervisor may. Writes the audit
    /// entry and the ACTIVITY_REVIEWED event with the change.
    async fn review_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review.")] input: ReviewActivityInput,
    ) -> AppResult<Activity> {
        let viewer = ctx.viewer()?;
        let note = validate::review_note(input.decision, input.note.as_deref())?;
        let activity = load(ctx, &input.activity_id).await?;
        let owner = ctx
            .loaders()?
            .load_one(activity.asn_id)
            .await?
            .ok_or_else(|| AppError::internal("activity without ASN"))?;
        if !rules::is_direct_supervisor(viewer, owner.person()) {
            return Err(AppError::forbidden(
                "only the ASN's direct supervisor (pejabat penilai) reviews their activities",
            ));
        }
        if activity.status != ActivityStatus::Submitted {
            return Err(not_submitted(activity.status));
        }
        let status = input.decision.status();
        let now = ctx.time()?.now();
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let current = queries::lock(conn, activity.id)
                .await?
                .ok_or_else(|| AppError::not_found("no activity with that ID"))?;
            if current.status != ActivityStatus::Submitted {
                return Err(not_submitted(current.status));
            }
            let reviewed = queries::review(
                conn,
                current.id,
                status,
                viewer.asn_id,
                note.as_deref(),
                now,
            )
            .await?;
            audit::record(
                conn,
                Change {
                    actor: Some(viewer.asn_id),
                    subject: reviewed.asn_id,
                    entity_type: ActivityId::TYPE_NAME,
                    entity_id: reviewed.id.0,
                    action: "REVIEWED",
                    before: Some(json!({ "status": current.status.as_str() })),
                    after: Some(json!({ "status": status.as_str(), "note": note })),
                },
                now,
            )
            .await?;
            events::publish(
                conn,
                EventKind::ActivityReviewed,
                reviewed.id.0,
                json!({
                    "asnId": reviewed.asn_id.0,
                    "reviewerId": viewer.asn_id.0,
                    "status": status.as_str(),
                }),
                now,
            )
            .await?;
            Ok(reviewed)
        })
        .await
    }
}
