//! Dashboard aggregates of a unit: `performanceSummary`, `performanceTrend`,
//! `evaluatorCalibration` and `distributionCheck`.
//!
//! Rules:
//! - who may read a unit's aggregates, and over which records, is
//!   [`crate::auth::rules::aggregate_coverage`]: ADMIN and ANALYST over all records (ANALYST
//!   still reads no personal record one by one), a UNIT_ADMIN of the unit or above it, the
//!   heads of the unit and of the units above it and their supervisor chain, and inspectors of
//!   visited units over the records they may read; everyone else gets FORBIDDEN;
//! - an evaluation counts once published: PUBLISHED, APPEALED and FINAL (a PUBLISHED one whose
//!   appeal window has closed is FINAL); DRAFT never enters a predikat figure and only shows in
//!   the status counts;
//! - an ASN belongs to the unit they work in now; activities count by their date, evaluations
//!   and appeals by the evaluation's period;
//! - the target of effective minutes is the configured monthly target × the months of the
//!   period × the active staff counted (targets (RHK) carry no minutes);
//! - the pola distribusi of a capaian kinerja organisasi (PermenPANRB 6/2022, [`pola`]) is
//!   checked on the staff without the unit's head, and reported, never enforced;
//! - every figure is computed in SQL: one statement for the access check and one per field,
//!   whatever the number of rows or periods;
//! - a viewer who may read the counted records only in aggregate (the ANALYST) is not shown
//!   figures describing fewer than `KINERJA_MIN_AGGREGATE_GROUP` ASN (default 5), directly or
//!   by difference with other figures ([`suppression`], which also lists what is not
//!   protected); each answer says what it withholds (`suppressed`, `minimumGroupSize`). The
//!   group sizes come with the figures, in the same statement.

pub mod access;
pub mod by_evaluator;
pub mod calibration;
pub mod counts;
pub mod distribution;
pub mod figures;
pub mod graphql;
pub mod periods;
pub mod pola;
pub mod summary;
pub mod suppression;
