//! HTTP request and response bodies shared by the client and the server.

use crate::{Locale, ParamIssue};
use serde::{Deserialize, Serialize};

/// `POST /api/chat/init`: the visitor page starts (or resumes) a session.
///
/// The client sends the raw query string it was opened with; the server re-parses it
/// with the same [`crate::ChatParams`] code rather than trusting the client's parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitRequest {
    /// The page's query string, as in `location.search`.
    pub query: String,
    /// An anonymous visitor id the client keeps in local storage, if it has one.
    #[serde(default)]
    pub visitor_id: Option<String>,
}

/// The answer to [`InitRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitResponse {
    /// The visitor's id; the client keeps it (local storage) and sends it next time.
    pub visitor_id: String,
    /// The tenant's display name.
    pub company_name: String,
    /// The locale the page should use (link > tenant setting > default).
    pub locale: Locale,
    /// The greeting shown at the top of a new conversation.
    pub greeting: String,
    /// Parameters the server dropped, with reasons.
    pub issues: Vec<ParamIssue>,
}

/// Every error body the server returns: a stable machine code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// Stable error codes the client localizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed or a field is invalid.
    BadRequest,
    /// No tenant has the given sysnum.
    UnknownTenant,
    /// The sign is missing or wrong (the spec's "illegal user").
    IllegalUser,
    /// The token is missing, wrong or expired.
    TokenExpired,
    /// The caller's session does not allow this.
    Unauthorized,
    /// Nothing at that address.
    NotFound,
    /// Too many requests.
    RateLimited,
    /// Something broke on the server; details are in its log.
    Internal,
}
