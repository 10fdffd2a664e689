//! The rating scale of PermenPANRB 6/2022, shared by evaluations (hasil kerja and perilaku
//! kerja), supervision observations and appeal decisions.

/// A rating against the expectation (ekspektasi) set for the ASN.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Rating {
    /// Di Atas Ekspektasi: above expectation.
    DiAtasEkspektasi,
    /// Sesuai Ekspektasi: as expected.
    SesuaiEkspektasi,
    /// Di Bawah Ekspektasi: below expectation.
    DiBawahEkspektasi,
}
crate::db_text_enum!(Rating);

impl Rating {
    /// The official label, e.g. "Di Atas Ekspektasi".
    pub fn label(self) -> &'static str {
        match self {
            Rating::DiAtasEkspektasi => "Di Atas Ekspektasi",
            Rating::SesuaiEkspektasi => "Sesuai Ekspektasi",
            Rating::DiBawahEkspektasi => "Di Bawah Ekspektasi",
        }
    }
}
