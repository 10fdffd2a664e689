//! Evaluations (penilaian kinerja, PermenPANRB 6/2022).
//!
//! Rules: the pejabat penilai — the ASN's direct supervisor when the evaluation is created —
//! writes it; one evaluation per ASN per period (QUARTERLY 1–4, ANNUAL, MONTHLY 1–12; the
//! default cycle is quarterly plus annual); only the evaluator edits a DRAFT; publishing needs
//! both ratings; the predikat is a pure function of the two ratings ([`predikat`]); the status
//! flows DRAFT → PUBLISHED → (APPEALED → FINAL) | FINAL when the appeal window closes
//! ([`workflow`]). A DRAFT is hidden from the evaluated ASN. Every change of a rating or status
//! is audited; publication emits EVALUATION_PUBLISHED.

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod mutations;
pub mod predikat;
pub mod queries;
pub mod sweeper;
pub mod workflow;
