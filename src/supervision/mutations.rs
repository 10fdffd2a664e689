//! Recording a supervision visit (INSPECTOR only): the visit, its team and its observations in
//! one transaction, with an audit entry per observation (a rating given to an ASN).

use std::collections::HashSet;

use async_graphql::{Context, ID, InputObject, Object};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::json;

use super::model::{NewObservation, NewVisit, SupervisionVisit};
use super::queries;
use crate::asn::model::Asn;
use crate::audit::{self, Change};
use crate::auth::Role;
use crate::auth::rules::{may_be_on_visit_team, may_record_visit};
use crate::db::schema::{observations, supervision_visit_members, supervision_visits};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::scalars::Date;
use crate::ids::{AsnId, ObservationId, UnitId};
use crate::ratings::Rating;
use crate::units::model::Unit;

/// Most observations one visit records at once.
pub const MAX_OBSERVATIONS: usize = 100;
/// Most team members besides the recorder.
pub const MAX_MEMBERS: usize = 20;

/// One observation of a visit.
#[derive(InputObject, Debug)]
pub struct ObservationInput {
    /// The observed ASN; they must work in the visited unit or one of its sub-units.
    pub asn_id: ID,
    /// What the team found (1–5000 characters).
    pub finding: String,
    /// Service quality against expectation.
    pub rating: Rating,
    /// Link to the evidence (http or https, up to 2000 characters).
    pub evidence_url: Option<String>,
}

/// A supervision visit to record.
#[derive(InputObject, Debug)]
pub struct RecordSupervisionVisitInput {
    /// The visited unit.
    pub unit_id: ID,
    /// Day of the visit; not in the future.
    pub visited_on: Date,
    /// What the team saw overall (1–5000 characters).
    pub summary: String,
    /// The observations, at least one (at most 100).
    pub observations: Vec<ObservationInput>,
    /// Other inspectors on the team (each must hold INSPECTOR); the recorder is always on it.
    pub member_ids: Option<Vec<ID>>,
}

/// `text` trimmed, 1..=`max` characters, or BAD_USER_INPUT naming `field`.
pub fn checked_text<'a>(text: &'a str, field: &str, max: usize) -> AppResult<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(format!("`{field}` must not be empty")));
    }
    if text.chars().count() > max {
        return Err(AppError::bad_input(format!(
            "`{field}` is longer than {max} characters"
        )));
    }
    Ok(text)
}

/// An optional evidence link: http(s), no spaces, at most 2000 characters; blank means none.
pub fn checked_url(url: Option<&str>) -> AppResult<Option<&str>> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.chars().any(char::is_whitespace) || url.len() > 2000 {
        return Err(AppError::bad_input(
            "`evidenceUrl` must be an http(s) link without spaces, at most 2000 characters",
        ));
    }
    Ok(Some(url))
}

fn who(asn: &Asn) -> String {
    format!("{} (NIP {})", asn.name, asn.nip)
}

/// Supervision mutations.
#[derive(Default)]
pub struct SupervisionMutation;

#[Object]
impl SupervisionMutation {
    /// Records a supervision visit with its observations (INSPECTOR only). The recorder and the
    /// inspectors in `memberIds` form the team.
    async fn record_supervision_visit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The visit, its observations and its team.")]
        input: RecordSupervisionVisitInput,
    ) -> AppResult<SupervisionVisit> {
        let viewer = ctx.viewer()?;
        let time = ctx.time()?;
        let unit_id = UnitId::from_global(&input.unit_id)?;
        let visited_on = input.visited_on.0;
        if visited_on > time.today() {
            return Err(AppError::bad_input("`visitedOn` must not be in the future"));
        }
        let summary = checked_text(&input.summary, "summary", 5000)?;
        if input.observations.is_empty() {
            return Err(AppError::bad_input(
                "a visit needs at least one observation",
            ));
        }
        if input.observations.len() > MAX_OBSERVATIONS {
            return Err(AppError::bad_input(format!(
                "a visit records at most {MAX_OBSERVATIONS} observations"
            )));
        }
        let mut observed = Vec::with_capacity(input.observations.len());
        for (i, o) in input.observations.iter().enumerate() {
            let field = format!("observations[{i}].finding");
            observed.push((
                AsnId::from_global(&o.asn_id)?,
                checked_text(&o.finding, &field, 5000)?,
                o.rating,
                checked_url(o.evidence_url.as_deref())?,
            ));
        }
        let mut team = vec![viewer.asn_id];
        for id in input.member_ids.iter().flatten() {
            let id = AsnId::from_global(id)?;
            if !team.contains(&id) {
                team.push(id);
            }
        }
        if team.len() > MAX_MEMBERS + 1 {
            return Err(AppError::bad_input(format!(
                "a team has at most {MAX_MEMBERS} members besides the recorder"
            )));
        }
        if !may_record_visit(viewer) {
            return Err(AppError::forbidden(
                "only the independent evaluation team (INSPECTOR) records supervision visits",
            ));
        }

        let loaders = ctx.loaders()?;
        let unit: Unit = loaders
            .load_one(unit_id)
            .await?
            .ok_or_else(|| AppError::not_found("no unit with that ID"))?;
        let people_ids: Vec<AsnId> = observed.iter().map(|o| o.0).chain(team.clone()).collect();
        let people = loaders.load_many(people_ids.iter().copied()).await?;
        let person = |id: AsnId| {
            people
                .get(&id)
                .ok_or_else(|| AppError::not_found(format!("no ASN with ID {}", id.to_global().0)))
        };
        let members: Vec<&Asn> = team
            .iter()
            .map(|id| person(*id))
            .collect::<AppResult<_>>()?;
        let mut conn = ctx.db()?.conn().await?;
        let inspectors: HashSet<AsnId> = queries::inspectors_among(&mut conn, &team)
            .await?
            .into_iter()
            .collect();
        for member in &members {
            let roles: &[Role] = if inspectors.contains(&member.id) {
                &[Role::Inspector]
            } else {
                &[]
            };
            if !may_be_on_visit_team(roles) {
                return Err(AppError::bad_input(format!(
                    "{} does not hold the INSPECTOR role and cannot be on the team",
                    who(member)
                )));
            }
        }
        let unit_ids: Vec<UnitId> = observed
            .iter()
            .map(|o| person(o.0).map(|a| a.unit_id))
            .collect::<AppResult<_>>()?;
        let units = loaders.load_many(unit_ids).await?;
        for (asn_id, ..) in &observed {
            let asn = person(*asn_id)?;
            let in_subtree = units
                .get(&asn.unit_id)
                .is_some_and(|u| u.path.starts_with(&unit.path));
            if !in_subtree {
                return Err(AppError::bad_input(format!(
                    "{} does not work in {} or one of its sub-units",
                    who(asn),
                    unit.name
                )));
            }
            if !asn.active {
                return Err(AppError::bad_input(format!(
                    "{} is not in service",
                    who(asn)
                )));
            }
            if team.contains(asn_id) {
                return Err(AppError::bad_input(format!(
                    "{} is on the team and cannot be observed by it",
                    who(asn)
                )));
            }
        }

        let now = time.now();
        let recorder = viewer.asn_id;
        conn.transaction::<_, AppError, _>(async |conn| {
            let visit: SupervisionVisit = diesel::insert_into(supervision_visits::table)
                .values(NewVisit {
                    unit_id,
                    visited_on,
                    summary,
                    recorded_by: recorder,
                    created_at: now,
                })
                .returning(SupervisionVisit::as_returning())
                .get_result(conn)
                .await?;
            let member_rows: Vec<_> = team
                .iter()
                .map(|id| {
                    (
                        supervision_visit_members::visit_id.eq(visit.id),
                        supervision_visit_members::asn_id.eq(*id),
                    )
                })
                .collect();
            diesel::insert_into(supervision_visit_members::table)
                .values(member_rows)
                .execute(conn)
                .await?;
            let rows: Vec<NewObservation<'_>> = observed
                .iter()
                .map(|(asn_id, finding, rating, evidence_url)| NewObservation {
                    visit_id: visit.id,
                    asn_id: *asn_id,
                    finding,
                    rating: *rating,
                    evidence_url: *evidence_url,
                    created_at: now,
                })
                .collect();
            let created: Vec<(ObservationId, AsnId, Rating)> =
                diesel::insert_into(observations::table)
                    .values(rows)
                    .returning((observations::id, observations::asn_id, observations::rating))
                    .get_results(conn)
                    .await?;
            let changes = created
                .into_iter()
                .map(|(id, asn_id, rating)| Change {
                    actor: Some(recorder),
                    subject: asn_id,
                    entity_type: ObservationId::TYPE_NAME,
                    entity_id: id.0,
                    action: "RECORDED",
                    before: None,
                    after: Some(json!({
                        "visitId": visit.id.0,
                        "unitId": unit_id.0,
                        "visitedOn": visited_on,
                        "rating": rating.as_str(),
                    })),
                })
                .collect();
            // One statement for the entries of all observations.
            audit::record_all(conn, changes, now).await?;
            Ok(visit)
        })
        .await
    }
}
