//! The agent API. Login is public (rate-limited); everything else needs the agent's
//! bearer token and only reaches conversations and visitors of the agent's tenant.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use parley_protocol::api::{
    AgentConversations, AgentLoginRequest, AgentLoginResponse, AgentReadRequest, AgentStatus,
    AgentStatusRequest, AgentView, ConversationState, ConversationSummary, ErrorCode, HistoryPage,
    MessageKind, SendRequest, SendResponse, TransferRequest, VisitorProfile,
};
use serde::Deserialize;

use crate::admission::profile_of;
use crate::auth::{self, AgentAuth, JsonBody};
use crate::chat::{self, transitions, Changed, Conversation};
use crate::config::{Agent, Tenant};
use crate::error::ApiError;
use crate::notify::Note;
use crate::sockets::Ended;
use crate::store::now_ms;
use crate::{password, presence, reception, signin, store, traces, AppState};

/// Login: public, behind the rate limit.
pub fn public_router() -> Router<AppState> {
    Router::new().route("/api/agent/login", post(login))
}

/// The endpoints that need an agent session.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/agent/logout", post(logout))
        .route("/api/agent/logout-everywhere", post(logout_everywhere))
        .route("/api/agent/me", get(me))
        .route("/api/agent/status", put(set_status))
        .route("/api/agent/conversations", get(conversations))
        .route("/api/agent/conversations/{id}/messages", get(messages))
        .route("/api/agent/conversations/{id}/accept", post(accept))
        .route("/api/agent/conversations/{id}/reply", post(reply))
        .route("/api/agent/conversations/{id}/end", post(end))
        .route("/api/agent/conversations/{id}/transfer", post(transfer))
        .route("/api/agent/conversations/{id}/read", post(mark_read))
        .route("/api/agent/visitors/{id}", get(visitor_profile))
        .route("/api/agent/visitors/{id}/traces", get(visitor_traces))
        .route("/api/agent/visitors/{id}/detail", get(visitor_detail))
        .route("/api/agent/visitors/{id}/invite", post(invite_visitor))
        .route("/api/agent/browsing", get(browsing))
        .route("/api/agent/colleagues", get(colleagues))
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

async fn view(state: &AppState, tenant: &Tenant, agent: &Agent) -> Result<AgentView, ApiError> {
    let pool = state.db.pool();
    let active = store::conversations::held_by(pool, &tenant.sysnum, &agent.id)
        .await?
        .len() as u32;
    Ok(AgentView {
        id: agent.id.clone(),
        name: agent.name.clone(),
        sysnum: tenant.sysnum.clone(),
        groups: agent.groups.clone(),
        capacity: agent.capacity,
        status: store::staff::status(pool, &tenant.sysnum, &agent.id).await?,
        active,
        admin: agent.role == crate::config::Role::Admin,
    })
}

async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<AgentLoginRequest>,
) -> Result<Json<AgentLoginResponse>, ApiError> {
    if request.password.len() > 1024 || request.username.len() > 300 {
        return Err(ApiError::bad_request("field too long"));
    }
    let account = (request.sysnum.clone(), request.username.clone());
    if let Some(wait) = state.signin.closed(&account, now_ms()) {
        return Err(ApiError::retry_later(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many wrong passwords for this account; try again in {wait} s"),
            wait,
        ));
    }
    let permit = state
        .signin
        .permit(signin::PERMIT_WAIT)
        .await
        .ok_or_else(|| {
            ApiError::retry_later(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many sign-ins at once; try again in a moment",
                1,
            )
        })?;
    let found = state
        .config
        .tenant(&request.sysnum)
        .and_then(|t| t.active_agent(&request.username).cloned().map(|a| (t, a)));
    // An unknown name still costs one verification, so timing does not reveal names.
    let hash = found
        .as_ref()
        .map(|(_, a)| a.password_hash.clone())
        .unwrap_or_else(|| password::DUMMY_HASH.to_owned());
    let given = request.password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&given, &hash))
        .await
        .map_err(|e| ApiError::Internal(format!("password check: {e}")))?;
    drop(permit);
    let (tenant, agent) = match found {
        Some(f) if ok => f,
        _ => {
            let failures = state.signin.failed(account, now_ms());
            tracing::warn!(
                target: "audit",
                sysnum = %request.sysnum,
                username = %request.username,
                failures_in_a_row = failures.count,
                "agent sign-in failed"
            );
            return Err(ApiError::client(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "wrong company, user name or password",
            ));
        }
    };
    state.signin.succeeded(&account);
    let token = auth::create_agent_session(&state, &tenant, &agent).await?;
    reception::set_agent_status(&state, &tenant.sysnum, &agent.id, AgentStatus::Online).await?;
    tracing::info!(sysnum = %tenant.sysnum, agent = %agent.id, "agent login");
    Ok(Json(AgentLoginResponse {
        token,
        agent: view(&state, &tenant, &agent).await?,
    }))
}

async fn logout(State(state): State<AppState>, who: AgentAuth) -> Result<StatusCode, ApiError> {
    reception::set_agent_status(&state, &who.sysnum, &who.agent_id, AgentStatus::Offline).await?;
    auth::delete_session(&state, &who).await?;
    signed_out(&state, &who, Some(who.session.clone()));
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the agent, on every device (a lost laptop, a shared
/// computer), and sets them offline.
async fn logout_everywhere(
    State(state): State<AppState>,
    who: AgentAuth,
) -> Result<StatusCode, ApiError> {
    reception::set_agent_status(&state, &who.sysnum, &who.agent_id, AgentStatus::Offline).await?;
    let ended = auth::delete_agent_sessions(&state, &who).await?;
    signed_out(&state, &who, None);
    tracing::info!(target: "audit", sysnum = %who.sysnum, agent = %who.agent_id, ended, "signed out everywhere");
    Ok(StatusCode::NO_CONTENT)
}

/// Closes the open sockets of the sessions just ended (`session`, or all of the agent's),
/// here and on every other instance: a signed-out device must stop receiving visitors'
/// messages at once, not when its socket next reconnects.
fn signed_out(state: &AppState, who: &AgentAuth, session: Option<String>) {
    state
        .sockets
        .end(Ended::new(&who.sysnum, &who.agent_id, session.clone()));
    state.notifier.send(Note::SignedOut {
        t: who.sysnum.clone(),
        a: who.agent_id.clone(),
        s: session,
    });
}

async fn me(State(state): State<AppState>, who: AgentAuth) -> Result<Json<AgentView>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    Ok(Json(view(&state, &tenant, &agent).await?))
}

async fn set_status(
    State(state): State<AppState>,
    who: AgentAuth,
    JsonBody(request): JsonBody<AgentStatusRequest>,
) -> Result<Json<AgentView>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    reception::set_agent_status(&state, &who.sysnum, &who.agent_id, request.status).await?;
    Ok(Json(view(&state, &tenant, &agent).await?))
}

/// The tenant's other agents and its groups, for a transfer.
async fn colleagues(
    State(state): State<AppState>,
    who: AgentAuth,
) -> Result<Json<parley_protocol::api::Colleagues>, ApiError> {
    let (tenant, _) = who.resolve(&state)?;
    let mut agents = Vec::new();
    for a in tenant
        .agents
        .iter()
        .filter(|a| a.id != who.agent_id && !a.disabled)
    {
        agents.push(view(&state, &tenant, a).await?);
    }
    let ids: Vec<String> = tenant.groups.iter().map(|g| g.id.clone()).collect();
    Ok(Json(parley_protocol::api::Colleagues {
        agents,
        groups: reception::group_views(&tenant, &ids, now_ms()),
    }))
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
        out.push(chat::summary_of(state, &c).await?);
    }
    Ok(out)
}

async fn conversations(
    State(state): State<AppState>,
    who: AgentAuth,
) -> Result<Json<AgentConversations>, ApiError> {
    let (_, agent) = who.resolve(&state)?;
    let pool = state.db.pool();
    let waiting = store::conversations::waiting(pool, &who.sysnum)
        .await?
        .into_iter()
        .filter(|c| in_agents_groups(c, &agent))
        .collect();
    let mine = store::conversations::held_by(pool, &who.sysnum, &who.agent_id).await?;
    let ended = store::conversations::ended_by(
        pool,
        &who.sysnum,
        &who.agent_id,
        parley_protocol::api::RECENTLY_ENDED as i64,
    )
    .await?;
    Ok(Json(AgentConversations {
        waiting: summaries(&state, waiting).await?,
        mine: summaries(&state, mine).await?,
        ended: summaries(&state, ended).await?,
    }))
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
    let c = chat::of_tenant(&state, &who, &id).await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    if let Some(after) = q.after_seq {
        let messages = store::messages::after(state.db.pool(), &c.id, after, limit).await?;
        return Ok(Json(HistoryPage {
            messages,
            has_more: false,
        }));
    }
    let before = q.before_seq.unwrap_or(i64::MAX);
    let (messages, has_more) =
        store::messages::before(state.db.pool(), &c.id, before, i64::MIN, limit).await?;
    Ok(Json(HistoryPage { messages, has_more }))
}

async fn accept(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<ConversationSummary>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    let c = chat::of_tenant(&state, &who, &id).await?;
    if !in_agents_groups(&c, &agent) {
        return Err(ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::Unauthorized,
            "this conversation waits for another skill group",
        ));
    }
    let c = reception::accept(&state, &tenant, &agent, &c.id).await?;
    summary(&state, &c).await
}

/// The holding agent has seen the conversation up to `seq` (the workbench calls it
/// when a conversation is opened and when a message arrives in the open one).
async fn mark_read(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<AgentReadRequest>,
) -> Result<Json<ConversationSummary>, ApiError> {
    let c = chat::of_tenant(&state, &who, &id).await?;
    Ok(Json(
        chat::mark_read_by_agent(&state, &who.agent_id, &c, request.seq).await?,
    ))
}

/// The summary of a conversation, as the agents' lists show it.
async fn summary(
    state: &AppState,
    c: &Conversation,
) -> Result<Json<ConversationSummary>, ApiError> {
    Ok(Json(chat::summary_of(state, c).await?))
}

async fn reply(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<SendRequest>,
) -> Result<Json<SendResponse>, ApiError> {
    let a = chat::send_as_agent(
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

async fn end(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<ConversationSummary>, ApiError> {
    let c = chat::of_tenant(&state, &who, &id).await?;
    let aid = who.agent_id.clone();
    let changed = reception::transition(&state, &c.id, |c| {
        transitions::end(c, Some(&aid), reception::invites_evaluation(&state, c))
    })
    .await?;
    summary(&state, &changed.after).await
}

async fn transfer(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<TransferRequest>,
) -> Result<Json<ConversationSummary>, ApiError> {
    let (tenant, _) = who.resolve(&state)?;
    let c = chat::of_tenant(&state, &who, &id).await?;
    let from = who.agent_id.clone();
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > parley_protocol::api::MAX_NOTE_CHARS) {
        return Err(ApiError::bad_request(format!(
            "the note is longer than {} characters",
            parley_protocol::api::MAX_NOTE_CHARS
        )));
    }
    // Written before the transfer, so the summary it publishes carries the note; put
    // back if the transfer is refused.
    store::conversations::set_transfer_note(state.db.pool(), &c.id, note).await?;
    let changed = transfer_to(&state, &tenant, &c, &from, &request).await;
    if changed.is_err() {
        store::conversations::set_transfer_note(state.db.pool(), &c.id, c.transfer_note.as_deref())
            .await?;
    }
    summary(&state, &changed?.after).await
}

async fn transfer_to(
    state: &AppState,
    tenant: &Tenant,
    c: &Conversation,
    from: &str,
    request: &TransferRequest,
) -> Result<Changed, ApiError> {
    let state = state.clone();
    let from = from.to_owned();
    let changed: Changed = match (&request.to_agent, &request.to_group) {
        (Some(to), None) => {
            let target = tenant.agent(to).ok_or_else(|| not_found("agent"))?;
            let to = tenant.agent_brief(&target.id);
            reception::transition(&state, &c.id, |c| {
                transitions::transfer_to_agent(c, &from, &to)
            })
            .await?
        }
        (None, Some(group)) => {
            let g = tenant
                .group(group)
                .ok_or_else(|| not_found("group"))?
                .id
                .clone();
            reception::transition(&state, &c.id, |c| {
                transitions::transfer_to_group(c, &from, &g)
            })
            .await?
        }
        _ => {
            return Err(ApiError::bad_request(
                "give exactly one of to_agent and to_group",
            ))
        }
    };
    Ok(changed)
}

/// A visitor of the agent's tenant; others are "not found".
async fn tenant_visitor(state: &AppState, who: &AgentAuth, id: &str) -> Result<(), ApiError> {
    match store::visitors::tenant_of(state.db.pool(), id).await? {
        Some(s) if s == who.sysnum => Ok(()),
        _ => Err(not_found("visitor")),
    }
}

async fn visitor_profile(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<VisitorProfile>, ApiError> {
    tenant_visitor(&state, &who, &id).await?;
    Ok(Json(profile_of(&state, &id).await?))
}

/// What the workbench's visitor panel shows: the profile, the tenant's labels for its
/// custom fields, the browsing track, and the visitor's conversations and tickets.
async fn visitor_detail(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<parley_protocol::api::VisitorDetail>, ApiError> {
    tenant_visitor(&state, &who, &id).await?;
    let (tenant, _) = who.resolve(&state)?;
    let list = store::conversations::of_visitor(state.db.pool(), &id, 20).await?;
    // The newest conversation says how the visitor came this time.
    let newest = list.first().map(crate::reception::Context::of);
    let browser = newest
        .as_ref()
        .and_then(|c| c.user_agent.as_deref())
        .and_then(crate::user_agent::label);
    let source = newest.as_ref().and_then(|c| c.source);
    Ok(Json(parley_protocol::api::VisitorDetail {
        browser,
        source,
        profile: profile_of(&state, &id).await?,
        field_labels: tenant
            .customer_fields
            .iter()
            .map(|f| (f.key.clone(), f.label.clone()))
            .collect(),
        traces: traces::of_visitor(&state, &id, 50).await?,
        conversations: summaries(&state, list).await?,
        tickets: store::tickets::of_visitor(&state.db, &who.sysnum, &id, 20).await?,
    }))
}

/// The visitor's browsing track, newest first (at most 100 entries).
async fn visitor_traces(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<Vec<parley_protocol::api::VisitTrace>>, ApiError> {
    tenant_visitor(&state, &who, &id).await?;
    Ok(Json(traces::of_visitor(&state, &id, 100).await?))
}

/// Visitors on pages where agents may invite them (`invite_flag`), most recent first.
async fn browsing(
    State(state): State<AppState>,
    who: AgentAuth,
) -> Result<Json<Vec<parley_protocol::api::BrowsingVisitor>>, ApiError> {
    Ok(Json(presence::browsing(&state, &who.sysnum).await?))
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
    if text.chars().count() > presence::MAX_INVITE_CHARS {
        return Err(ApiError::bad_request(format!(
            "the invitation text is longer than {} characters",
            presence::MAX_INVITE_CHARS
        )));
    }
    if !presence::invite(&state, &id, &who.agent_id, text).await? {
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
    let c = store::conversations::latest_of_visitor(state.db.pool(), &id)
        .await?
        .ok_or_else(|| not_found("conversation"))?;
    if c.state != ConversationState::Ended {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "the visitor is still in a conversation; reply there instead",
        ));
    }
    let a = chat::send_as_agent(
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
