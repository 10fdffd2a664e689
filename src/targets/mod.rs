//! Performance targets: the Rencana Hasil Kerja (RHK) of an ASN's yearly SKP.
//!
//! Rules (PermenPANRB 6/2022 on the SKP, DESIGN §1 "Planning and daily work"):
//! - an ASN writes their own RHK for a year, UTAMA or TAMBAHAN, each with its indicators
//!   (Indikator Kinerja Individu: aspect KUANTITAS / KUALITAS / WAKTU, target value, unit);
//! - an RHK cascades from the supervisor's: `parentTarget` must be an RHK of the ASN's direct
//!   supervisor for the same year;
//! - the owner edits a DRAFT; the direct supervisor (pejabat penilai) agrees it, DRAFT → AGREED,
//!   after which it no longer changes;
//! - targets are readable by whoever may read the owner's personal records and by the owner's
//!   direct reports, who need them to cascade their own ([`crate::auth::rules::can_read_targets`]).

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod mutations;
pub mod queries;
pub mod validate;
