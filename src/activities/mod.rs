//! Daily activities: the laporan aktivitas harian of the e-Kinerja log.
//!
//! Rules (DESIGN §1 "Planning and daily work"; PermenPANRB 6/2022 on the monitoring of daily
//! performance):
//! - an ASN reports their own activities: a date that is not in the future (local calendar)
//!   and not older than the submission window (`activity_window_days`, default 7, else
//!   `DEADLINE_PASSED`), a start and an end time `HH:MM` (end after start), a description, an
//!   optional output (quantity and unit), an optional http(s) evidence link and optionally one
//!   of their own targets (RHK) of the same year; `minutes` is derived by the database;
//! - the intervals of one ASN on one day never overlap (`CONFLICT`); rejected entries do not
//!   count;
//! - the direct supervisor reviews a SUBMITTED entry: APPROVE, REQUEST_REVISION or REJECT (the
//!   last two with a note); the review is audited and announced (ACTIVITY_REVIEWED) in the same
//!   transaction;
//! - the owner edits SUBMITTED and REVISION_REQUESTED entries (an edited REVISION_REQUESTED
//!   entry is SUBMITTED again); APPROVED and REJECTED entries are final;
//! - activities are readable under [`crate::auth::rules::RecordKind::Inspectable`]; monthly
//!   minutes are summed in SQL against `monthly_target_minutes` (default 6,750).

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod mutations;
pub mod queries;
pub mod summary;
pub mod validate;
