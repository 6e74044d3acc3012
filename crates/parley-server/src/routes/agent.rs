//! The agent API. Login is public (rate-limited); everything else needs the agent's
//! bearer token and only reaches conversations and visitors of the agent's tenant.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use parley_protocol::api::{
    AgentConversations, AgentLoginRequest, AgentLoginResponse, AgentStatus, AgentStatusRequest,
    AgentView, ConversationState, ConversationSummary, ErrorCode, HistoryPage, MessageKind,
    SendRequest, SendResponse, Sender, TransferRequest, VisitorProfile,
};
use serde::Deserialize;

use crate::auth::{self, AgentAuth, JsonBody};
use crate::chat::{self, Conversation, NewMessage};
use crate::config::{Agent, Tenant};
use crate::db::now_ms;
use crate::error::ApiError;
use crate::{password, reception, AppState};

/// Login: public, behind the rate limit.
pub fn public_router() -> Router<AppState> {
    Router::new().route("/api/agent/login", post(login))
}

/// The endpoints that need an agent session.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/agent/logout", post(logout))
        .route("/api/agent/me", get(me))
        .route("/api/agent/status", put(set_status))
        .route("/api/agent/conversations", get(conversations))
        .route("/api/agent/conversations/{id}/messages", get(messages))
        .route("/api/agent/conversations/{id}/accept", post(accept))
        .route("/api/agent/conversations/{id}/reply", post(reply))
        .route("/api/agent/conversations/{id}/end", post(end))
        .route("/api/agent/conversations/{id}/transfer", post(transfer))
        .route("/api/agent/visitors/{id}", get(visitor_profile))
        .route("/api/agent/visitors/{id}/traces", get(visitor_traces))
        .route("/api/agent/visitors/{id}/invite", post(invite_visitor))
        .route("/api/agent/browsing", get(browsing))
        .route(
            "/api/agent/visitors/{id}/offline-message",
            post(offline_message),
        )
}

fn not_found(what: &str) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("no such {what}"),
    )
}

/// The agent's stored status (offline when never set).
pub async fn status_of(
    state: &AppState,
    sysnum: &str,
    agent: &str,
) -> Result<AgentStatus, ApiError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT status FROM agent_status WHERE sysnum = $1 AND agent_id = $2")
            .bind(sysnum)
            .bind(agent)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(row
        .and_then(|(s,)| AgentStatus::parse(&s))
        .unwrap_or(AgentStatus::Offline))
}

async fn store_status(
    state: &AppState,
    sysnum: &str,
    agent: &str,
    status: AgentStatus,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO agent_status (sysnum, agent_id, status, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (sysnum, agent_id) DO UPDATE SET status = $3, updated_at = $4",
    )
    .bind(sysnum)
    .bind(agent)
    .bind(status.as_str())
    .bind(now_ms())
    .execute(state.db.pool())
    .await?;
    Ok(())
}

/// Stores an agent's status and carries out what it means for visitors: going offline
/// ends the agent's chats with that reason (and releases visitors waiting for nobody),
/// coming online lets the queue drain to them. Login, logout and the status endpoint
/// all go through here.
async fn change_status(
    state: &AppState,
    sysnum: &str,
    agent: &str,
    status: AgentStatus,
) -> Result<(), ApiError> {
    store_status(state, sysnum, agent, status).await?;
    match status {
        AgentStatus::Offline => reception::agent_went_offline(state, sysnum, agent).await?,
        AgentStatus::Online => reception::drain_logged(state, sysnum).await,
        AgentStatus::Busy => {}
    }
    Ok(())
}

async fn view(state: &AppState, tenant: &Tenant, agent: &Agent) -> Result<AgentView, ApiError> {
    let active = chat::held_by(state, &tenant.sysnum, &agent.id).await?.len() as u32;
    Ok(AgentView {
        id: agent.id.clone(),
        name: agent.name.clone(),
        sysnum: tenant.sysnum.clone(),
        groups: agent.groups.clone(),
        capacity: agent.capacity,
        status: status_of(state, &tenant.sysnum, &agent.id).await?,
        active,
    })
}

async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<AgentLoginRequest>,
) -> Result<Json<AgentLoginResponse>, ApiError> {
    if request.password.len() > 1024 || request.username.len() > 300 {
        return Err(ApiError::bad_request("field too long"));
    }
    let found = state
        .config
        .tenant(&request.sysnum)
        .and_then(|t| t.agent(&request.username).map(|a| (t, a)));
    // An unknown name still costs one verification, so timing does not reveal names.
    let hash = found
        .map(|(_, a)| a.password_hash.clone())
        .unwrap_or_else(|| password::DUMMY_HASH.to_owned());
    let given = request.password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&given, &hash))
        .await
        .map_err(|e| ApiError::Internal(format!("password check: {e}")))?;
    let (tenant, agent) = match found {
        Some(f) if ok => f,
        _ => {
            return Err(ApiError::client(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "wrong company, user name or password",
            ))
        }
    };
    let token = auth::create_session(
        &state,
        "agent",
        &tenant.sysnum,
        &agent.id,
        None,
        auth::AGENT_TTL_MS,
    )
    .await?;
    change_status(&state, &tenant.sysnum, &agent.id, AgentStatus::Online).await?;
    tracing::info!(sysnum = %tenant.sysnum, agent = %agent.id, "agent login");
    Ok(Json(AgentLoginResponse {
        token,
        agent: view(&state, tenant, agent).await?,
    }))
}

async fn logout(State(state): State<AppState>, who: AgentAuth) -> Result<StatusCode, ApiError> {
    change_status(&state, &who.sysnum, &who.agent_id, AgentStatus::Offline).await?;
    auth::delete_session(&state, &who.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(state): State<AppState>, who: AgentAuth) -> Result<Json<AgentView>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    Ok(Json(view(&state, tenant, agent).await?))
}

async fn set_status(
    State(state): State<AppState>,
    who: AgentAuth,
    JsonBody(request): JsonBody<AgentStatusRequest>,
) -> Result<Json<AgentView>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    change_status(&state, &who.sysnum, &who.agent_id, request.status).await?;
    Ok(Json(view(&state, tenant, agent).await?))
}

/// Whether a queueing conversation is for `agent`: no group, or one of theirs.
pub fn in_agents_groups(c: &Conversation, agent: &Agent) -> bool {
    c.group_id
        .as_ref()
        .is_none_or(|g| agent.groups.iter().any(|a| a == g))
}

async fn summaries(
    state: &AppState,
    list: Vec<Conversation>,
) -> Result<Vec<ConversationSummary>, ApiError> {
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        let name = chat::visitor_name(state, &c.visitor_id).await?;
        out.push(c.summary(name));
    }
    Ok(out)
}

async fn conversations(
    State(state): State<AppState>,
    who: AgentAuth,
) -> Result<Json<AgentConversations>, ApiError> {
    let (_, agent) = who.resolve(&state)?;
    let waiting = chat::waiting(&state, &who.sysnum)
        .await?
        .into_iter()
        .filter(|c| in_agents_groups(c, agent))
        .collect();
    let mine = chat::held_by(&state, &who.sysnum, &who.agent_id).await?;
    Ok(Json(AgentConversations {
        waiting: summaries(&state, waiting).await?,
        mine: summaries(&state, mine).await?,
    }))
}

/// A conversation of the agent's tenant; others are "not found".
pub(crate) async fn tenant_conversation(
    state: &AppState,
    who: &AgentAuth,
    id: &str,
) -> Result<Conversation, ApiError> {
    match chat::get(state, id).await? {
        Some(c) if c.sysnum == who.sysnum => Ok(c),
        _ => Err(not_found("conversation")),
    }
}

/// `GET …/messages` query: `after_seq` for catching up (oldest first), else a page
/// `before_seq`.
#[derive(Debug, Deserialize)]
struct MessagesQuery {
    after_seq: Option<i64>,
    before_seq: Option<i64>,
    limit: Option<i64>,
}

async fn messages(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    Query(q): Query<MessagesQuery>,
) -> Result<Json<HistoryPage>, ApiError> {
    let c = tenant_conversation(&state, &who, &id).await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    if let Some(after) = q.after_seq {
        let messages = chat::messages_after(&state, &c.id, after, limit).await?;
        return Ok(Json(HistoryPage {
            messages,
            has_more: false,
        }));
    }
    let (messages, has_more) =
        chat::messages_before(&state, &c.id, q.before_seq.unwrap_or(i64::MAX), limit).await?;
    Ok(Json(HistoryPage { messages, has_more }))
}

async fn accept(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<ConversationSummary>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    let c = tenant_conversation(&state, &who, &id).await?;
    if !in_agents_groups(&c, agent) {
        return Err(ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::Unauthorized,
            "this conversation waits for another skill group",
        ));
    }
    if status_of(&state, &who.sysnum, &agent.id).await? == AgentStatus::Offline {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "set your status to online or busy to accept conversations",
        ));
    }
    let held = chat::held_by(&state, &who.sysnum, &agent.id).await?.len() as u32;
    if held >= agent.capacity {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            format!(
                "you already hold {held} conversations (capacity {})",
                agent.capacity
            ),
        ));
    }
    let brief = tenant.agent_brief(&agent.id);
    let (c, _) = chat::transition(&state, &c.id, |c| chat::accept(c, &brief)).await?;
    let name = chat::visitor_name(&state, &c.visitor_id).await?;
    Ok(Json(c.summary(name)))
}

async fn reply(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<SendRequest>,
) -> Result<Json<SendResponse>, ApiError> {
    let a = agent_send(
        &state,
        &who,
        &id,
        &request.client_id,
        &request.text,
        MessageKind::Text,
    )
    .await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

/// Stores an agent's message (a reply, or an offline message) in a conversation of the
/// agent's tenant.
pub async fn agent_send(
    state: &AppState,
    who: &AgentAuth,
    conversation_id: &str,
    client_id: &str,
    text: &str,
    kind: MessageKind,
) -> Result<chat::Appended, ApiError> {
    chat::check_text(client_id, text)?;
    let (_, agent) = who.resolve(state)?;
    let c = tenant_conversation(state, who, conversation_id).await?;
    chat::append(
        state,
        &c.id,
        NewMessage {
            client_id: Some(client_id.to_owned()),
            sender: Sender::Agent,
            sender_id: Some(agent.id.clone()),
            sender_name: Some(agent.name.clone()),
            kind,
            text: text.to_owned(),
            event: None,
            bot: None,
            card: None,
            image: None,
        },
    )
    .await
}

async fn end(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<ConversationSummary>, ApiError> {
    let c = tenant_conversation(&state, &who, &id).await?;
    let aid = who.agent_id.clone();
    let (c, _) = chat::transition(&state, &c.id, |c| chat::end(c, Some(&aid))).await?;
    let name = chat::visitor_name(&state, &c.visitor_id).await?;
    Ok(Json(c.summary(name)))
}

async fn transfer(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<TransferRequest>,
) -> Result<Json<ConversationSummary>, ApiError> {
    let (tenant, _) = who.resolve(&state)?;
    let c = tenant_conversation(&state, &who, &id).await?;
    let from = who.agent_id.clone();
    let (c, _) = match (&request.to_agent, &request.to_group) {
        (Some(to), None) => {
            let target = tenant.agent(to).ok_or_else(|| not_found("agent"))?;
            let to = tenant.agent_brief(&target.id);
            chat::transition(&state, &c.id, |c| chat::transfer_to_agent(c, &from, &to)).await?
        }
        (None, Some(group)) => {
            let g = tenant
                .group(group)
                .ok_or_else(|| not_found("group"))?
                .id
                .clone();
            chat::transition(&state, &c.id, |c| chat::transfer_to_group(c, &from, &g)).await?
        }
        _ => {
            return Err(ApiError::bad_request(
                "give exactly one of to_agent and to_group",
            ))
        }
    };
    let name = chat::visitor_name(&state, &c.visitor_id).await?;
    Ok(Json(c.summary(name)))
}

/// A visitor of the agent's tenant; others are "not found".
async fn tenant_visitor(state: &AppState, who: &AgentAuth, id: &str) -> Result<(), ApiError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT sysnum FROM visitors WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?;
    match row {
        Some((s,)) if s == who.sysnum => Ok(()),
        _ => Err(not_found("visitor")),
    }
}

async fn visitor_profile(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<VisitorProfile>, ApiError> {
    tenant_visitor(&state, &who, &id).await?;
    Ok(Json(super::visitor::profile_of(&state, &id).await?))
}

/// The visitor's browsing track, newest first (at most 100 entries).
async fn visitor_traces(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<Vec<parley_protocol::api::VisitTrace>>, ApiError> {
    tenant_visitor(&state, &who, &id).await?;
    Ok(Json(crate::traces::of_visitor(&state, &id, 100).await?))
}

/// Visitors on pages where agents may invite them (`invite_flag`), most recent first.
async fn browsing(
    State(state): State<AppState>,
    who: AgentAuth,
) -> Result<Json<Vec<parley_protocol::api::BrowsingVisitor>>, ApiError> {
    Ok(Json(crate::presence::browsing(&state, &who.sysnum).await?))
}

/// Invites a browsing visitor to chat; their page shows the invitation within
/// `PRESENCE_INTERVAL_SECS`, and accepting it opens the chat with this agent.
async fn invite_visitor(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<parley_protocol::api::InviteRequest>,
) -> Result<StatusCode, ApiError> {
    tenant_visitor(&state, &who, &id).await?;
    let text = request.text.unwrap_or_default();
    let text = text.trim();
    if text.chars().count() > crate::presence::MAX_INVITE_CHARS {
        return Err(ApiError::bad_request(format!(
            "the invitation text is longer than {} characters",
            crate::presence::MAX_INVITE_CHARS
        )));
    }
    if !crate::presence::invite(&state, &id, &who.agent_id, text).await? {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "the visitor is not on a page that accepts invitations now",
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn offline_message(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<SendRequest>,
) -> Result<Json<SendResponse>, ApiError> {
    tenant_visitor(&state, &who, &id).await?;
    let c = chat::latest_of_visitor(&state, &id)
        .await?
        .ok_or_else(|| not_found("conversation"))?;
    if c.state != ConversationState::Ended {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "the visitor is still in a conversation; reply there instead",
        ));
    }
    let a = agent_send(
        &state,
        &who,
        &c.id,
        &request.client_id,
        &request.text,
        MessageKind::Offline,
    )
    .await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}
