//! The one error type handlers return.
//!
//! Internals (database errors and the like) are logged and never sent: the client gets
//! a stable [`ErrorCode`] and a clean message. Domain errors (a refused transition, an
//! invalid message) have their own enums; this is where they get an HTTP status.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::api::{ApiErrorBody, ErrorCode, FieldErrorBody};

use crate::chat::model::InvalidMessage;
use crate::chat::TransitionError;

/// An error a handler returns.
#[derive(Debug)]
pub enum ApiError {
    /// A client mistake the client may be told about.
    Client {
        status: StatusCode,
        code: ErrorCode,
        message: String,
    },
    /// A refusal that will pass later (a quota, a back-off, a full queue): the answer
    /// carries `Retry-After` with the seconds to wait.
    RetryLater {
        status: StatusCode,
        message: String,
        after_secs: u64,
    },
    /// A refused field (settings): a 400 whose body names the field.
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// A server failure; the text is logged only.
    Internal(String),
}

impl ApiError {
    /// 400 with a message saying what is wrong.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::Client {
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::BadRequest,
            message: message.into(),
        }
    }

    /// A 429 (or another status) the client may retry after `after_secs` seconds.
    pub fn retry_later(
        status: StatusCode,
        message: impl Into<String>,
        after_secs: u64,
    ) -> ApiError {
        ApiError::RetryLater {
            status,
            message: message.into(),
            after_secs: after_secs.max(1),
        }
    }

    /// A client error with its own status and code.
    pub fn client(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::Client {
            status,
            code,
            message: message.into(),
        }
    }
}

impl From<crate::store::Error> for ApiError {
    fn from(e: crate::store::Error) -> ApiError {
        ApiError::Internal(format!("database: {e}"))
    }
}

impl From<TransitionError> for ApiError {
    fn from(e: TransitionError) -> ApiError {
        let (status, code) = match e {
            TransitionError::NotYours | TransitionError::NotHolder => {
                (StatusCode::FORBIDDEN, ErrorCode::Unauthorized)
            }
            TransitionError::TransferToSelf => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            TransitionError::NotQueueing
            | TransitionError::AlreadyEnded
            | TransitionError::Ended
            | TransitionError::StillOpen
            | TransitionError::AgentOffline
            | TransitionError::AtCapacity { .. } => (StatusCode::CONFLICT, ErrorCode::BadRequest),
        };
        ApiError::client(status, code, e.to_string())
    }
}

impl From<InvalidMessage> for ApiError {
    fn from(e: InvalidMessage) -> ApiError {
        ApiError::bad_request(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Client {
                status,
                code,
                message,
            } => (status, Json(ApiErrorBody { code, message })).into_response(),
            ApiError::RetryLater {
                status,
                message,
                after_secs,
            } => {
                let body = ApiErrorBody {
                    code: ErrorCode::RateLimited,
                    message,
                };
                let wait = [(header::RETRY_AFTER, HeaderValue::from(after_secs))];
                (status, wait, Json(body)).into_response()
            }
            ApiError::Invalid { field, message } => {
                let body = FieldErrorBody {
                    code: ErrorCode::BadRequest,
                    message,
                    field,
                };
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                let body = ApiErrorBody {
                    code: ErrorCode::Internal,
                    message: "Something went wrong on the server.".into(),
                };
                (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
            }
        }
    }
}
