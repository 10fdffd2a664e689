//! The hostile-input suite: a table of attacks per area, each with its expected code, and a
//! fuzz property over generated documents and bodies.

mod documents;
mod fuzz;
mod grammar;
mod persisted;
mod tokens;
mod transport;
