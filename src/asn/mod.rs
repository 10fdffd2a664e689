//! ASN (Aparatur Sipil Negara: PNS and PPPK) — the directory of people.
//!
//! Rules: the NIP follows Perka BKN 22/2007 (see [`nip`]); the grade fits the employment type
//! (see [`grade`]); the supervisor (atasan langsung) is the pejabat penilai kinerja and the
//! supervisor's supervisor the atasan pejabat penilai (PP 30/2019); a supervisor chain never
//! loops (enforced by the `asn_supervisor_path` trigger). Directory fields are readable by every
//! authenticated caller; role grants follow the personal-record rule of [`crate::auth::rules`].

pub mod grade;
pub mod graphql;
pub mod loaders;
pub mod model;
pub mod nip;
pub mod queries;
