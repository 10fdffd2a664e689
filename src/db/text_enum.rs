//! Enums stored as `TEXT` with a `CHECK` constraint, named exactly as in the GraphQL schema.
//!
//! `db_text_enum!(Type)` makes a type that derives `async_graphql::Enum` readable from and
//! writable to a `TEXT` column. The database value is the GraphQL name (`DI_ATAS_EKSPEKTASI`),
//! taken from the enum's own item table, so the two can never drift apart.

use async_graphql::resolver_utils::EnumType;

/// The GraphQL (and database) name of `value`.
pub fn name_of<T: EnumType + PartialEq>(value: &T) -> &'static str {
    T::items()
        .iter()
        .find(|item| &item.value == value)
        .map(|item| item.name)
        .unwrap_or("")
}

/// The enum value named `name`, if any.
pub fn from_name<T: EnumType + Copy>(name: &str) -> Option<T> {
    T::items()
        .iter()
        .find(|item| item.name == name)
        .map(|item| item.value)
}

/// Implements diesel's `ToSql`/`FromSql` for `TEXT` on enums deriving `async_graphql::Enum`,
/// `diesel::expression::AsExpression` and `diesel::deserialize::FromSqlRow` (with `#[diesel(sql_type = Text)]`).
#[macro_export]
macro_rules! db_text_enum {
    ($($ty:ty),+ $(,)?) => {$(
        impl ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $ty {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
            ) -> ::diesel::serialize::Result {
                use ::std::io::Write;
                out.write_all($crate::db::text_enum::name_of(self).as_bytes())?;
                Ok(::diesel::serialize::IsNull::No)
            }
        }

        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $ty {
            fn from_sql(
                bytes: ::diesel::pg::PgValue<'_>,
            ) -> ::diesel::deserialize::Result<Self> {
                let name = ::std::str::from_utf8(bytes.as_bytes())?;
                $crate::db::text_enum::from_name(name).ok_or_else(|| {
                    format!("unknown {} value {name:?}", stringify!($ty)).into()
                })
            }
        }

        impl $ty {
            /// The GraphQL and database name of this value.
            pub fn as_str(&self) -> &'static str {
                $crate::db::text_enum::name_of(self)
            }
        }
    )+};
}
