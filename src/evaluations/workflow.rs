//! The evaluation life cycle as pure rules: DRAFT → PUBLISHED → (APPEALED → FINAL) | FINAL when
//! the appeal window closes (PP 30/2019 Pasal 59: keberatan within 14 days of receipt).

use chrono::{DateTime, Duration, Utc};

use super::model::{Evaluation, EvaluationStatus};
use crate::error::{AppError, AppResult};

/// The last moment an appeal may be filed against an evaluation published at `published_at`.
pub fn appeal_deadline(published_at: DateTime<Utc>, window_days: i64) -> DateTime<Utc> {
    published_at + Duration::days(window_days)
}

/// The status as it is now: a PUBLISHED evaluation whose appeal window has closed is FINAL even
/// before the sweeper has written it.
pub fn effective_status(
    evaluation: &Evaluation,
    now: DateTime<Utc>,
    window_days: i64,
) -> EvaluationStatus {
    match (evaluation.status, evaluation.published_at) {
        (EvaluationStatus::Published, Some(published))
            if now > appeal_deadline(published, window_days) =>
        {
            EvaluationStatus::Final
        }
        (status, _) => status,
    }
}

/// Only a DRAFT may be edited.
pub fn check_editable(status: EvaluationStatus) -> AppResult<()> {
    match status {
        EvaluationStatus::Draft => Ok(()),
        other => Err(AppError::invalid_state(format!(
            "only a DRAFT evaluation can be edited; this one is {}",
            other.as_str()
        ))),
    }
}

/// A DRAFT with both ratings may be published.
pub fn check_publishable(evaluation: &Evaluation) -> AppResult<()> {
    check_editable(evaluation.status)?;
    if evaluation.work_result_rating.is_none() || evaluation.behaviour_rating.is_none() {
        return Err(AppError::invalid_state(
            "both workResultRating and behaviourRating must be set before publishing",
        ));
    }
    Ok(())
}

/// An appeal may be filed on a PUBLISHED evaluation within the window.
pub fn check_appealable(
    evaluation: &Evaluation,
    now: DateTime<Utc>,
    window_days: i64,
) -> AppResult<()> {
    match effective_status(evaluation, now, window_days) {
        EvaluationStatus::Published => Ok(()),
        EvaluationStatus::Appealed => Err(AppError::conflict(
            "an appeal on this evaluation is already open",
        )),
        EvaluationStatus::Final if evaluation.status == EvaluationStatus::Published => {
            Err(AppError::deadline_passed(format!(
                "the appeal window of {window_days} days after publication has closed"
            )))
        }
        other => Err(AppError::invalid_state(format!(
            "only a PUBLISHED evaluation can be appealed; this one is {}",
            other.as_str()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluations::model::PeriodKind;
    use crate::ids::{AsnId, EvaluationId};
    use crate::ratings::Rating;

    fn evaluation(status: EvaluationStatus, published: Option<DateTime<Utc>>) -> Evaluation {
        let now = Utc::now();
        Evaluation {
            id: EvaluationId(1),
            asn_id: AsnId(2),
            evaluator_id: AsnId(3),
            period_year: 2026,
            period_kind: PeriodKind::Quarterly,
            period_number: 3,
            work_result_rating: Some(Rating::SesuaiEkspektasi),
            behaviour_rating: None,
            predikat: None,
            summary: None,
            status,
            published_at: published,
            finalized_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn the_appeal_window_closes_after_the_configured_days() {
        let published = Utc::now();
        let e = evaluation(EvaluationStatus::Published, Some(published));
        let inside = published + Duration::days(14);
        let outside = published + Duration::days(14) + Duration::seconds(1);
        assert_eq!(
            effective_status(&e, inside, 14),
            EvaluationStatus::Published
        );
        assert_eq!(effective_status(&e, outside, 14), EvaluationStatus::Final);
        assert!(check_appealable(&e, inside, 14).is_ok());
        assert_eq!(
            check_appealable(&e, outside, 14)
                .unwrap_err()
                .code()
                .as_str(),
            "DEADLINE_PASSED"
        );
        assert_eq!(
            check_appealable(&e, outside, 30).map_err(|e| e.code()),
            Ok(())
        );
    }

    #[test]
    fn states_that_cannot_be_appealed_or_edited() {
        let now = Utc::now();
        let draft = evaluation(EvaluationStatus::Draft, None);
        assert_eq!(
            check_appealable(&draft, now, 14)
                .unwrap_err()
                .code()
                .as_str(),
            "INVALID_STATE"
        );
        let appealed = evaluation(EvaluationStatus::Appealed, Some(now));
        assert_eq!(
            check_appealable(&appealed, now, 14)
                .unwrap_err()
                .code()
                .as_str(),
            "CONFLICT"
        );
        assert!(check_editable(EvaluationStatus::Draft).is_ok());
        for status in [
            EvaluationStatus::Published,
            EvaluationStatus::Appealed,
            EvaluationStatus::Final,
        ] {
            assert_eq!(
                check_editable(status).unwrap_err().code().as_str(),
                "INVALID_STATE"
            );
        }
        assert_eq!(
            check_publishable(&draft).unwrap_err().code().as_str(),
            "INVALID_STATE"
        );
        let mut ready = draft.clone();
        ready.behaviour_rating = Some(Rating::DiAtasEkspektasi);
        assert!(check_publishable(&ready).is_ok());
    }
}
