//! The one error type of the API and its stable machine codes.
//!
//! Every error a client sees carries `extensions.code`, one of [`ErrorCode`]. Internal causes
//! (database failures, bugs) are logged with their detail and shown to the client only as
//! `INTERNAL`. `AppError` deliberately has no `Display`: async-graphql converts anything that
//! displays into an error *without* a code, so the only way out is [`From<AppError>`], which sets it.

use async_graphql::ErrorExtensions;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::asn::nip::NipError;

/// Result of any fallible operation of the server.
pub type AppResult<T> = Result<T, AppError>;

/// The machine-readable codes of `extensions.code`, stable across releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// No valid token, or a token whose subject is not an active ASN.
    Unauthenticated,
    /// The viewer may not read or change the record.
    Forbidden,
    /// No record with that id or key.
    NotFound,
    /// The input is malformed or breaks a rule.
    BadUserInput,
    /// A NIP that does not follow the NIP rule; `extensions.part` names the failing part.
    InvalidNip,
    /// The change collides with an existing record.
    Conflict,
    /// The record is not in a state that allows the change.
    InvalidState,
    /// A deadline (submission window, appeal window) has passed.
    DeadlinePassed,
    /// The query exceeds a depth, complexity, size or page limit.
    QueryTooComplex,
    /// A request named an automatic persisted query by hash that this server does not hold;
    /// the client resends it with its text (the Apollo APQ protocol).
    PersistedQueryNotFound,
    /// Anything else; details are in the server log only.
    Internal,
}

impl ErrorCode {
    /// The SCREAMING_SNAKE name sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::InvalidNip => "INVALID_NIP",
            Self::Conflict => "CONFLICT",
            Self::InvalidState => "INVALID_STATE",
            Self::DeadlinePassed => "DEADLINE_PASSED",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::Internal => "INTERNAL",
        }
    }
}

/// An error with a code, a client-facing message and optional extra extension fields.
#[derive(Debug, Clone)]
pub struct AppError {
    code: ErrorCode,
    message: String,
    extra: Vec<(&'static str, async_graphql::Value)>,
}

impl AppError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            extra: Vec::new(),
        }
    }

    /// Adds a field to `extensions` (e.g. the failing NIP part, a limit).
    pub fn with(mut self, key: &'static str, value: impl Into<async_graphql::Value>) -> Self {
        self.extra.push((key, value.into()));
        self
    }

    /// `UNAUTHENTICATED`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message)
    }

    /// `FORBIDDEN`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// `BAD_USER_INPUT`.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadUserInput, message)
    }

    /// `CONFLICT`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    /// `INVALID_STATE`.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidState, message)
    }

    /// `DEADLINE_PASSED`.
    pub fn deadline_passed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::DeadlinePassed, message)
    }

    /// `QUERY_TOO_COMPLEX` naming the limit and the measured value.
    pub fn too_complex(what: &'static str, limit: usize, actual: usize) -> Self {
        Self::new(
            ErrorCode::QueryTooComplex,
            format!("query {what} {actual} exceeds the limit of {limit}"),
        )
        .with("limit", limit as u64)
        .with("actual", actual as u64)
        .with("measure", what)
    }

    /// `PERSISTED_QUERY_NOT_FOUND`, with the message Apollo clients look for.
    pub fn persisted_query_not_found() -> Self {
        Self::new(ErrorCode::PersistedQueryNotFound, "PersistedQueryNotFound")
    }

    /// `INTERNAL`: logs `cause` and tells the client nothing more.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorCode::Internal, "internal server error")
    }

    /// The error's code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The client-facing message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl AppError {
    /// A request-level GraphQL error (no location, no path).
    pub fn into_server_error(self) -> async_graphql::ServerError {
        let err: async_graphql::Error = self.into();
        let mut server_error = async_graphql::ServerError::new(err.message, None);
        server_error.extensions = err.extensions;
        server_error
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        async_graphql::Error::new(err.message).extend_with(|_, ext| {
            ext.set("code", err.code.as_str());
            for (key, value) in err.extra {
                ext.set(key, value);
            }
        })
    }
}

impl From<NipError> for AppError {
    fn from(err: NipError) -> Self {
        AppError::new(ErrorCode::InvalidNip, err.to_string()).with("part", err.part().as_str())
    }
}

impl From<DieselError> for AppError {
    fn from(err: DieselError) -> Self {
        let DieselError::DatabaseError(kind, info) = &err else {
            return match err {
                DieselError::NotFound => AppError::not_found("record not found"),
                other => AppError::internal(other),
            };
        };
        let constraint = info.constraint_name().unwrap_or("unnamed");
        match kind {
            DatabaseErrorKind::UniqueViolation => AppError::new(
                ErrorCode::Conflict,
                format!("a record with the same key already exists ({constraint})"),
            ),
            DatabaseErrorKind::ExclusionViolation => AppError::new(
                ErrorCode::Conflict,
                format!("the record overlaps an existing one ({constraint})"),
            ),
            DatabaseErrorKind::SerializationFailure => AppError::new(
                ErrorCode::Conflict,
                "the record was changed concurrently; retry",
            ),
            DatabaseErrorKind::ForeignKeyViolation => {
                AppError::bad_input(format!("a referenced record does not exist ({constraint})"))
            }
            DatabaseErrorKind::CheckViolation => AppError::bad_input(match constraint {
                "units_no_cycle" => "a unit cannot be placed under its own sub-unit".to_owned(),
                "asn_no_supervisor_cycle" => {
                    "an ASN cannot be supervised by their own subordinate".to_owned()
                }
                other => format!("the input breaks the rule {other}"),
            }),
            _ if is_bad_text(info.message()) => {
                AppError::bad_input("a string holds a character the database cannot store")
            }
            _ => AppError::internal(&err),
        }
    }
}

/// Whether PostgreSQL refused a text value for its bytes: SQLSTATE 22021 (invalid byte
/// sequence, e.g. a NUL character) or 22P05 (untranslatable character, `\u0000` in JSON).
/// The driver passes on the message, not the SQLSTATE.
fn is_bad_text(message: &str) -> bool {
    message.starts_with("invalid byte sequence for encoding")
        || message.starts_with("unsupported Unicode escape sequence")
        || (message.starts_with("character with byte sequence")
            && message.contains("has no equivalent in encoding"))
}
