//! Sessions and the extractors that bind every call to its caller.
//!
//! A visitor session (from init) names one visitor and one conversation; an agent
//! session (from login) names one agent. Tokens are 244 random bits, sent as
//! `Authorization: Bearer …`; a WebSocket (whose upgrade cannot carry headers from a
//! browser) opens with a one-time ticket bought with the token (`routes::ws`), so the
//! token never appears in a URL. The store keeps only their SHA-256 digest ([`token_digest`]),
//! so a copy of the table opens no session. An agent session also keeps a digest of
//! the agent's password hash at sign-in ([`credential_of`]): when the password changes
//! in the configuration, every session made with the old one stops working.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use parley_protocol::api::ErrorCode;
use serde::de::DeserializeOwned;

use crate::config::{Agent, Tenant};
use crate::error::ApiError;
use crate::store;
use crate::AppState;

/// How long a visitor session lasts.
pub const VISITOR_TTL_MS: i64 = 24 * 3_600_000;
/// How long an agent session lasts.
pub const AGENT_TTL_MS: i64 = 12 * 3_600_000;

pub use crate::store::sessions::Session;

/// The session kind of a visitor's chat (init).
pub const VISITOR_SESSION: &str = "visitor";
/// The session kind of a leave-message or ticket plug-in page.
pub const TICKET_SESSION: &str = "ticket";
/// The session kind of a signed-in agent.
pub const AGENT_SESSION: &str = "agent";

/// What the store keeps of a token: its SHA-256, in hex.
pub fn token_digest(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What an agent session remembers of the password it was made with.
pub fn credential_of(agent: &Agent) -> String {
    token_digest(&agent.password_hash)
}

/// A new random token.
pub fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Stores a session and returns its token. Expired sessions are deleted by
/// `crate::housekeeping`.
pub async fn create_session(
    state: &AppState,
    kind: &str,
    sysnum: &str,
    subject: &str,
    conversation_id: Option<&str>,
    history_since: Option<i64>,
    ttl_ms: i64,
) -> Result<String, ApiError> {
    let session = Session {
        kind: kind.to_owned(),
        sysnum: sysnum.to_owned(),
        subject: subject.to_owned(),
        conversation_id: conversation_id.map(str::to_owned),
        credential: None,
        history_since,
    };
    store_session(state, session, ttl_ms).await
}

/// Stores `session` under a new token and returns the token.
async fn store_session(
    state: &AppState,
    session: Session,
    ttl_ms: i64,
) -> Result<String, ApiError> {
    let token = new_token();
    store::sessions::insert(state.db.pool(), &token_digest(&token), &session, ttl_ms).await?;
    Ok(token)
}

/// Starts a session for an agent who just proved their password.
pub async fn create_agent_session(
    state: &AppState,
    tenant: &Tenant,
    agent: &Agent,
) -> Result<String, ApiError> {
    let session = Session {
        kind: AGENT_SESSION.to_owned(),
        sysnum: tenant.sysnum.clone(),
        subject: agent.id.clone(),
        conversation_id: None,
        credential: Some(credential_of(agent)),
        history_since: None,
    };
    store_session(state, session, AGENT_TTL_MS).await
}

/// The live session of `token` and `kind`, if any.
pub async fn find_session(
    state: &AppState,
    token: &str,
    kind: &str,
) -> Result<Option<Session>, ApiError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    Ok(store::sessions::find(state.db.pool(), &token_digest(token), kind).await?)
}

/// Ends an agent's session (signing out).
pub async fn delete_session(state: &AppState, who: &AgentAuth) -> Result<(), ApiError> {
    Ok(store::sessions::delete(state.db.pool(), &who.session).await?)
}

/// Ends every session of an agent ("sign out everywhere"); returns how many.
pub async fn delete_agent_sessions(state: &AppState, who: &AgentAuth) -> Result<u64, ApiError> {
    Ok(
        store::sessions::delete_all_of(state.db.pool(), &who.sysnum, AGENT_SESSION, &who.agent_id)
            .await?,
    )
}

fn unauthorized() -> ApiError {
    ApiError::client(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
        "a valid session token is required (Authorization: Bearer …)",
    )
}

fn bearer(parts: &Parts) -> Option<&str> {
    bearer_token(&parts.headers)
}

/// The token of an `Authorization: Bearer …` header, if there is one.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The calling visitor, from a visitor session token.
#[derive(Debug, Clone)]
pub struct VisitorAuth {
    /// The session's digest ([`token_digest`]): names the session without its token.
    pub session: String,
    pub sysnum: String,
    pub visitor_id: String,
    pub conversation_id: String,
    /// The oldest moment (Unix ms) whose messages this session may read: the link's
    /// `time` window at init (`i64::MIN` for sessions made before it was kept).
    pub history_since: i64,
}

/// Resolves a visitor token (the `Authorization` header).
pub async fn visitor_from_token(state: &AppState, token: &str) -> Result<VisitorAuth, ApiError> {
    if token.is_empty() || token.len() > 128 {
        return Err(unauthorized());
    }
    visitor_from_session(state, &token_digest(token)).await
}

/// Resolves a visitor session by its digest (a WebSocket ticket names it so).
pub async fn visitor_from_session(
    state: &AppState,
    session: &str,
) -> Result<VisitorAuth, ApiError> {
    let s = store::sessions::find(state.db.pool(), session, VISITOR_SESSION)
        .await?
        .ok_or_else(unauthorized)?;
    Ok(VisitorAuth {
        session: session.to_owned(),
        sysnum: s.sysnum,
        visitor_id: s.subject,
        conversation_id: s.conversation_id.ok_or_else(unauthorized)?,
        history_since: s.history_since.unwrap_or(i64::MIN),
    })
}

impl FromRequestParts<AppState> for VisitorAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(unauthorized)?.to_owned();
        visitor_from_token(state, &token).await
    }
}

/// The calling agent, from an agent session token.
#[derive(Debug, Clone)]
pub struct AgentAuth {
    /// The session's digest ([`token_digest`]).
    pub session: String,
    pub sysnum: String,
    pub agent_id: String,
}

impl AgentAuth {
    /// The agent's tenant and configuration entry (both exist: sessions are only made
    /// for configured agents, and a removed agent's session stops working).
    pub fn resolve(&self, state: &AppState) -> Result<(Arc<Tenant>, Agent), ApiError> {
        let tenant = state.config.tenant(&self.sysnum).ok_or_else(unauthorized)?;
        let agent = tenant
            .active_agent(&self.agent_id)
            .ok_or_else(unauthorized)?
            .clone();
        Ok((tenant, agent))
    }
}

/// Resolves an agent token (the `Authorization` header).
pub async fn agent_from_token(state: &AppState, token: &str) -> Result<AgentAuth, ApiError> {
    if token.is_empty() || token.len() > 128 {
        return Err(unauthorized());
    }
    agent_from_session(state, &token_digest(token)).await
}

/// Resolves an agent session by its digest (a WebSocket ticket names it so).
pub async fn agent_from_session(state: &AppState, session: &str) -> Result<AgentAuth, ApiError> {
    let s = store::sessions::find(state.db.pool(), session, AGENT_SESSION)
        .await?
        .ok_or_else(unauthorized)?;
    let auth = AgentAuth {
        session: session.to_owned(),
        sysnum: s.sysnum,
        agent_id: s.subject,
    };
    let (_, agent) = auth.resolve(state)?;
    // A session made with a password the agent no longer has opens nothing.
    if s.credential.as_deref() != Some(credential_of(&agent).as_str()) {
        return Err(unauthorized());
    }
    Ok(auth)
}

impl FromRequestParts<AppState> for AgentAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(unauthorized)?.to_owned();
        agent_from_token(state, &token).await
    }
}

/// The calling visitor of a ticket page: a ticket page session, or a chat session of
/// the same visitor (so the form embedded in the chat page reuses its token).
#[derive(Debug, Clone)]
pub struct TicketVisitor {
    pub sysnum: String,
    pub visitor_id: String,
}

impl FromRequestParts<AppState> for TicketVisitor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(unauthorized)?;
        let session = match find_session(state, token, TICKET_SESSION).await? {
            Some(s) => s,
            None => find_session(state, token, VISITOR_SESSION)
                .await?
                .ok_or_else(unauthorized)?,
        };
        Ok(TicketVisitor {
            sysnum: session.sysnum,
            visitor_id: session.subject,
        })
    }
}

/// A JSON body whose rejections (bad JSON, wrong shape, too large) are clean
/// [`ApiError`]s with a message, never axum's plain-text bodies.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

fn json_rejection(e: JsonRejection) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::client(
            status,
            ErrorCode::BadRequest,
            "the request body is too large",
        );
    }
    ApiError::client(
        if status.is_client_error() {
            StatusCode::BAD_REQUEST
        } else {
            status
        },
        ErrorCode::BadRequest,
        e.body_text(),
    )
}
