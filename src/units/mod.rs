//! Units (unit kerja): the Pemerintah Daerah, its perangkat daerah, and their bidang, UPT
//! (Puskesmas), schools and kelurahan — a tree.
//!
//! Each unit keeps a materialised path (`/1/4/9/`) maintained by the `units_path` trigger, so
//! "a unit and all its sub-units" is one indexed prefix condition inside any statement, and a
//! move that would make a unit its own ancestor is refused by the database. The unit tree is
//! part of the directory, readable by every authenticated caller.

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod queries;
