//! Feedback (umpan balik berkelanjutan) and the dialog kinerja on an evaluation.
//!
//! Rules (DESIGN §1, PermenPANRB 6/2022 on continuous feedback and the performance dialogue):
//! supervisors at any level above, peers in the same unit and the ASN themself may give an ASN
//! feedback ([`crate::auth::rules::may_give_feedback`]). Entries form threads: a reply
//! (`parent`) belongs to the same evaluation as its parent and goes to the parent's author (or,
//! when that author replies, to the parent's recipient). On an evaluation's dialog the evaluated
//! ASN asks (QUESTION) and the evaluator answers (ANSWER, always a reply to a QUESTION); these
//! two may always write in it ([`crate::auth::rules::is_dialog_party`]); feedback attached to an
//! evaluation goes to one of them, and never to a DRAFT. Feedback is readable by its author,
//! its recipient, the recipient's supervisor chain, unit admins above them and admins
//! ([`crate::auth::rules::can_read_feedback`]). Each new entry emits FEEDBACK_ADDED.

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod mutations;
pub mod queries;
