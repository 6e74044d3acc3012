//! The one error type handlers return.
//!
//! Internals (database errors and the like) are logged and never sent: the client gets
//! a stable [`ErrorCode`] and a clean message. Domain errors (a refused transition, an
//! invalid message) have their own enums; this is where they get an HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::api::{ApiErrorBody, ErrorCode};

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
        let (status, body) = match self {
            ApiError::Client {
                status,
                code,
                message,
            } => (status, ApiErrorBody { code, message }),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiErrorBody {
                        code: ErrorCode::Internal,
                        message: "Something went wrong on the server.".into(),
                    },
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
