//! The visitor API. Init is public (rate-limited); everything else needs the visitor
//! session token init returned, and only ever touches that visitor's own data.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::{
    ConversationState, ConversationView, ErrorCode, GroupView, HistoryPage, InitRequest,
    InitResponse, Invitation, MessageKind, OfflineCount, OfflineNote, PresenceResponse,
    ReadRequest, SendRequest, SendResponse, Sender, TraceRequest, TraceResponse,
    TransferToAgentRequest, TransferToAgentResponse, VisitorProfile,
};
use parley_protocol::params::ReceptionType;
use parley_protocol::{effective, ChatParams, Parsed};
use serde::Deserialize;

use crate::auth::{self, JsonBody, VisitorAuth};
use crate::chat::{self, Conversation, NewMessage};
use crate::config::Tenant;
use crate::db::now_ms;
use crate::error::ApiError;
use crate::security::{self, Credentials, PageToken, Refusal};
use crate::{presence, profile, reception, traces, AppState};

/// Longest query string init accepts; the spec's longest realistic links (cards, goods,
/// params) stay well below it.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Most messages init returns as history.
pub const MAX_INIT_HISTORY: i64 = 200;
/// Largest history page.
pub const MAX_PAGE: i64 = 100;

/// Init: public, so it sits behind the rate limit.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route("/api/chat/init", post(init))
        .route("/api/chat/offline", post(offline))
        .route("/api/chat/trace", post(trace))
        .route("/api/chat/presence", post(presence))
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

/// A page's link, parsed and let in by its tenant's security rules.
pub(crate) struct AdmittedLink<'a> {
    pub parsed: Parsed<ChatParams>,
    pub tenant: &'a Tenant,
    pub admitted: security::Admitted,
}

/// Parses a page's raw query string (refusing oversize ones) with the protocol code the
/// client used, finds its tenant and applies the sign / token rules: the chat's init and
/// the ticket pages admit visitors the same way. `kept_visitor_id` is the id the browser
/// kept, checked for size here for both.
pub(crate) async fn admit_link<'a>(
    state: &'a AppState,
    query: &str,
    kept_visitor_id: Option<&str>,
) -> Result<AdmittedLink<'a>, ApiError> {
    if kept_visitor_id.is_some_and(|v| v.len() > 64) {
        return Err(ApiError::bad_request("visitor_id is too long"));
    }
    let parsed = parse_link(query)?;
    let params = &parsed.value;
    let sysnum = params
        .sysnum
        .as_deref()
        .ok_or_else(|| ApiError::bad_request("the sysnum parameter is required"))?;
    let tenant = state
        .config
        .tenant(sysnum)
        .ok_or_else(|| unknown_tenant(sysnum))?;
    let page_token = match params.security.token.as_deref() {
        Some(t) => load_page_token(state, t).await?,
        None => None,
    };
    let admitted = security::admit(
        tenant,
        Credentials {
            partnerid: params.identity.partnerid.as_deref(),
            sign: params.security.sign.as_deref(),
            token: page_token.as_ref(),
        },
        now_ms() / 1000,
    )
    .map_err(refusal)?;
    Ok(AdmittedLink {
        parsed,
        tenant,
        admitted,
    })
}

/// Parses a page's raw query string, refusing oversize ones.
pub(crate) fn parse_link(query: &str) -> Result<Parsed<ChatParams>, ApiError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(format!(
            "the query string is longer than {MAX_QUERY_BYTES} bytes"
        )));
    }
    Ok(ChatParams::from_query(query))
}

/// The error for a sysnum no tenant has.
pub(crate) fn unknown_tenant(sysnum: &str) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownTenant,
        format!("no tenant has sysnum {sysnum:?}"),
    )
}

/// The tenant of a session (sessions are made only for configured tenants).
pub(crate) fn session_tenant<'a>(
    state: &'a AppState,
    sysnum: &str,
) -> Result<&'a Tenant, ApiError> {
    state
        .config
        .tenant(sysnum)
        .ok_or_else(|| ApiError::Internal("tenant of a session vanished".into()))
}

/// Merges the link's CRM fields into the visitor's stored profile, writing only when
/// something changed.
pub(crate) async fn update_profile(
    state: &AppState,
    visitor_id: &str,
    params: &ChatParams,
    admitted: &security::Admitted,
    tenant: &Tenant,
) -> Result<(), ApiError> {
    let stored = load_profile(state, visitor_id).await?;
    let merged = profile::merge(
        stored.clone(),
        params,
        admitted.customized_fields.as_deref(),
        tenant,
    );
    if merged != stored {
        sqlx::query("UPDATE visitors SET profile = $1 WHERE id = $2")
            .bind(serde_json::to_string(&merged).expect("profiles serialize"))
            .bind(visitor_id)
            .execute(state.db.pool())
            .await?;
    }
    Ok(())
}

/// The security refusal as the API error the client localizes.
fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::IllegalUser => ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::IllegalUser,
            security::ILLEGAL_USER_MESSAGE,
        ),
        Refusal::TokenExpired => ApiError::client(
            StatusCode::UNAUTHORIZED,
            ErrorCode::TokenExpired,
            security::TOKEN_EXPIRED_MESSAGE,
        ),
    }
}

/// The page token a link carries, if the token API issued it.
async fn load_page_token(state: &AppState, token: &str) -> Result<Option<PageToken>, ApiError> {
    if token.len() > 128 {
        return Ok(None);
    }
    let row: Option<(String, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT sysnum, partnerid, expires_at_s, customized_fields FROM page_tokens \
         WHERE token = $1",
    )
    .bind(token)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.map(
        |(sysnum, partnerid, expires_at_s, customized_fields)| PageToken {
            sysnum,
            partnerid,
            expires_at_s,
            customized_fields,
        },
    ))
}

async fn load_profile(state: &AppState, visitor_id: &str) -> Result<VisitorProfile, ApiError> {
    let (partnerid, profile, created_at, last_seen): (Option<String>, String, i64, i64) =
        sqlx::query_as(
            "SELECT partnerid, profile, created_at, last_seen FROM visitors WHERE id = $1",
        )
        .bind(visitor_id)
        .fetch_one(state.db.pool())
        .await?;
    let mut p: VisitorProfile = serde_json::from_str(&profile).unwrap_or_default();
    p.visitor_id = visitor_id.to_owned();
    p.partnerid = partnerid;
    p.created_at = created_at;
    p.last_seen = last_seen;
    Ok(p)
}

/// The stored profile of a visitor (for the agent API too).
pub async fn profile_of(state: &AppState, visitor_id: &str) -> Result<VisitorProfile, ApiError> {
    load_profile(state, visitor_id).await
}

/// Starts or resumes a visitor session. The raw query string is re-parsed here with the
/// same protocol code the client used: the server never trusts the client's parse.
async fn init(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<InitRequest>,
) -> Result<Json<InitResponse>, ApiError> {
    let (visitor_id, AdmittedLink { parsed, tenant, .. }) =
        admit_visitor(&state, &request.query, request.visitor_id.as_deref()).await?;
    let params = &parsed.value;

    let settings = effective(params, &tenant.backend_settings());
    let mut conversation = match chat::latest_of_visitor(&state, &visitor_id).await? {
        Some(c) if c.state != ConversationState::Ended => c,
        _ => {
            let context = reception::Context::new(params, &settings, tenant);
            let c = chat::create(
                &state,
                &tenant.sysnum,
                &visitor_id,
                &serde_json::to_string(&context).expect("contexts serialize"),
            )
            .await?;
            chat::publish_summary(&state, &c).await;
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
        let (c, r) = reception::route(&state, tenant, &conversation.id, false, None).await?;
        conversation = c;
        Some(r)
    } else {
        None
    };
    let session_token = auth::create_session(
        &state,
        "visitor",
        &tenant.sysnum,
        &visitor_id,
        Some(&conversation.id),
        auth::VISITOR_TTL_MS,
    )
    .await?;
    let since = now_ms() - settings.time as i64 * 60_000;
    let history = chat::recent_of_visitor(&state, &visitor_id, since, MAX_INIT_HISTORY).await?;
    let unread_offline = chat::unread_offline(&state, &visitor_id).await?;
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
    let view = conversation_view(&state, tenant, &conversation).await?;
    let reception = routed
        .unwrap_or_else(|| reception::reception_of(tenant, &conversation, view.queue_position));
    let greeting = reception::greeting(&state, tenant, &conversation, &context, &settings);
    let guide = reception::guide(&state, tenant, &conversation, &context, &settings);
    tracing::info!(
        sysnum = %tenant.sysnum,
        visitor = %visitor_id,
        conversation = %conversation.id,
        state = conversation.state.as_str(),
        "visitor init"
    );
    let leave_to_ticket = crate::routes::ticket::unread_replies(&state, &visitor_id).await? > 0;
    Ok(Json(InitResponse {
        visitor_id,
        company_name: tenant.company_name.clone(),
        locale: settings.locale,
        greeting,
        issues: parsed.issues,
        session_token,
        settings,
        conversation: view,
        groups,
        history,
        unread_offline,
        reception,
        guide,
        leave_to_ticket,
    }))
}

/// The spec's `offline_message_count`: what agents left for the visitor a link and a
/// browser name. Public like init and admitted by the same rules, but read-only: an
/// unknown visitor gets zeros, nothing is created, nothing is marked read.
async fn offline(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<InitRequest>,
) -> Result<Json<OfflineCount>, ApiError> {
    let AdmittedLink {
        tenant, admitted, ..
    } = admit_link(&state, &request.query, request.visitor_id.as_deref()).await?;
    let Some(visitor_id) = state
        .db
        .find_visitor(
            &tenant.sysnum,
            admitted.partnerid.as_deref(),
            request.visitor_id.as_deref(),
        )
        .await?
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
    let offline_msg: Vec<_> = chat::unread_from_agents(&state, &visitor_id, true)
        .await?
        .into_iter()
        .map(note)
        .collect();
    let un_ack_msg: Vec<_> = chat::unread_from_agents(&state, &visitor_id, false)
        .await?
        .into_iter()
        .map(note)
        .collect();
    let group_id = chat::latest_of_visitor(&state, &visitor_id)
        .await?
        .and_then(|c| c.group_id)
        .unwrap_or_default();
    let unread_tickets = crate::routes::ticket::unread_replies(&state, &visitor_id).await?;
    Ok(Json(OfflineCount {
        size: offline_msg.len(),
        offline_msg,
        un_ack_size: un_ack_msg.len(),
        un_ack_msg,
        group_id,
        leave_to_ticket: u8::from(unread_tickets > 0),
    }))
}

/// The visitor of an admitted link, found or made (by the link's `partnerid`, else the
/// id the browser kept) with the link's profile fields merged in: init and the host
/// page's reports (browsing tracks, presence) know visitors the same way, so agents see
/// who is browsing and a chat started later is the same visitor's.
pub(crate) async fn admit_visitor<'a>(
    state: &'a AppState,
    query: &str,
    kept_visitor_id: Option<&str>,
) -> Result<(String, AdmittedLink<'a>), ApiError> {
    let link = admit_link(state, query, kept_visitor_id).await?;
    let visitor_id = state
        .db
        .find_or_create_visitor(
            &link.tenant.sysnum,
            link.admitted.partnerid.as_deref(),
            kept_visitor_id,
        )
        .await?;
    update_profile(
        state,
        &visitor_id,
        &link.parsed.value,
        &link.admitted,
        link.tenant,
    )
    .await?;
    Ok((visitor_id, link))
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

/// The visitor's view of a conversation.
pub async fn conversation_view(
    state: &AppState,
    tenant: &Tenant,
    c: &Conversation,
) -> Result<ConversationView, ApiError> {
    Ok(ConversationView {
        id: c.id.clone(),
        state: c.state,
        queue_position: chat::queue_position(state, c).await?,
        agent: c.agent_id.as_deref().map(|a| tenant.agent_brief(a)),
        group_id: c.group_id.clone(),
        last_seq: c.last_seq,
        transfer_button: reception::transfer_button(tenant, c),
    })
}

/// Stores a visitor message; sending the same client id again returns the stored one.
/// In a bot conversation the bot's reply follows (once: not for a re-sent duplicate);
/// it reaches the visitor as a message event, and through history.
pub async fn visitor_send(
    state: &AppState,
    who: &VisitorAuth,
    client_id: &str,
    text: &str,
    faq_id: Option<u64>,
) -> Result<chat::Appended, ApiError> {
    chat::check_text(client_id, text)?;
    let appended = chat::append(
        state,
        &who.conversation_id,
        NewMessage {
            client_id: Some(client_id.to_owned()),
            sender: Sender::Visitor,
            sender_id: Some(who.visitor_id.clone()),
            sender_name: None,
            kind: MessageKind::Text,
            text: text.to_owned(),
            event: None,
            bot: None,
            card: None,
            image: None,
        },
    )
    .await?;
    if !appended.duplicate {
        if let Some(tenant) = state.config.tenant(&who.sysnum) {
            reception::bot_reply(state, tenant, &appended.conversation, text, faq_id).await?;
        }
    }
    Ok(appended)
}

async fn send(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<SendRequest>,
) -> Result<Json<SendResponse>, ApiError> {
    let a = visitor_send(
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

/// Resolves the conversation a visitor call names: the session's, or another of the
/// same visitor. Anything else is "not found", so ids cannot be probed.
pub async fn own_conversation(
    state: &AppState,
    who: &VisitorAuth,
    named: Option<&str>,
) -> Result<Conversation, ApiError> {
    let id = named.unwrap_or(&who.conversation_id);
    match chat::get(state, id).await? {
        Some(c) if c.visitor_id == who.visitor_id && c.sysnum == who.sysnum => Ok(c),
        _ => Err(ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such conversation",
        )),
    }
}

async fn history(
    State(state): State<AppState>,
    who: VisitorAuth,
    Query(q): Query<HistoryQuery>,
) -> Result<Json<HistoryPage>, ApiError> {
    let c = own_conversation(&state, &who, q.conversation_id.as_deref()).await?;
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let before = q.before_seq.unwrap_or(i64::MAX);
    let (messages, has_more) = chat::messages_before(&state, &c.id, before, limit).await?;
    Ok(Json(HistoryPage { messages, has_more }))
}

async fn read(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<ReadRequest>,
) -> Result<StatusCode, ApiError> {
    let c = own_conversation(&state, &who, request.conversation_id.as_deref()).await?;
    chat::mark_read(&state, &c.id, request.seq).await?;
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
        tenant,
        &who.conversation_id,
        true,
        request.group_id.as_deref(),
    )
    .await?;
    Ok(Json(TransferToAgentResponse {
        reception,
        conversation: conversation_view(&state, tenant, &c).await?,
    }))
}

async fn leave(
    State(state): State<AppState>,
    who: VisitorAuth,
) -> Result<Json<ConversationView>, ApiError> {
    let tenant = session_tenant(&state, &who.sysnum)?;
    let (c, _) = chat::transition(&state, &who.conversation_id, |c| chat::end(c, None)).await?;
    Ok(Json(conversation_view(&state, tenant, &c).await?))
}
