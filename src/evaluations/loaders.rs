//! Batched evaluation lookups: by id, behaviour notes, and pages per ASN.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::graphql::PeriodFilter;
use super::model::{BehaviourNoteRow, Evaluation};
use super::queries;
use crate::db::ranked::{ChildPage, child_pages_with};
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::pagination::Window;
use crate::ids::{AsnId, EvaluationId};

impl Loader<EvaluationId> for DbLoader {
    type Value = Evaluation;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[EvaluationId],
    ) -> Result<HashMap<EvaluationId, Evaluation>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|e| (e.id, e)).collect())
    }
}

/// The behaviour notes of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NotesOf(pub EvaluationId);

impl Loader<NotesOf> for DbLoader {
    type Value = Vec<BehaviourNoteRow>;
    type Error = AppError;

    async fn load(&self, keys: &[NotesOf]) -> Result<HashMap<NotesOf, Self::Value>, AppError> {
        let ids: Vec<EvaluationId> = keys.iter().map(|k| k.0).collect();
        let mut conn = self.db.conn().await?;
        let mut out: HashMap<NotesOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for note in queries::notes_of(&mut conn, &ids).await? {
            out.entry(NotesOf(note.evaluation_id))
                .or_default()
                .push(note);
        }
        Ok(out)
    }
}

/// A page of an ASN's evaluations; `with_drafts` is false when the ASN reads their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EvaluationsOf {
    /// The evaluated ASN.
    pub asn: AsnId,
    /// The slice.
    pub window: Window,
    /// Whether drafts are included.
    pub with_drafts: bool,
    /// Only these periods.
    pub periods: PeriodFilter,
}

impl Loader<EvaluationsOf> for DbLoader {
    type Value = ChildPage<Evaluation>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[EvaluationsOf],
    ) -> Result<HashMap<EvaluationsOf, Self::Value>, AppError> {
        let mut out = HashMap::with_capacity(keys.len());
        for with_drafts in [true, false] {
            let group: Vec<(AsnId, Window, PeriodFilter)> = keys
                .iter()
                .filter(|k| k.with_drafts == with_drafts)
                .map(|k| (k.asn, k.window, k.periods))
                .collect();
            if group.is_empty() {
                continue;
            }
            let sql = if with_drafts {
                queries::OF_ASN_SQL
            } else {
                queries::OF_ASN_PUBLISHED_SQL
            };
            let pages = child_pages_with(
                &self.db,
                sql,
                &group,
                |e: &Evaluation| e.asn_id,
                PeriodFilter::bind,
            )
            .await?;
            out.extend(pages.into_iter().map(|((asn, window, periods), page)| {
                (
                    EvaluationsOf {
                        asn,
                        window,
                        with_drafts,
                        periods,
                    },
                    page,
                )
            }));
        }
        Ok(out)
    }
}
