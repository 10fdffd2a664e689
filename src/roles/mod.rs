//! Role grants: ADMIN (BKPSDM) grants and revokes the roles INSPECTOR, UNIT_ADMIN (scoped to a
//! unit subtree), ADMIN and ANALYST. Roles live in the database, never in tokens, so a change
//! takes effect on the caller's next request.
//!
//! Rules: only an ADMIN manages roles ([`crate::auth::rules::can_manage_roles`]); UNIT_ADMIN
//! names a unit and the other roles none; a grant exists at most once (CONFLICT) and only an
//! existing grant can be revoked (NOT_FOUND); an ADMIN never revokes their own ADMIN role
//! ([`crate::auth::rules::revoke_keeps_admin`]), so at least one ADMIN always remains. Each
//! change is audited with its actor.

pub mod graphql;
pub mod model;
pub mod queries;
