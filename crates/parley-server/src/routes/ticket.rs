//! Tickets over HTTP: the leave-message page and the ticket plug-in page (visitor side,
//! `/api/ticket/*`) and the agents' ticket desk (`/api/agent/tickets/*`).
//!
//! A page starts with `POST /api/ticket/session`, which admits the visitor exactly as
//! chat init does (same sign and token rules, same visitor identity) and returns a
//! session bound to that visitor. Submissions, "my messages" and the unread count need
//! that session, or a chat session of the same visitor (so the form embedded in the
//! chat page reuses its token). Attachments travel as base64 inside the JSON body and
//! are stored in the database, so every instance sharing one PostgreSQL serves them.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::ErrorCode;
use parley_protocol::ticket::{
    validate_form, AgentTickets, FieldProblem, FilledField, MyTickets, SubmitRefused, SubmitTicket,
    TemplateView, TicketReplyRequest, TicketSessionRequest, TicketSessionResponse, TicketStatus,
    TicketUnread, TicketView, MAX_REPLY_CHARS,
};
use parley_protocol::{effective, Locale};
use serde::Deserialize;
use tower_http::limit::RequestBodyLimitLayer;

use crate::admission::{
    admit_link, admit_ticket_visitor, parse_link, session_tenant, unknown_tenant, AdmittedLink,
};
use crate::auth::{self, AgentAuth, JsonBody, TicketVisitor, TICKET_SESSION};
use crate::config::Tenant;
use crate::error::ApiError;
use crate::store::tickets::{NewTicket, Written};
use crate::tickets::{self, CheckedFile};
use crate::{quota, ratelimit, store, AppState};
/// Most tickets one list returns.
pub const MAX_LIST: i64 = 100;

/// Every ticket route. The public ones sit behind the rate limit. The router is merged
/// outside the app-wide body limit: the submission gets its own, sized from the
/// configuration's largest template (the general limit is far too small for
/// attachments), and every other route gets the general one again.
pub fn router(state: &AppState) -> Router<AppState> {
    let public = Router::new()
        .route("/api/ticket/session", post(session))
        .route("/api/ticket/template", get(template))
        .route_layer(axum::middleware::from_fn_with_state(
            (Arc::clone(&state.limiter), ratelimit::Class::Init),
            ratelimit::middleware,
        ));
    let templates: Vec<_> = state
        .config
        .tenants()
        .iter()
        .flat_map(|t| t.leave_templates.iter().cloned())
        .collect();
    let limit = tickets::max_submit_body(&templates).max(crate::MAX_BODY_BYTES);
    // Only the submission may be large; everything else keeps the app-wide limit.
    let small = Router::new()
        .merge(public)
        .route("/api/ticket/mine", get(mine))
        .route("/api/ticket/unread", get(unread))
        .route("/api/agent/tickets", get(agent_list))
        .route("/api/agent/tickets/{id}", get(agent_read))
        .route("/api/agent/tickets/{id}/reply", post(agent_reply))
        .route("/api/agent/tickets/{id}/close", post(agent_close))
        .route(
            "/api/agent/tickets/{id}/attachments/{index}",
            get(agent_attachment),
        )
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES));
    let slot = axum::middleware::from_fn_with_state(state.clone(), quota::upload_slot);
    Router::new().merge(small).route(
        "/api/ticket/submit",
        post(submit)
            .layer(RequestBodyLimitLayer::new(limit))
            .route_layer(slot),
    )
}

fn not_found() -> ApiError {
    ApiError::client(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such ticket")
}

/// Starts a leave-message or ticket plug-in page: admits the visitor (the same sign and
/// token rules as chat init), finds or creates them, and returns the form.
async fn session(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<TicketSessionRequest>,
) -> Result<Json<TicketSessionResponse>, ApiError> {
    let link = admit_link(&state, &request.query, request.visitor_id.as_deref()).await?;
    let visitor_id = admit_ticket_visitor(&state, &link, request.visitor_id.as_deref()).await?;
    let AdmittedLink { parsed, tenant, .. } = link;
    let params = &parsed.value;
    let session_token = auth::create_session(
        &state,
        TICKET_SESSION,
        &tenant.sysnum,
        &visitor_id,
        None,
        None,
        auth::VISITOR_TTL_MS,
    )
    .await?;
    let settings = effective(params, &tenant.backend_settings());
    let template = tickets::template_view(tickets::pick_template(&tenant, params), settings.locale);
    let redirect = (params.features.leave_customsys_flag == Some(true))
        .then(|| {
            params
                .features
                .leave_customsys_url
                .as_ref()
                .and_then(|l| l.openable())
                .map(str::to_owned)
        })
        .flatten();
    let (docking, docking_issues) = tickets::docking(&tenant, params.identity.params.as_ref());
    let mut issues = parsed.issues.clone();
    issues.extend(docking_issues);
    Ok(Json(TicketSessionResponse {
        session_token,
        visitor_id,
        company_name: tenant.company_name.clone(),
        locale: settings.locale,
        template,
        group_id: known_group(&tenant, settings.groupid.as_deref()),
        redirect,
        docking,
        issues,
    }))
}

/// `GET /api/ticket/template` query.
#[derive(Debug, Deserialize)]
struct TemplateQuery {
    sysnum: String,
    templateid: Option<String>,
    locale: Option<String>,
}

/// A tenant's template, public (its text is what the form shows anyone): for the form
/// embedded in the chat page, which already has its session.
async fn template(
    State(state): State<AppState>,
    Query(q): Query<TemplateQuery>,
) -> Result<Json<TemplateView>, ApiError> {
    let tenant = state
        .config
        .tenant(&q.sysnum)
        .ok_or_else(|| unknown_tenant(&q.sysnum))?;
    let locale = q
        .locale
        .as_deref()
        .and_then(Locale::from_code)
        .unwrap_or_else(|| tenant.locale());
    Ok(Json(tickets::template_view(
        tenant.leave_template(q.templateid.as_deref()),
        locale,
    )))
}

/// A refused submission: 422 with every problem, so the form marks each field.
struct Refused(Vec<FieldProblem>);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let body = SubmitRefused {
            code: ErrorCode::BadRequest,
            message: format!(
                "the submission has {} problem(s): {}",
                self.0.len(),
                self.0
                    .iter()
                    .map(|p| format!("{} {}", p.field, p.code.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            problems: self.0,
        };
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    }
}

async fn submit(
    State(state): State<AppState>,
    who: TicketVisitor,
    JsonBody(form): JsonBody<SubmitTicket>,
) -> Result<Response, ApiError> {
    let tenant = session_tenant(&state, &who.sysnum)?;
    let params = parse_link(&form.query)?.value;
    let settings = effective(&params, &tenant.backend_settings());
    let template =
        tickets::template_view(tickets::pick_template(&tenant, &params), settings.locale);
    let mut problems = validate_form(&template, &form);
    let mut files: Vec<CheckedFile> = Vec::new();
    if form.attachments.len() as u64 <= u64::from(template.attachments.max_count) {
        for (i, a) in form.attachments.iter().enumerate() {
            match tickets::check_attachment(&template.attachments, i, a) {
                Ok(f) => files.push(f),
                Err(p) => problems.push(p),
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Refused(problems).into_response());
    }
    let bytes: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
    quota::ticket(&state, &tenant, &who.visitor_id, bytes).await?;
    let fields: Vec<FilledField> = template
        .fields
        .iter()
        .filter_map(|f| {
            let v = form.fields.get(&f.key)?.trim();
            (!v.is_empty()).then(|| FilledField {
                key: f.key.clone(),
                label: f.label.clone(),
                value: v.to_owned(),
            })
        })
        .collect();
    let (docking, _) = tickets::docking(&tenant, params.identity.params.as_ref());
    let source = if params.ticket.deploy_id.is_some() {
        "ticket_plugin"
    } else {
        "leave_message"
    };
    let new = NewTicket {
        sysnum: &tenant.sysnum,
        visitor_id: &who.visitor_id,
        template_id: &template.id,
        group_id: known_group(&tenant, settings.groupid.as_deref()),
        source,
        content: form.content.trim(),
        fields: serde_json::to_string(&fields).expect("fields serialize"),
        tel: Some(form.tel.trim()).filter(|t| !t.is_empty()),
        email: Some(form.email.trim()).filter(|t| !t.is_empty()),
        docking: serde_json::to_string(&docking).expect("docking serializes"),
        files: &files,
        channel: params.ui.source.map(|s| s.code()),
        t: params.leave_message.t.as_deref(),
    };
    let id = store::tickets::insert(&state.db, &new).await?;
    let view = store::tickets::get(&state.db, &tenant.sysnum, &id)
        .await?
        .ok_or_else(|| ApiError::Internal("a new ticket vanished".into()))?;
    tracing::info!(sysnum = %tenant.sysnum, ticket = %id, number = view.number, "ticket created");
    // After the commit, so the agents' list re-read finds it; to this instance's agents
    // and, through the bus, to the others'.
    state.hub.publish(
        &crate::hub::Topic::Tenant(tenant.sysnum.clone()),
        std::sync::Arc::new(parley_protocol::ws::ServerEvent::Ticket {
            ticket_id: id.clone(),
            number: view.number,
        }),
    );
    state.notifier.send(crate::notify::Note::Ticket {
        t: tenant.sysnum.clone(),
        id: id.clone(),
        n: view.number,
    });
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// "My messages": the visitor's tickets with the agents' replies, newest first. Seeing
/// them marks the replies read.
async fn mine(
    State(state): State<AppState>,
    who: TicketVisitor,
) -> Result<Json<MyTickets>, ApiError> {
    let unread = store::tickets::unread_replies(state.db.pool(), &who.visitor_id).await?;
    let tickets =
        store::tickets::of_visitor(&state.db, &who.sysnum, &who.visitor_id, MAX_LIST).await?;
    store::tickets::mark_read(state.db.pool(), &who.visitor_id).await?;
    Ok(Json(MyTickets {
        tickets,
        unread_replies: unread,
    }))
}

async fn unread(
    State(state): State<AppState>,
    who: TicketVisitor,
) -> Result<Json<TicketUnread>, ApiError> {
    let n = store::tickets::unread_replies(state.db.pool(), &who.visitor_id).await?;
    Ok(Json(TicketUnread {
        leave_to_ticket: u8::from(n > 0),
        unread_replies: n,
    }))
}

/// `GET /api/agent/tickets` query.
#[derive(Debug, Deserialize)]
struct ListQuery {
    /// `open`, `replied` or `closed`; all when absent.
    status: Option<String>,
}

async fn agent_list(
    State(state): State<AppState>,
    who: AgentAuth,
    Query(q): Query<ListQuery>,
) -> Result<Json<AgentTickets>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(TicketStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!("status {s:?} is not open, replied or closed"))
        })?),
    };
    let tickets = store::tickets::of_tenant(&state.db, &who.sysnum, status, MAX_LIST).await?;
    Ok(Json(AgentTickets { tickets }))
}

async fn agent_read(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(load(&state, &who.sysnum, &id).await?))
}

/// One ticket of the agent's tenant; others are "not found".
async fn load(state: &AppState, sysnum: &str, id: &str) -> Result<TicketView, ApiError> {
    store::tickets::get(&state.db, sysnum, id)
        .await?
        .ok_or_else(not_found)
}

fn agent_name(state: &AppState, who: &AgentAuth) -> Result<String, ApiError> {
    let (_, agent) = who.resolve(state)?;
    Ok(agent.name.clone())
}

async fn agent_reply(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<TicketReplyRequest>,
) -> Result<Json<TicketView>, ApiError> {
    let text = request.text.trim();
    if text.is_empty() || text.chars().count() > MAX_REPLY_CHARS {
        return Err(ApiError::bad_request(format!(
            "a reply must have 1 to {MAX_REPLY_CHARS} characters"
        )));
    }
    let ticket = load(&state, &who.sysnum, &id).await?;
    if ticket.status == TicketStatus::Closed {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "the ticket is closed",
        ));
    }
    let name = agent_name(&state, &who)?;
    store::tickets::reply(&state.db, &id, &who.agent_id, &name, text).await?;
    Ok(Json(load(&state, &who.sysnum, &id).await?))
}

async fn agent_close(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    match store::tickets::close(state.db.pool(), &who.sysnum, &id).await? {
        Written::NotFound => Err(not_found()),
        Written::Done => Ok(Json(load(&state, &who.sysnum, &id).await?)),
    }
}

/// An attachment's bytes, as the type the content check found. Images are shown inline;
/// anything else downloads, so a browser never renders a visitor's file as a page.
async fn agent_attachment(
    State(state): State<AppState>,
    who: AgentAuth,
    Path((id, index)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let store::tickets::Attachment {
        name,
        content_type,
        data,
    } = store::tickets::attachment(state.db.pool(), &who.sysnum, &id, index)
        .await?
        .ok_or_else(not_found)?;
    let disposition = if content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    // Only ASCII letters, digits and a few marks go into the header's plain filename;
    // the exact name is in the ticket view.
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{safe}\""),
        )
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        )
        .body(Body::from(data))
        .map_err(|e| ApiError::Internal(format!("attachment response: {e}")))
}

/// The effective `groupid` when the tenant has that group, so that a ticket names only
/// real groups.
fn known_group(tenant: &Tenant, groupid: Option<&str>) -> Option<String> {
    groupid
        .filter(|g| tenant.group(g).is_some())
        .map(str::to_owned)
}
