//! Supervision visits (pengawasan): the independent evaluation team — ASN holding the INSPECTOR
//! role, in Dumai auditors of the Inspektorat Daerah — visits a unit (e.g. a Puskesmas) on a
//! date, records a summary and direct observations of ASN working there, each with a finding,
//! a service-quality rating on the PermenPANRB 6/2022 scale and evidence.
//!
//! Rules: only an INSPECTOR records a visit, and is on its team with the other INSPECTORs they
//! name; observed ASN work in the visited unit or one of its sub-units; a visit lies in the past
//! (or today) and holds at least one observation. A visit (unit, date, summary, team) is readable
//! by every authenticated caller; an observation by the observed ASN, their supervisor chain,
//! unit admins above them, admins and the inspectors on that visit's team
//! ([`crate::auth::rules::can_read_observation`]). Observations are shown beside the
//! evaluations of the same ASN and period ([`loaders::ObservationsOf`]).

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod mutations;
pub mod queries;
