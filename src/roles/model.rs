//! A role grant as the mutations name it, checked against the scoping rule.

use crate::auth::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{AsnId, UnitId};

/// One grant: an ASN, a role and, for UNIT_ADMIN, the unit whose subtree it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantKey {
    /// The ASN holding the role.
    pub asn_id: AsnId,
    /// The role.
    pub role: Role,
    /// The unit of a UNIT_ADMIN grant; `None` for the city-wide roles.
    pub unit_id: Option<UnitId>,
}

impl GrantKey {
    /// A grant key, if `unit_id` fits `role`: UNIT_ADMIN requires a unit, the other roles
    /// (city-wide) refuse one.
    pub fn new(asn_id: AsnId, role: Role, unit_id: Option<UnitId>) -> AppResult<Self> {
        match (role, unit_id) {
            (Role::UnitAdmin, None) => Err(AppError::bad_input(
                "UNIT_ADMIN is scoped to a unit subtree: pass `unitId`",
            )),
            (Role::UnitAdmin, Some(_)) => Ok(Self {
                asn_id,
                role,
                unit_id,
            }),
            (_, Some(_)) => Err(AppError::bad_input(format!(
                "{} is city-wide and takes no `unitId`",
                role.as_str()
            ))),
            (_, None) => Ok(Self {
                asn_id,
                role,
                unit_id,
            }),
        }
    }

    /// The audited form: `{"role": …, "unitId": …}`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "role": self.role.as_str(), "unitId": self.unit_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_admin_needs_a_unit_and_the_others_refuse_one() {
        let asn = AsnId(1);
        assert!(GrantKey::new(asn, Role::UnitAdmin, Some(UnitId(2))).is_ok());
        assert_eq!(
            GrantKey::new(asn, Role::UnitAdmin, None)
                .unwrap_err()
                .code()
                .as_str(),
            "BAD_USER_INPUT"
        );
        for role in [Role::Admin, Role::Inspector, Role::Analyst] {
            assert!(GrantKey::new(asn, role, None).is_ok());
            let err = GrantKey::new(asn, role, Some(UnitId(2))).unwrap_err();
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{role:?}");
        }
    }
}
