//! Typed row ids and their Relay global object IDs.
//!
//! Rows are keyed by `BIGINT` identities; in Rust each table has its own id type so a unit id
//! can never be passed where an ASN id is expected. Clients see opaque global IDs
//! (`base64url("Asn:42")`); decoding one checks that it names the expected type, so a Unit ID
//! sent where an Asn ID belongs is a `BAD_USER_INPUT`, not a lookup of the wrong table.
//! Every row has exactly one ID: only the canonical spelling decodes (`Evaluation:01`,
//! `Evaluation:+1`, padded base64 and the like are `BAD_USER_INPUT`).

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{AppError, AppResult};

/// Declares typed ids: diesel `BIGINT` newtypes with their GraphQL type name.
macro_rules! typed_ids {
    ($($(#[$doc:meta])* $name:ident => $type_name:literal,)+) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow, serde::Serialize, serde::Deserialize,
        )]
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pub struct $name(pub i64);

        impl $name {
            /// The GraphQL type this id belongs to.
            pub const TYPE_NAME: &'static str = $type_name;

            /// The opaque Relay global ID.
            pub fn to_global(self) -> ID {
                encode_global(Self::TYPE_NAME, self.0)
            }

            /// Decodes a global ID that must name this type.
            pub fn from_global(id: &ID) -> AppResult<Self> {
                let (type_name, raw) = decode_global(id)?;
                if type_name != Self::TYPE_NAME {
                    return Err(AppError::bad_input(format!(
                        "expected an ID of a {}, got an ID of a {type_name}",
                        Self::TYPE_NAME
                    )));
                }
                Ok(Self(raw))
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::BigInt, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <i64 as diesel::serialize::ToSql<diesel::sql_types::BigInt, diesel::pg::Pg>>::to_sql(
                    &self.0,
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::BigInt, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                <i64 as diesel::deserialize::FromSql<diesel::sql_types::BigInt, diesel::pg::Pg>>::from_sql(bytes)
                    .map(Self)
            }
        }
    )+};
}

typed_ids! {
    /// Id of a unit kerja.
    UnitId => "Unit",
    /// Id of an ASN.
    AsnId => "Asn",
    /// Id of a performance target (RHK).
    TargetId => "PerformanceTarget",
    /// Id of a daily activity report.
    ActivityId => "Activity",
    /// Id of an evaluation.
    EvaluationId => "Evaluation",
    /// Id of a supervision visit.
    VisitId => "SupervisionVisit",
    /// Id of an observation made during a visit.
    ObservationId => "Observation",
    /// Id of a feedback entry.
    FeedbackId => "Feedback",
    /// Id of an appeal (keberatan).
    AppealId => "Appeal",
}

/// Encodes `Type:id` as an opaque global ID.
pub fn encode_global(type_name: &str, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// Decodes any global ID into its type name and row id.
pub fn decode_global(id: &ID) -> AppResult<(String, i64)> {
    let invalid = || AppError::bad_input(format!("{:?} is not a valid ID", id.as_str()));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (type_name, raw) = text.split_once(':').ok_or_else(invalid)?;
    let raw: i64 = raw.parse().map_err(|_| invalid())?;
    if raw <= 0 || type_name.is_empty() {
        return Err(invalid());
    }
    if encode_global(type_name, raw) != *id {
        return Err(invalid());
    }
    Ok((type_name.to_owned(), raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_check_their_type() {
        let id = AsnId(42).to_global();
        assert_eq!(AsnId::from_global(&id).unwrap(), AsnId(42));
        let err = UnitId::from_global(&id).unwrap_err();
        assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        assert!(err.message().contains("expected an ID of a Unit"));
    }

    #[test]
    fn garbage_ids_are_bad_input() {
        for raw in [
            "",
            "!!!",
            "QXNu",
            "QXNuOg",
            "QXNuOmFiYw",
            "QXNuOi0x",
            "QXNuOjA",
        ] {
            let err = decode_global(&ID(raw.to_owned())).unwrap_err();
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{raw}");
        }
    }

    #[test]
    fn only_canonical_ids_decode() {
        let encoded = |text: &str| ID(URL_SAFE_NO_PAD.encode(text));
        for text in [
            "Evaluation:01",
            "Evaluation:+1",
            "Evaluation: 1",
            "Evaluation:1 ",
            "Evaluation:1\0",
            "Evaluation:9223372036854775808",
        ] {
            let err = decode_global(&encoded(text)).unwrap_err();
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{text}");
        }
        let canonical = EvaluationId(1).to_global();
        assert_eq!(decode_global(&canonical).unwrap(), ("Evaluation".into(), 1));
        // Base64 with padding, or with nonzero unused trailing bits, spells the same bytes.
        let padded = ID(format!("{}==", AsnId(1).to_global().as_str()));
        assert!(decode_global(&padded).is_err());
        let trailing = ID("QXNuOjF".to_owned());
        assert_eq!(AsnId(1).to_global().as_str(), "QXNuOjE");
        assert!(decode_global(&trailing).is_err());
    }
}
