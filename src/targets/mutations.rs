//! `createTarget`, `updateTarget` and `agreeTarget`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use diesel_async::AsyncConnection;
use serde_json::json;

use super::model::{
    IndicatorAspect, IndicatorValues, NewTarget, PerformanceTarget, TargetKind, TargetStatus,
};
use super::queries::{self, TargetChanges};
use super::validate::{indicators, title, year};
use crate::asn::model::Asn;
use crate::audit::{self, Change};
use crate::auth::rules;
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::ids::{AsnId, TargetId};

/// An indicator (Indikator Kinerja Individu) of a target.
#[derive(InputObject, Debug, Clone)]
pub struct IndicatorInput {
    /// Aspect measured.
    pub aspect: IndicatorAspect,
    /// What is measured (1–500 characters).
    pub description: String,
    /// The value to reach (≥ 0).
    pub target_value: f64,
    /// Unit of the value, e.g. `persen` (1–50 characters).
    pub unit_of_measure: String,
}

/// A new RHK of the viewer.
#[derive(InputObject, Debug)]
pub struct CreateTargetInput {
    /// SKP year (2000–2100).
    pub year: i32,
    /// The result to achieve (1–500 characters).
    pub title: String,
    /// UTAMA or TAMBAHAN.
    pub kind: TargetKind,
    /// An RHK of the viewer's direct supervisor for the same year that this one intervenes on.
    pub parent_target_id: Option<ID>,
    /// The indicators, 1–20.
    pub indicators: Vec<IndicatorInput>,
}

/// Changes to a DRAFT target; omitted fields stay as they are.
#[derive(InputObject, Debug)]
pub struct UpdateTargetInput {
    /// The target.
    pub id: ID,
    /// New title.
    pub title: Option<String>,
    /// New kind.
    pub kind: Option<TargetKind>,
    /// New parent RHK (of the direct supervisor, same year); null removes the parent.
    pub parent_target_id: MaybeUndefined<ID>,
    /// New indicators, replacing all current ones (1–20).
    pub indicators: Option<Vec<IndicatorInput>>,
}

/// Checks that `parent` is an RHK of `owner`'s direct supervisor for `year`.
async fn check_parent(
    ctx: &Context<'_>,
    owner: &Asn,
    year: i32,
    parent: TargetId,
) -> AppResult<TargetId> {
    let Some(boss) = owner.supervisor_id else {
        return Err(AppError::bad_input(
            "`parentTargetId`: an ASN without a direct supervisor has no RHK to cascade from",
        ));
    };
    let parent = ctx
        .loaders()?
        .load_one(parent)
        .await?
        .ok_or_else(|| AppError::bad_input("`parentTargetId` names no performance target"))?;
    if parent.asn_id != boss {
        return Err(AppError::bad_input(
            "`parentTargetId` must be an RHK of the ASN's direct supervisor (atasan langsung); \
             this one belongs to someone else",
        ));
    }
    if parent.year != year {
        return Err(AppError::bad_input(format!(
            "`parentTargetId` must be an RHK of the same year: it is for {}, this target for {year}",
            parent.year
        )));
    }
    Ok(parent.id)
}

async fn load_owner(ctx: &Context<'_>, id: AsnId) -> AppResult<Asn> {
    ctx.loaders()?
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::internal("target without ASN"))
}

async fn load_target(ctx: &Context<'_>, id: &ID) -> AppResult<PerformanceTarget> {
    let id = TargetId::from_global(id)?;
    ctx.loaders()?
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::not_found("no performance target with that ID"))
}

fn indicators_json(indicators: &[IndicatorValues]) -> serde_json::Value {
    indicators
        .iter()
        .map(|i| {
            json!({
                "aspect": i.aspect.as_str(),
                "description": i.description,
                "targetValue": i.target_value,
                "unitOfMeasure": i.unit_of_measure,
            })
        })
        .collect()
}

fn not_draft(target: &PerformanceTarget) -> AppError {
    AppError::invalid_state(format!(
        "the target is {}; only a DRAFT target changes",
        target.status.as_str()
    ))
}

/// Target mutations.
#[derive(Default)]
pub struct TargetsMutation;

#[Object]
impl TargetsMutation {
    /// Writes a new RHK of the viewer, as a DRAFT.
    async fn create_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The target.")] input: CreateTargetInput,
    ) -> AppResult<PerformanceTarget> {
        let viewer = ctx.viewer()?;
        let year = year(input.year)?;
        let title = title(&input.title)?;
        let indicators = indicators(&input.indicators)?;
        let owner = load_owner(ctx, viewer.asn_id).await?;
        let parent = match &input.parent_target_id {
            Some(id) => Some(check_parent(ctx, &owner, year, TargetId::from_global(id)?).await?),
            None => None,
        };
        let now = ctx.time()?.now();
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let new = NewTarget {
                asn_id: owner.id,
                year,
                title: &title,
                kind: input.kind,
                parent_target_id: parent,
                created_at: now,
                updated_at: now,
            };
            let target = queries::insert(conn, new, &indicators).await?;
            let mut after = target.audit_json();
            after["indicators"] = indicators_json(&indicators);
            audit::record(
                conn,
                Change {
                    actor: Some(viewer.asn_id),
                    subject: target.asn_id,
                    entity_type: TargetId::TYPE_NAME,
                    entity_id: target.id.0,
                    action: "CREATED",
                    before: None,
                    after: Some(after),
                },
                now,
            )
            .await?;
            Ok(target)
        })
        .await
    }

    /// Changes a DRAFT target; only its owner may.
    async fn update_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateTargetInput,
    ) -> AppResult<PerformanceTarget> {
        let viewer = ctx.viewer()?;
        let target = load_target(ctx, &input.id).await?;
        if !rules::is_owner(viewer, target.asn_id) {
            return Err(AppError::forbidden(
                "only the ASN who owns a target edits it",
            ));
        }
        if target.status != TargetStatus::Draft {
            return Err(not_draft(&target));
        }
        let new_title = input.title.as_deref().map(title).transpose()?;
        let new_indicators = input.indicators.as_deref().map(indicators).transpose()?;
        let owner = load_owner(ctx, target.asn_id).await?;
        let new_parent = match &input.parent_target_id {
            MaybeUndefined::Value(id) => Some(Some(
                check_parent(ctx, &owner, target.year, TargetId::from_global(id)?).await?,
            )),
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Undefined => None,
        };
        let now = ctx.time()?.now();
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let current = queries::lock(conn, target.id)
                .await?
                .ok_or_else(|| AppError::not_found("no performance target with that ID"))?;
            if current.status != TargetStatus::Draft {
                return Err(not_draft(&current));
            }
            let changes = TargetChanges {
                title: new_title.clone().unwrap_or_else(|| current.title.clone()),
                kind: input.kind.unwrap_or(current.kind),
                parent_target_id: new_parent.unwrap_or(current.parent_target_id),
                updated_at: now,
            };
            let mut before = current.audit_json();
            let updated = queries::update(conn, current.id, &changes).await?;
            let mut after = updated.audit_json();
            if let Some(indicators) = &new_indicators {
                let old: Vec<IndicatorValues> = queries::indicators_of(conn, &[current.id])
                    .await?
                    .into_iter()
                    .map(|row| IndicatorValues {
                        aspect: row.aspect,
                        description: row.description,
                        target_value: row.target_value,
                        unit_of_measure: row.unit_of_measure,
                    })
                    .collect();
                queries::replace_indicators(conn, current.id, indicators).await?;
                before["indicators"] = indicators_json(&old);
                after["indicators"] = indicators_json(indicators);
            }
            audit::record(
                conn,
                Change {
                    actor: Some(viewer.asn_id),
                    subject: updated.asn_id,
                    entity_type: TargetId::TYPE_NAME,
                    entity_id: updated.id.0,
                    action: "UPDATED",
                    before: Some(before),
                    after: Some(after),
                },
                now,
            )
            .await?;
            Ok(updated)
        })
        .await
    }

    /// Agrees a DRAFT target (DRAFT → AGREED); only the owner's direct supervisor may.
    async fn agree_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The target.")] id: ID,
    ) -> AppResult<PerformanceTarget> {
        let viewer = ctx.viewer()?;
        let target = load_target(ctx, &id).await?;
        let owner = load_owner(ctx, target.asn_id).await?;
        if !rules::is_direct_supervisor(viewer, owner.person()) {
            return Err(AppError::forbidden(
                "only the ASN's direct supervisor (pejabat penilai) agrees their targets",
            ));
        }
        if target.status != TargetStatus::Draft {
            return Err(not_draft(&target));
        }
        let now = ctx.time()?.now();
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let current = queries::lock(conn, target.id)
                .await?
                .ok_or_else(|| AppError::not_found("no performance target with that ID"))?;
            if current.status != TargetStatus::Draft {
                return Err(not_draft(&current));
            }
            let agreed = queries::agree(conn, current.id, viewer.asn_id, now).await?;
            audit::record(
                conn,
                Change {
                    actor: Some(viewer.asn_id),
                    subject: agreed.asn_id,
                    entity_type: TargetId::TYPE_NAME,
                    entity_id: agreed.id.0,
                    action: "AGREED",
                    before: Some(json!({ "status": current.status.as_str() })),
                    after: Some(json!({ "status": agreed.status.as_str() })),
                },
                now,
            )
            .await?;
            Ok(agreed)
        })
        .await
    }
}
