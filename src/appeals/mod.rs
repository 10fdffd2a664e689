//! Appeals (keberatan, PP 30/2019 Pasal 59).
//!
//! Rules: the evaluated ASN files, with reasons, on a PUBLISHED evaluation within the
//! configurable window (default 14 calendar days) after publication; at most one open appeal
//! per evaluation (a unique partial index holds it), and the evaluation is APPEALED (locked)
//! while it is open. The atasan pejabat penilai — the evaluator's supervisor at decision time —
//! decides, or an ADMIN when the evaluator has no supervisor: REJECTED keeps the ratings,
//! REVISED sets both new ratings and so a new predikat. The decision is final (the evaluation
//! becomes FINAL); the original ratings stay on the appeal and in the evaluation's history.

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod mutations;
pub mod queries;
