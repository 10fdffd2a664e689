//! ASN rows as stored, and their enums.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::asn;
use crate::ids::{AsnId, UnitId};

/// Gender as recorded; the NIP's gender digit must agree.
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
pub enum Gender {
    /// Laki-laki (NIP gender digit 1).
    Male,
    /// Perempuan (NIP gender digit 2).
    Female,
}

/// Kind of employment under UU 20/2023.
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
pub enum EmploymentType {
    /// Pegawai Negeri Sipil.
    Pns,
    /// Pegawai Pemerintah dengan Perjanjian Kerja.
    Pppk,
    /// PPPK paruh waktu (part-time PPPK).
    PppkParuhWaktu,
}

/// Kind of position (jabatan).
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
pub enum PositionKind {
    /// Jabatan Pimpinan Tinggi (e.g. kepala dinas).
    Jpt,
    /// Jabatan Administrator (e.g. sekretaris dinas, kepala bidang).
    Administrator,
    /// Jabatan Pengawas (e.g. kepala seksi, kepala puskesmas).
    Pengawas,
    /// Jabatan Fungsional (e.g. perawat, guru, auditor).
    Fungsional,
    /// Jabatan Pelaksana.
    Pelaksana,
}

crate::db_text_enum!(Gender, EmploymentType, PositionKind);

/// An ASN.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = asn, check_for_backend(diesel::pg::Pg))]
pub struct Asn {
    /// Row id.
    pub id: AsnId,
    /// 18-digit NIP.
    pub nip: String,
    /// Full name with titles.
    pub name: String,
    /// Gender.
    pub gender: Gender,
    /// PNS, PPPK or PPPK paruh waktu.
    pub employment_type: EmploymentType,
    /// Grade code (`III/a` or `IX`).
    pub grade: String,
    /// Position title.
    pub position: String,
    /// Kind of position.
    pub position_kind: PositionKind,
    /// Unit the ASN works in.
    pub unit_id: UnitId,
    /// Direct supervisor (atasan langsung).
    pub supervisor_id: Option<AsnId>,
    /// Supervisor chain path `/top/…/self/`.
    pub supervisor_path: String,
    /// Whether the ASN is in service.
    pub active: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Asn {
    /// The facts write rules need (see [`crate::auth::rules`]).
    pub fn person(&self) -> crate::auth::rules::Person<'_> {
        crate::auth::rules::Person {
            id: self.id,
            supervisor_id: self.supervisor_id,
            supervisor_path: &self.supervisor_path,
            unit_id: self.unit_id,
        }
    }

    /// The facts read rules need, given the path of the ASN's unit.
    pub fn subject<'a>(&'a self, unit_path: &'a str) -> crate::auth::rules::Subject<'a> {
        crate::auth::rules::Subject {
            supervisor_path: &self.supervisor_path,
            unit_path,
        }
    }

    /// Ids of the supervisor chain, nearest first (atasan langsung, then their atasan, …).
    pub fn chain_ids(&self) -> Vec<AsnId> {
        let mut ids: Vec<AsnId> = crate::units::model::path_ids(&self.supervisor_path)
            .filter(|id| *id != self.id.0)
            .map(AsnId)
            .collect();
        ids.reverse();
        ids
    }
}

/// A new ASN.
#[derive(Debug, Insertable)]
#[diesel(table_name = asn)]
pub struct NewAsn<'a> {
    /// Validated NIP.
    pub nip: &'a str,
    /// Name.
    pub name: &'a str,
    /// Gender.
    pub gender: Gender,
    /// Employment type.
    pub employment_type: EmploymentType,
    /// Grade code valid for the employment type.
    pub grade: &'a str,
    /// Position title.
    pub position: &'a str,
    /// Position kind.
    pub position_kind: PositionKind,
    /// Unit.
    pub unit_id: UnitId,
    /// Supervisor.
    pub supervisor_id: Option<AsnId>,
}
