//! The one error type of the API and its stable machine codes.
//!
//! Every error a client sees carries `extensions.code`, one of [`ErrorCode`]. Internal causes
//! (bugs, unexpected database errors) are logged with their detail and shown to the client only
//! as `INTERNAL`; a database that cannot be reached is `SERVICE_UNAVAILABLE` and a statement
//! that ran out of time `TIMEOUT`, both worth a retry. `AppError` deliberately has no
//! `Display`: async-graphql converts anything that displays into an error *without* a code, so
//! the only way out is [`From<AppError>`], which sets it.

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
    /// The database is unreachable or has no free connection, or the server is draining
    /// (HTTP 503); retry later, possibly on another instance.
    ServiceUnavailable,
    /// The request ran out of time: its body did not arrive within the body read timeout
    /// (HTTP 408), or its execution or one of its SQL statements took longer than allowed
    /// (HTTP 504). `extensions.measure` names which, `extensions.limit` the seconds when known.
    Timeout,
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
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::Timeout => "TIMEOUT",
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

    /// `SERVICE_UNAVAILABLE`: the database cannot serve the request now, or the server is
    /// draining.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ServiceUnavailable, message)
    }

    /// `TIMEOUT` of `measure` (e.g. "request"), whose limit was `limit_secs` seconds.
    pub fn timeout(measure: &'static str, limit_secs: u64) -> Self {
        Self::new(
            ErrorCode::Timeout,
            format!("the {measure} took longer than the limit of {limit_secs} s"),
        )
        .with("measure", measure)
        .with("limit", limit_secs)
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
                // A commit that failed (and whose rollback failed too) reports the commit's cause.
                DieselError::RollbackErrorOnCommit { commit_error, .. } => {
                    Self::from(*commit_error)
                }
                other => AppError::internal(other),
            };
        };
        if let Some(failure) = DatabaseFailure::of(*kind, info.message()) {
            return failure.into_error(info.message());
        }
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

/// A statement that failed because of the database's state rather than the statement's:
/// worth a retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatabaseFailure {
    /// The connection is gone or the server is shutting down or restarting.
    Unreachable,
    /// The statement ran longer than `statement_timeout`.
    StatementTimeout,
    /// The statement was cancelled on request (the request itself was being abandoned, or an
    /// operator cancelled it).
    Cancelled,
}

impl DatabaseFailure {
    /// Classifies a database error. diesel keeps no SQLSTATE, so this reads the messages:
    /// tokio-postgres's own (always English) for failures of the connection, and PostgreSQL's
    /// (English unless the server's `lc_messages` says otherwise) for the rest.
    fn of(kind: DatabaseErrorKind, message: &str) -> Option<Self> {
        match kind {
            DatabaseErrorKind::ClosedConnection => Some(Self::Unreachable),
            // Errors without a SQLSTATE: the connection itself failed.
            DatabaseErrorKind::UnableToSendCommand => [
                "connection closed",
                "error communicating with the server",
                "error connecting to server",
                "timeout waiting for server",
            ]
            .iter()
            .any(|prefix| message.starts_with(prefix))
            .then_some(Self::Unreachable),
            DatabaseErrorKind::Unknown => {
                if message.starts_with("canceling statement due to statement timeout") {
                    Some(Self::StatementTimeout)
                } else if message.starts_with("canceling statement due to user request") {
                    Some(Self::Cancelled)
                } else if message.starts_with("terminating connection")
                    || message.starts_with("the database system is")
                {
                    Some(Self::Unreachable)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn into_error(self, detail: &str) -> AppError {
        tracing::warn!(error = detail, "database statement failed");
        match self {
            Self::Unreachable => AppError::unavailable("the database is unreachable; retry later"),
            Self::StatementTimeout => AppError::new(
                ErrorCode::Timeout,
                "an SQL statement of the request took longer than the statement timeout",
            )
            .with("measure", "statement"),
            Self::Cancelled => AppError::unavailable("the statement was cancelled; retry later"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_failures_are_classified_by_their_messages() {
        use DatabaseErrorKind::*;
        let cases = [
            (ClosedConnection, "", Some(DatabaseFailure::Unreachable)),
            (
                UnableToSendCommand,
                "connection closed",
                Some(DatabaseFailure::Unreachable),
            ),
            (
                UnableToSendCommand,
                "error communicating with the server: Connection reset by peer (os error 104)",
                Some(DatabaseFailure::Unreachable),
            ),
            (UnableToSendCommand, "error serializing parameter 1", None),
            (
                Unknown,
                "canceling statement due to statement timeout",
                Some(DatabaseFailure::StatementTimeout),
            ),
            (
                Unknown,
                "canceling statement due to user request",
                Some(DatabaseFailure::Cancelled),
            ),
            (
                Unknown,
                "terminating connection due to administrator command",
                Some(DatabaseFailure::Unreachable),
            ),
            (
                Unknown,
                "the database system is shutting down",
                Some(DatabaseFailure::Unreachable),
            ),
            (Unknown, "division by zero", None),
            (UniqueViolation, "connection closed", None),
        ];
        for (kind, message, expected) in cases {
            assert_eq!(DatabaseFailure::of(kind, message), expected, "{message}");
        }
    }

    #[test]
    fn failures_carry_retryable_codes() {
        let err = AppError::from(DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("closed".to_owned()),
        ));
        assert_eq!(err.code(), ErrorCode::ServiceUnavailable);
        let err = AppError::from(DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("canceling statement due to statement timeout".to_owned()),
        ));
        assert_eq!(err.code(), ErrorCode::Timeout);
        assert_eq!(AppError::timeout("request", 30).code(), ErrorCode::Timeout);
    }
}
