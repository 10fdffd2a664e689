//! Writing evaluations: create (the ASN's supervisor), update (the evaluator, DRAFT only) and
//! publish (both ratings set). Each is one transaction with its audit entries and events.

use std::collections::BTreeMap;

use async_graphql::{Context, ID, InputObject, Object};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::model::{CoreValue, Evaluation, EvaluationStatus, Period, PeriodKind};
use super::predikat::predikat;
use super::workflow::{check_editable, check_publishable};
use crate::asn::model::Asn;
use crate::audit::{self, Change};
use crate::auth::rules::is_direct_supervisor;
use crate::db::schema::{evaluation_behaviour_notes, evaluations};
use crate::error::{AppError, AppResult};
use crate::events::{self, EventKind};
use crate::graphql::context::ContextExt;
use crate::ids::{AsnId, EvaluationId};
use crate::ratings::Rating;

/// An evaluation period.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct PeriodInput {
    /// Year.
    pub year: i32,
    /// QUARTERLY, ANNUAL or MONTHLY.
    pub kind: PeriodKind,
    /// Quarter 1–4, month 1–12, or 1 for ANNUAL.
    pub number: i32,
}

/// A note on one BerAKHLAK core value.
#[derive(InputObject, Debug, Clone)]
pub struct BehaviourNoteInput {
    /// The core value.
    pub value: CoreValue,
    /// The note (1–2000 characters).
    pub note: String,
}

/// A new evaluation, written by the ASN's direct supervisor.
#[derive(InputObject, Debug)]
pub struct CreateEvaluationInput {
    /// The ASN to evaluate.
    pub asn_id: ID,
    /// The period; one evaluation per ASN per period.
    pub period: PeriodInput,
    /// Rating of hasil kerja.
    pub work_result_rating: Option<Rating>,
    /// Rating of perilaku kerja.
    pub behaviour_rating: Option<Rating>,
    /// Summary (up to 5000 characters).
    pub summary: Option<String>,
    /// Notes per core value (each value at most once).
    pub behaviour_notes: Option<Vec<BehaviourNoteInput>>,
}

/// Changes to a DRAFT evaluation; omitted fields stay as they are.
#[derive(InputObject, Debug)]
pub struct UpdateEvaluationInput {
    /// The evaluation.
    pub id: ID,
    /// New rating of hasil kerja.
    pub work_result_rating: Option<Rating>,
    /// New rating of perilaku kerja.
    pub behaviour_rating: Option<Rating>,
    /// New summary.
    pub summary: Option<String>,
    /// Notes per core value; replaces the notes of the values given.
    pub behaviour_notes: Option<Vec<BehaviourNoteInput>>,
}

fn checked_notes(notes: Option<Vec<BehaviourNoteInput>>) -> AppResult<BTreeMap<CoreValue, String>> {
    let mut out = BTreeMap::new();
    for note in notes.unwrap_or_default() {
        let text = note.note.trim();
        if text.is_empty() || text.chars().count() > 2000 {
            return Err(AppError::bad_input(format!(
                "the note on {} must have 1–2000 characters",
                note.value.as_str()
            )));
        }
        if out.insert(note.value, text.to_owned()).is_some() {
            return Err(AppError::bad_input(format!(
                "{} has more than one note",
                note.value.as_str()
            )));
        }
    }
    Ok(out)
}

fn checked_summary(summary: Option<String>) -> AppResult<Option<String>> {
    match summary.map(|s| s.trim().to_owned()) {
        Some(s) if s.chars().count() > 5000 => Err(AppError::bad_input(
            "summary is longer than 5000 characters",
        )),
        other => Ok(other),
    }
}

async fn write_notes(
    conn: &mut AsyncPgConnection,
    id: EvaluationId,
    notes: &BTreeMap<CoreValue, String>,
) -> AppResult<()> {
    for (value, note) in notes {
        diesel::insert_into(evaluation_behaviour_notes::table)
            .values((
                evaluation_behaviour_notes::evaluation_id.eq(id),
                evaluation_behaviour_notes::core_value.eq(value),
                evaluation_behaviour_notes::note.eq(note),
            ))
            .on_conflict((
                evaluation_behaviour_notes::evaluation_id,
                evaluation_behaviour_notes::core_value,
            ))
            .do_update()
            .set(evaluation_behaviour_notes::note.eq(note))
            .execute(conn)
            .await?;
    }
    Ok(())
}

fn ratings_json(e: &Evaluation) -> serde_json::Value {
    json!({
        "workResultRating": e.work_result_rating,
        "behaviourRating": e.behaviour_rating,
        "predikat": e.predikat,
        "status": e.status,
    })
}

/// Locks an evaluation row for the rest of the transaction.
pub async fn lock(conn: &mut AsyncPgConnection, id: EvaluationId) -> AppResult<Evaluation> {
    evaluations::table
        .find(id)
        .select(Evaluation::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| AppError::not_found("no evaluation with that ID"))
}

/// Evaluation mutations.
#[derive(Default)]
pub struct EvaluationsMutation;

#[Object]
impl EvaluationsMutation {
    /// Starts an evaluation of one of the viewer's direct reports for a period (DRAFT).
    async fn create_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ASN, the period and any ratings and notes so far.")]
        input: CreateEvaluationInput,
    ) -> AppResult<Evaluation> {
        let viewer = ctx.viewer()?;
        let asn_id = AsnId::from_global(&input.asn_id)?;
        let period = Period {
            year: input.period.year,
            kind: input.period.kind,
            number: input.period.number,
        }
        .validate()
        .map_err(AppError::bad_input)?;
        let notes = checked_notes(input.behaviour_notes)?;
        let summary = checked_summary(input.summary)?;
        let subject: Asn = ctx
            .loaders()?
            .load_one(asn_id)
            .await?
            .ok_or_else(|| AppError::not_found("no ASN with that ID"))?;
        if !is_direct_supervisor(viewer, subject.person()) {
            return Err(AppError::forbidden(
                "only the ASN's direct supervisor (pejabat penilai) may evaluate them",
            ));
        }
        let predikat = input
            .work_result_rating
            .zip(input.behaviour_rating)
            .map(|(w, b)| predikat(w, b));
        let now = ctx.time()?.now();
        let evaluator = viewer.asn_id;
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let created: Evaluation = diesel::insert_into(evaluations::table)
                .values((
                    evaluations::asn_id.eq(asn_id),
                    evaluations::evaluator_id.eq(evaluator),
                    evaluations::period_year.eq(period.year),
                    evaluations::period_kind.eq(period.kind),
                    evaluations::period_number.eq(period.number),
                    evaluations::work_result_rating.eq(input.work_result_rating),
                    evaluations::behaviour_rating.eq(input.behaviour_rating),
                    evaluations::predikat.eq(predikat),
                    evaluations::summary.eq(summary),
                    evaluations::created_at.eq(now),
                    evaluations::updated_at.eq(now),
                ))
                .returning(Evaluation::as_returning())
                .get_result(conn)
                .await
                .map_err(|err| match AppError::from(err) {
                    e if e.code() == crate::error::ErrorCode::Conflict => AppError::conflict(
                        format!("this ASN already has an evaluation for {}", period.label()),
                    ),
                    e => e,
                })?;
            write_notes(conn, created.id, &notes).await?;
            audit::record(
                conn,
                Change {
                    actor: Some(evaluator),
                    subject: asn_id,
                    entity_type: EvaluationId::TYPE_NAME,
                    entity_id: created.id.0,
                    action: "CREATED",
                    before: None,
                    after: Some(ratings_json(&created)),
                },
                now,
            )
            .await?;
            Ok(created)
        })
        .await
    }

    /// Changes a DRAFT evaluation (its evaluator only).
    async fn update_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation and the fields to change.")] input: UpdateEvaluationInput,
    ) -> AppResult<Evaluation> {
        let viewer = ctx.viewer()?;
        let id = EvaluationId::from_global(&input.id)?;
        let notes = checked_notes(input.behaviour_notes)?;
        let summary = checked_summary(input.summary)?;
        let now = ctx.time()?.now();
        let actor = viewer.asn_id;
        let mut conn = ctx.db()?.conn().await?;
        let updated = conn
            .transaction::<_, AppError, _>(async |conn| {
                let before = lock(conn, id).await?;
                if before.evaluator_id != actor {
                    return Err(AppError::forbidden(
                        "only the evaluator may edit an evaluation",
                    ));
                }
                check_editable(before.status)?;
                let work = input.work_result_rating.or(before.work_result_rating);
                let behaviour = input.behaviour_rating.or(before.behaviour_rating);
                let after: Evaluation = diesel::update(evaluations::table.find(id))
                    .set((
                        evaluations::work_result_rating.eq(work),
                        evaluations::behaviour_rating.eq(behaviour),
                        evaluations::predikat.eq(work.zip(behaviour).map(|(w, b)| predikat(w, b))),
                        evaluations::summary.eq(summary.or(before.summary.clone())),
                        evaluations::updated_at.eq(now),
                    ))
                    .returning(Evaluation::as_returning())
                    .get_result(conn)
                    .await?;
                write_notes(conn, id, &notes).await?;
                if (before.work_result_rating, before.behaviour_rating) != (work, behaviour) {
                    audit::record(
                        conn,
                        Change {
                            actor: Some(actor),
                            subject: before.asn_id,
                            entity_type: EvaluationId::TYPE_NAME,
                            entity_id: id.0,
                            action: "RATINGS_CHANGED",
                            before: Some(ratings_json(&before)),
                            after: Some(ratings_json(&after)),
                        },
                        now,
                    )
                    .await?;
                }
                Ok(after)
            })
            .await?;
        ctx.loaders()?.feed_one(updated.id, updated.clone()).await;
        Ok(updated)
    }

    /// Publishes a DRAFT evaluation to the evaluated ASN (both ratings must be set); the appeal
    /// window starts now.
    async fn publish_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation.")] id: ID,
    ) -> AppResult<Evaluation> {
        let viewer = ctx.viewer()?;
        let id = EvaluationId::from_global(&id)?;
        let now = ctx.time()?.now();
        let actor = viewer.asn_id;
        let mut conn = ctx.db()?.conn().await?;
        let published = conn
            .transaction::<_, AppError, _>(async |conn| {
                let before = lock(conn, id).await?;
                if before.evaluator_id != actor {
                    return Err(AppError::forbidden(
                        "only the evaluator may publish an evaluation",
                    ));
                }
                check_publishable(&before)?;
                let after: Evaluation = diesel::update(evaluations::table.find(id))
                    .set((
                        evaluations::status.eq(EvaluationStatus::Published),
                        evaluations::published_at.eq(now),
                        evaluations::updated_at.eq(now),
                    ))
                    .returning(Evaluation::as_returning())
                    .get_result(conn)
                    .await?;
                audit::record(
                    conn,
                    Change {
                        actor: Some(actor),
                        subject: after.asn_id,
                        entity_type: EvaluationId::TYPE_NAME,
                        entity_id: id.0,
                        action: "PUBLISHED",
                        before: Some(ratings_json(&before)),
                        after: Some(ratings_json(&after)),
                    },
                    now,
                )
                .await?;
                events::publish(
                    conn,
                    EventKind::EvaluationPublished,
                    id.0,
                    json!({ "asnId": after.asn_id, "evaluatorId": actor }),
                    now,
                )
                .await?;
                Ok(after)
            })
            .await?;
        ctx.loaders()?
            .feed_one(published.id, published.clone())
            .await;
        Ok(published)
    }
}
