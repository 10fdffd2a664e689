//! An event with its record and the facts the visibility rules need, loaded once per instance
//! (by the hub) or per replay, never once per subscriber.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{EventKind, EventRow};
use crate::activities::model::Activity;
use crate::appeals::model::Appeal;
use crate::asn::model::Asn;
use crate::db::Db;
use crate::db::schema::{activities, appeals, asn, evaluations, feedback, units};
use crate::error::AppResult;
use crate::evaluations::model::Evaluation;
use crate::feedback::model::Feedback;
use crate::ids::{ActivityId, AppealId, AsnId, EvaluationId, FeedbackId};

/// An ASN with the path of their unit: what read rules need about a record's subject.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The ASN.
    pub asn: Asn,
    /// Path of their unit.
    pub unit_path: String,
}

/// The record an event is about.
#[derive(Debug, Clone)]
pub enum Record {
    /// A published evaluation and its evaluated ASN.
    Evaluation {
        /// The evaluation.
        evaluation: Evaluation,
        /// The evaluated ASN.
        subject: Facts,
    },
    /// A filed or decided appeal, its evaluation's evaluator and the appellant.
    Appeal {
        /// The appeal.
        appeal: Appeal,
        /// The appellant.
        subject: Facts,
        /// The evaluator of the appealed evaluation.
        evaluator: Asn,
    },
    /// A reviewed activity and its owner.
    Activity {
        /// The activity.
        activity: Activity,
        /// The ASN who reported it.
        subject: Facts,
    },
    /// New feedback and its recipient.
    Feedback {
        /// The entry.
        feedback: Feedback,
        /// Its recipient.
        recipient: Facts,
    },
    /// The record no longer exists (or the kind is not delivered live).
    Gone,
}

/// An outbox event with its record.
#[derive(Debug, Clone)]
pub struct LoadedEvent {
    /// The outbox row.
    pub event: EventRow,
    /// Its record.
    pub record: Record,
}

/// Loads the records of `rows` with one statement per kind of record.
pub async fn load_records(db: &Db, rows: Vec<EventRow>) -> AppResult<Vec<LoadedEvent>> {
    let mut conn = db.conn().await?;
    let ids_of = |kinds: &[EventKind]| -> Vec<i64> {
        rows.iter()
            .filter(|r| kinds.contains(&r.kind))
            .map(|r| r.entity_id)
            .collect()
    };
    let evaluation_ids = ids_of(&[EventKind::EvaluationPublished]);
    let appeal_ids = ids_of(&[EventKind::AppealFiled, EventKind::AppealDecided]);
    let activity_ids = ids_of(&[EventKind::ActivityReviewed]);
    let feedback_ids = ids_of(&[EventKind::FeedbackAdded]);

    let evaluations: HashMap<EvaluationId, Evaluation> = if evaluation_ids.is_empty() {
        HashMap::new()
    } else {
        evaluations::table
            .filter(
                evaluations::id.eq_any(
                    evaluation_ids
                        .into_iter()
                        .map(EvaluationId)
                        .collect::<Vec<_>>(),
                ),
            )
            .select(Evaluation::as_select())
            .load::<Evaluation>(&mut conn)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect()
    };
    let appeals: HashMap<AppealId, (Appeal, AsnId)> = if appeal_ids.is_empty() {
        HashMap::new()
    } else {
        appeals::table
            .inner_join(evaluations::table)
            .filter(appeals::id.eq_any(appeal_ids.into_iter().map(AppealId).collect::<Vec<_>>()))
            .select((Appeal::as_select(), evaluations::evaluator_id))
            .load::<(Appeal, AsnId)>(&mut conn)
            .await?
            .into_iter()
            .map(|(a, evaluator)| (a.id, (a, evaluator)))
            .collect()
    };
    let activities: HashMap<ActivityId, Activity> = if activity_ids.is_empty() {
        HashMap::new()
    } else {
        activities::table
            .filter(
                activities::id.eq_any(activity_ids.into_iter().map(ActivityId).collect::<Vec<_>>()),
            )
            .select(Activity::as_select())
            .load::<Activity>(&mut conn)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect()
    };
    let entries: HashMap<FeedbackId, Feedback> = if feedback_ids.is_empty() {
        HashMap::new()
    } else {
        feedback::table
            .filter(
                feedback::id.eq_any(feedback_ids.into_iter().map(FeedbackId).collect::<Vec<_>>()),
            )
            .select(Feedback::as_select())
            .load::<Feedback>(&mut conn)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect()
    };
    let mut people: Vec<AsnId> = evaluations.values().map(|e| e.asn_id).collect();
    people.extend(entries.values().map(|f| f.recipient_id));
    people.extend(activities.values().map(|a| a.asn_id));
    people.extend(
        appeals
            .values()
            .flat_map(|(a, evaluator)| [a.appellant_id, *evaluator]),
    );
    let facts: HashMap<AsnId, Facts> = if people.is_empty() {
        HashMap::new()
    } else {
        asn::table
            .inner_join(units::table.on(units::id.eq(asn::unit_id)))
            .filter(asn::id.eq_any(people))
            .select((Asn::as_select(), units::path))
            .load::<(Asn, String)>(&mut conn)
            .await?
            .into_iter()
            .map(|(asn, unit_path)| (asn.id, Facts { asn, unit_path }))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|event| {
            let record = match event.kind {
                EventKind::EvaluationPublished => evaluations
                    .get(&EvaluationId(event.entity_id))
                    .and_then(|e| {
                        Some(Record::Evaluation {
                            evaluation: e.clone(),
                            subject: facts.get(&e.asn_id)?.clone(),
                        })
                    }),
                EventKind::AppealFiled | EventKind::AppealDecided => appeals
                    .get(&AppealId(event.entity_id))
                    .and_then(|(a, evaluator)| {
                        Some(Record::Appeal {
                            appeal: a.clone(),
                            subject: facts.get(&a.appellant_id)?.clone(),
                            evaluator: facts.get(evaluator)?.asn.clone(),
                        })
                    }),
                EventKind::ActivityReviewed => {
                    activities.get(&ActivityId(event.entity_id)).and_then(|a| {
                        Some(Record::Activity {
                            activity: a.clone(),
                            subject: facts.get(&a.asn_id)?.clone(),
                        })
                    })
                }
                EventKind::FeedbackAdded => {
                    entries.get(&FeedbackId(event.entity_id)).and_then(|f| {
                        Some(Record::Feedback {
                            feedback: f.clone(),
                            recipient: facts.get(&f.recipient_id)?.clone(),
                        })
                    })
                }
            };
            LoadedEvent {
                event,
                record: record.unwrap_or(Record::Gone),
            }
        })
        .collect())
}
