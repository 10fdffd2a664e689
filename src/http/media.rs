//! The media types of GraphQL over HTTP and the status of each response: which type the client
//! accepts, and the GraphQL-shaped bodies of errors with their statuses.

use async_graphql::{Response, ServerError};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use crate::error::{AppError, ErrorCode};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub(super) const JSON: &str = "application/json";

/// The response media type the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaType {
    /// `application/graphql-response+json`.
    GraphqlResponseJson,
    /// `application/json`.
    Json,
}

/// Picks the response media type from `Accept`; `None` when nothing acceptable is offered.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let ranges: Vec<&str> = accept
        .split(',')
        .map(|range| range.split(';').next().unwrap_or("").trim())
        .collect();
    if ranges
        .iter()
        .any(|r| r.eq_ignore_ascii_case(GRAPHQL_RESPONSE_JSON))
    {
        return Some(MediaType::GraphqlResponseJson);
    }
    ranges
        .iter()
        .any(|r| {
            r.eq_ignore_ascii_case(JSON)
                || *r == "*/*"
                || r.eq_ignore_ascii_case("application/*")
                || r.is_empty()
        })
        .then_some(MediaType::Json)
}

/// A GraphQL-shaped error body with `status`.
pub(super) fn error_response(
    status: StatusCode,
    media: MediaType,
    err: AppError,
) -> axum::response::Response {
    let response = Response::from_errors(vec![err.into_server_error()]);
    let mut http = json_response(status, media, &response);
    if status == StatusCode::UNAUTHORIZED {
        http.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    http
}

pub(super) fn json_response(
    status: StatusCode,
    media: MediaType,
    body: &Response,
) -> axum::response::Response {
    let content_type = match media {
        MediaType::GraphqlResponseJson => GRAPHQL_RESPONSE_JSON,
        MediaType::Json => JSON,
    };
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Err(err) => {
            AppError::internal(err);
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The status of an executed response: an error the client should retry later makes it 503
/// (`SERVICE_UNAVAILABLE`) or 504 (`TIMEOUT`) with either media type; otherwise request errors
/// (nothing executed) are 4xx with `application/graphql-response+json`, and with
/// `application/json` every GraphQL result is 200.
pub(super) fn status_of(media: MediaType, response: &Response) -> StatusCode {
    if response
        .errors
        .iter()
        .any(|e| has_code(e, ErrorCode::ServiceUnavailable))
    {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    if response
        .errors
        .iter()
        .any(|e| has_code(e, ErrorCode::Timeout))
    {
        return StatusCode::GATEWAY_TIMEOUT;
    }
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    match (media, request_error) {
        (MediaType::GraphqlResponseJson, true) => {
            if response
                .errors
                .iter()
                .any(|e| has_code(e, ErrorCode::Unauthenticated))
            {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            }
        }
        _ => StatusCode::OK,
    }
}

/// The status of an error that ends a request before execution; `other` for codes that are
/// the client's fault.
pub(super) fn status_for(err: &AppError, other: StatusCode) -> StatusCode {
    match err.code() {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Timeout => StatusCode::GATEWAY_TIMEOUT,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::PersistedQueryNotFound => StatusCode::OK,
        _ => other,
    }
}

pub(super) fn has_code(error: &ServerError, code: ErrorCode) -> bool {
    error
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .is_some_and(|value| *value == async_graphql::Value::from(code.as_str()))
}

pub(super) fn not_acceptable() -> axum::response::Response {
    (
        StatusCode::NOT_ACCEPTABLE,
        "accepted media types: application/graphql-response+json, application/json",
    )
        .into_response()
}
