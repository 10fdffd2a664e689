//! The hostile-input suite: a table of attacks per area, each with its expected code.

mod documents;
