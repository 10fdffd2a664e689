//! Supervision visit and observation rows as stored.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{observations, supervision_visits};
use crate::ids::{AsnId, ObservationId, UnitId, VisitId};
use crate::ratings::Rating;

/// A visit of the independent team to a unit.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = supervision_visits, check_for_backend(diesel::pg::Pg))]
pub struct SupervisionVisit {
    /// Row id.
    pub id: VisitId,
    /// The visited unit.
    pub unit_id: UnitId,
    /// Day of the visit (local calendar).
    pub visited_on: NaiveDate,
    /// What the team saw overall.
    pub summary: String,
    /// The inspector who recorded the visit.
    pub recorded_by: AsnId,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// A direct observation of one ASN during a visit.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = observations, check_for_backend(diesel::pg::Pg))]
pub struct Observation {
    /// Row id.
    pub id: ObservationId,
    /// The visit.
    pub visit_id: VisitId,
    /// The observed ASN.
    pub asn_id: AsnId,
    /// What the team found.
    pub finding: String,
    /// Service quality against expectation.
    pub rating: Rating,
    /// Link to evidence (photo, document).
    pub evidence_url: Option<String>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// A new visit.
#[derive(Debug, Insertable)]
#[diesel(table_name = supervision_visits)]
pub struct NewVisit<'a> {
    /// The visited unit.
    pub unit_id: UnitId,
    /// Day of the visit.
    pub visited_on: NaiveDate,
    /// Summary, trimmed.
    pub summary: &'a str,
    /// The recording inspector.
    pub recorded_by: AsnId,
    /// Now.
    pub created_at: DateTime<Utc>,
}

/// A new observation.
#[derive(Debug, Insertable)]
#[diesel(table_name = observations)]
pub struct NewObservation<'a> {
    /// The visit.
    pub visit_id: VisitId,
    /// The observed ASN.
    pub asn_id: AsnId,
    /// Finding, trimmed.
    pub finding: &'a str,
    /// Rating.
    pub rating: Rating,
    /// Evidence link.
    pub evidence_url: Option<&'a str>,
    /// Now.
    pub created_at: DateTime<Utc>,
}
