//! Unit rows as stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::units;
use crate::ids::{AsnId, UnitId};

/// The kind of a unit kerja.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum UnitKind {
    /// The Pemerintah Kota (or Kabupaten) itself, the root of the tree.
    PemerintahDaerah,
    /// Sekretariat Daerah.
    SekretariatDaerah,
    /// Sekretariat DPRD.
    SekretariatDprd,
    /// Inspektorat Daerah.
    Inspektorat,
    /// A Dinas.
    Dinas,
    /// A Badan.
    Badan,
    /// Rumah Sakit Umum Daerah.
    Rsud,
    /// Satuan Polisi Pamong Praja.
    SatpolPp,
    /// A Kecamatan.
    Kecamatan,
    /// A Kelurahan, under a Kecamatan.
    Kelurahan,
    /// A Bidang of a Dinas or Badan.
    Bidang,
    /// A Bagian of a Sekretariat.
    Bagian,
    /// A Sub-bagian.
    Subbagian,
    /// A Seksi.
    Seksi,
    /// An Unit Pelaksana Teknis.
    Upt,
    /// A Puskesmas (an UPT of the Dinas Kesehatan).
    Puskesmas,
    /// A school (satuan pendidikan) under the Dinas Pendidikan.
    Sekolah,
}
crate::db_text_enum!(UnitKind);

/// A unit kerja.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = units, check_for_backend(diesel::pg::Pg))]
pub struct Unit {
    /// Row id.
    pub id: UnitId,
    /// Unique code, e.g. `DINKES`.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Kind of unit.
    pub kind: UnitKind,
    /// Parent unit; `None` for the root.
    pub parent_id: Option<UnitId>,
    /// The ASN who leads the unit.
    pub head_id: Option<AsnId>,
    /// Materialised path `/root/…/self/`.
    pub path: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Unit {
    /// Ids of the unit's ancestors from the root down, excluding the unit itself.
    pub fn ancestor_ids(&self) -> Vec<UnitId> {
        path_ids(&self.path)
            .filter(|id| *id != self.id.0)
            .map(UnitId)
            .collect()
    }
}

/// The ids in a materialised path `/1/4/9/`, from the root down.
pub fn path_ids(path: &str) -> impl Iterator<Item = i64> + '_ {
    path.split('/').filter_map(|part| part.parse().ok())
}

/// A new unit.
#[derive(Debug, Insertable)]
#[diesel(table_name = units)]
pub struct NewUnit<'a> {
    /// Unique code.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
    /// Kind.
    pub kind: UnitKind,
    /// Parent.
    pub parent_id: Option<UnitId>,
}
