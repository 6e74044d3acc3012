//! The visitor API. Init is public (rate-limited); everything else needs the visitor
//! session token init returned, and only ever touches that visitor's own data.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::{
    ConversationState, ConversationView, GroupView, HistoryPage, InitRequest, InitResponse,
    Invitation, OfflineCount, OfflineNote, PresenceResponse, ReadRequest, SendRequest,
    SendResponse, TraceRequest, TraceResponse, TransferToAgentRequest, TransferToAgentResponse,
};
use parley_protocol::effective;
use parley_protocol::params::ReceptionType;
use serde::Deserialize;
use std::sync::Arc;

use crate::admission::{self, admit_link, admit_visitor, session_tenant, AdmittedLink};
use crate::auth::{self, JsonBody, VisitorAuth};
use crate::chat::{self, Conversation};
use crate::config::Tenant;
use crate::error::ApiError;
use crate::store::messages::Unread;
use crate::store::{self, now_ms};
use crate::{presence, reception, traces, AppState};

/// Most messages init returns as history.
pub const MAX_INIT_HISTORY: i64 = 200;
/// Largest history page.
pub const MAX_PAGE: i64 = 100;

/// Init and the loader's reports: public, so they sit behind the rate limit (the
/// `Init` class).
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route("/api/chat/init", post(init))
        .route("/api/chat/offline", post(offline))
        .route("/api/chat/trace", post(trace))
}

/// Presence reports: public, with a rate limit of their own (one report every 10 s
/// per visitor on an invitation page adds up behind one NAT).
pub fn presence_router() -> Router<AppState> {
    Router::new().route("/api/chat/presence", post(presence))
}

/// The session-bound visitor endpoints.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/chat/send", post(send))
        .route("/api/chat/history", get(history))
        .route("/api/chat/read", post(read))
        .route("/api/chat/leave", post(leave))
        .route("/api/chat/transfer", post(transfer))
}

/// Starts or resumes a visitor session. The raw query string is re-parsed here with the
/// same protocol code the client used: the server never trusts the client's parse.
async fn init(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    JsonBody(request): JsonBody<InitRequest>,
) -> Result<Json<InitResponse>, ApiError> {
    let (visitor_id, AdmittedLink { parsed, tenant, .. }) =
        admit_visitor(&state, &request.query, request.visitor_id.as_deref()).await?;
    let params = &parsed.value;

    let settings = effective(params, &tenant.backend_settings());
    let latest = store::conversations::latest_of_visitor(state.db.pool(), &visitor_id).await?;
    let mut conversation = match latest {
        Some(c) if c.state != ConversationState::Ended => c,
        _ => {
            let mut context = reception::Context::new(params, &settings, &tenant);
            context.user_agent = headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::user_agent::stored);
            context.page =
                crate::traces::came_from(&state, &visitor_id, request.referrer.as_deref()).await?;
            let c = store::conversations::create(
                state.db.pool(),
                &tenant.sysnum,
                &visitor_id,
                &serde_json::to_string(&context).expect("contexts serialize"),
            )
            .await?;
            chat::publish::summary(&state, &c).await;
            c
        }
    };
    // Agent-first and agent-only chats go to humans straight away; a resumed one that
    // is still with the bot (nobody was available) tries again.
    let context = reception::Context::of(&conversation);
    let agent_side = matches!(
        context.request.reception_type,
        ReceptionType::AgentOnly | ReceptionType::AgentFirst
    );
    let routed = if agent_side && conversation.state == ConversationState::Bot {
        let (c, r) = reception::route(&state, &tenant, &conversation.id, false, None).await?;
        conversation = c;
        Some(r)
    } else {
        None
    };
    // The link's `time` window (minutes) bounds the first page of history here and
    // every older page the session asks for (`history`).
    let since = now_ms() - settings.time as i64 * 60_000;
    let session_token = auth::create_session(
        &state,
        auth::VISITOR_SESSION,
        &tenant.sysnum,
        &visitor_id,
        Some(&conversation.id),
        Some(since),
        auth::VISITOR_TTL_MS,
    )
    .await?;
    let history =
        store::messages::recent_of_visitor(state.db.pool(), &visitor_id, since, MAX_INIT_HISTORY)
            .await?;
    let unread_offline =
        store::messages::unread_from_agents(state.db.pool(), &visitor_id, Unread::Offline)
            .await?
            .into_iter()
            .map(|(m, _)| m)
            .collect();
    let now = now_ms();
    let groups = tenant
        .groups
        .iter()
        .map(|g| GroupView {
            id: g.id.clone(),
            name: g.name.clone(),
            open: g.is_open(now),
        })
        .collect();
    let view = conversation_view(&state, &tenant, &conversation).await?;
    let reception = routed.unwrap_or_else(|| {
        let serving = reception::serving_tenant(&state, &conversation, &tenant);
        reception::reception_of(&serving, &conversation, view.queue_position)
    });
    let greeting = reception::greeting(&state, &tenant, &conversation, &context, &settings);
    let guide = reception::guide(&state, &tenant, &conversation, &context, &settings);
    tracing::info!(
        sysnum = %tenant.sysnum,
        visitor = %visitor_id,
        conversation = %conversation.id,
        state = conversation.state.as_str(),
        "visitor init"
    );
    let leave_to_ticket = store::tickets::unread_replies(state.db.pool(), &visitor_id).await? > 0;
    let evaluation = tenant
        .evaluation
        .settings_for(&settings, context.sat_degree_a);
    let mut issues = parsed.issues;
    issues.extend(
        crate::profile::declared_customer_fields(&tenant, params.identity.customer_fields.as_ref())
            .1,
    );
    Ok(Json(InitResponse {
        visitor_id,
        company_name: tenant.company_name.clone(),
        locale: settings.locale,
        greeting,
        issues,
        session_token,
        settings,
        conversation: view,
        groups,
        history,
        unread_offline,
        reception,
        guide,
        leave_to_ticket,
        evaluation,
    }))
}

/// The spec's `offline_message_count`: what agents left for the visitor a link and a
/// browser name. Public like init and admitted by the same rules, but read-only: an
/// unknown visitor gets zeros, nothing is created, nothing is marked read.
async fn offline(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<InitRequest>,
) -> Result<Json<OfflineCount>, ApiError> {
    let link = admit_link(&state, &request.query, request.visitor_id.as_deref()).await?;
    let tenant = link.tenant.clone();
    let Some(visitor_id) =
        admission::known_visitor(&state, &link, request.visitor_id.as_deref()).await?
    else {
        return Ok(Json(OfflineCount::default()));
    };
    let note = |(m, agent): (parley_protocol::api::ChatMessage, Option<String>)| OfflineNote {
        img: agent
            .and_then(|a| tenant.agent(&a).and_then(|a| a.avatar.clone()))
            .unwrap_or_default(),
        name: m.sender_name.unwrap_or_default(),
        msg: parley_protocol::rich::plain_text(&m.text),
        t: m.created_at,
    };
    let unread = |which| store::messages::unread_from_agents(state.db.pool(), &visitor_id, which);
    let offline_msg: Vec<_> = unread(Unread::Offline)
        .await?
        .into_iter()
        .map(note)
        .collect();
    let un_ack_msg: Vec<_> = unread(Unread::InChat)
        .await?
        .into_iter()
        .map(note)
        .collect();
    let group_id = store::conversations::latest_of_visitor(state.db.pool(), &visitor_id)
        .await?
        .and_then(|c| c.group_id)
        .unwrap_or_default();
    let unread_tickets = store::tickets::unread_replies(state.db.pool(), &visitor_id).await?;
    Ok(Json(OfflineCount {
        size: offline_msg.len(),
        offline_msg,
        un_ack_size: un_ack_msg.len(),
        un_ack_msg,
        group_id,
        leave_to_ticket: u8::from(unread_tickets > 0),
    }))
}

/// The page a host page's report is about (its `cur_visit_args`), or a 400 when they
/// name none.
fn current_page(request: &TraceRequest) -> Result<parley_protocol::api::VisitPage, ApiError> {
    request
        .cur_visit_args
        .as_ref()
        .and_then(|args| traces::visit_page(args, "cur"))
        .ok_or_else(|| {
            ApiError::bad_request(
                "cur_visit_args names no page: give an http(s) cur_visit_url or a title",
            )
        })
}

/// One page view of the visitor's browsing track (`man_trace`, `zc("trace")`). Public
/// like init and admitted by the same rules. It makes the visitor known, as init would,
/// so a chat they start later from this browser is theirs and its agent sees the pages
/// that led to it.
async fn trace(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<TraceRequest>,
) -> Result<Json<TraceResponse>, ApiError> {
    let page = current_page(&request)?;
    let previous = request
        .pre_visit_args
        .as_ref()
        .and_then(|args| traces::visit_page(args, "pre"));
    let (visitor_id, _) =
        admit_visitor(&state, &request.query, request.visitor_id.as_deref()).await?;
    traces::record(&state, &visitor_id, &page, previous.as_ref()).await?;
    Ok(Json(TraceResponse { visitor_id }))
}

/// The page says the visitor is on a page where agents may invite them (`invite_flag`),
/// repeated every `PRESENCE_INTERVAL_SECS`; the answer carries an agent's invitation
/// when one is waiting. The visitor is found or made as for a browsing track.
async fn presence(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<TraceRequest>,
) -> Result<Json<PresenceResponse>, ApiError> {
    let page = current_page(&request)?;
    presence::check_invitable(&state, &request.query)?;
    let (visitor_id, AdmittedLink { tenant, .. }) =
        admit_visitor(&state, &request.query, request.visitor_id.as_deref()).await?;
    let invitation = presence::report(&state, &tenant.sysnum, &visitor_id, &page)
        .await?
        .map(|p| {
            let agent = tenant.agent_brief(&p.agent_id);
            Invitation {
                agent_id: agent.id,
                agent_name: agent.name,
                agent_avatar: agent.avatar,
                text: p.text,
            }
        });
    Ok(Json(PresenceResponse {
        visitor_id,
        invitation,
    }))
}

/// The visitor's view of a conversation; `tenant` is the visitor's (the agent is named
/// by the tenant serving the conversation, a partner's after an overflow).
pub async fn conversation_view(
    state: &AppState,
    tenant: &Arc<Tenant>,
    c: &Conversation,
) -> Result<ConversationView, ApiError> {
    let serving = reception::serving_tenant(state, c, tenant);
    Ok(ConversationView {
        id: c.id.clone(),
        state: c.state,
        queue_position: chat::queue_position(state, c).await?,
        agent: c.agent_id.as_deref().map(|a| serving.agent_brief(a)),
        group_id: c.group_id.clone(),
        last_seq: c.last_seq,
        transfer_button: reception::transfer_button(tenant, c),
    })
}

async fn send(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<SendRequest>,
) -> Result<Json<SendResponse>, ApiError> {
    let a = reception::visitor_says(
        &state,
        &who,
        &request.client_id,
        &request.text,
        request.faq_id,
    )
    .await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

/// `GET /api/chat/history` query.
#[derive(Debug, Deserialize)]
struct HistoryQuery {
    /// Defaults to the session's conversation; another one must be the visitor's own.
    conversation_id: Option<String>,
    /// Messages before this sequence number; default: the newest.
    before_seq: Option<i64>,
    limit: Option<i64>,
}

async fn history(
    State(state): State<AppState>,
    who: VisitorAuth,
    Query(q): Query<HistoryQuery>,
) -> Result<Json<HistoryPage>, ApiError> {
    let c = chat::of_visitor(&state, &who, q.conversation_id.as_deref()).await?;
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let before = q.before_seq.unwrap_or(i64::MAX);
    let (messages, has_more) =
        store::messages::before(state.db.pool(), &c.id, before, who.history_since, limit).await?;
    Ok(Json(HistoryPage { messages, has_more }))
}

async fn read(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<ReadRequest>,
) -> Result<StatusCode, ApiError> {
    let c = chat::of_visitor(&state, &who, request.conversation_id.as_deref()).await?;
    store::conversations::mark_read(state.db.pool(), &c.id, request.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The trans-to-agent button, or the visitor's pick of a group.
async fn transfer(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<TransferToAgentRequest>,
) -> Result<Json<TransferToAgentResponse>, ApiError> {
    let tenant = session_tenant(&state, &who.sysnum)?;
    let (c, reception) = reception::route(
        &state,
        &tenant,
        &who.conversation_id,
        true,
        request.group_id.as_deref(),
    )
    .await?;
    Ok(Json(TransferToAgentResponse {
        reception,
        conversation: conversation_view(&state, &tenant, &c).await?,
    }))
}

async fn leave(
    State(state): State<AppState>,
    who: VisitorAuth,
) -> Result<Json<ConversationView>, ApiError> {
    let tenant = session_tenant(&state, &who.sysnum)?;
    // The visitor's own close asks for an evaluation in the page itself
    // (`show_evaluate`) before it calls this, so no invitation is stored.
    let changed = reception::transition(&state, &who.conversation_id, |c| {
        chat::transitions::end(c, None, false)
    })
    .await?;
    Ok(Json(
        conversation_view(&state, &tenant, &changed.after).await?,
    ))
}
