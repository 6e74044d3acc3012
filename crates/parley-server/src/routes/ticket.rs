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
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::ErrorCode;
use parley_protocol::params::FieldMap;
use parley_protocol::ticket::{
    validate_form, AgentTickets, AttachmentInfo, FieldProblem, FilledField, MyTickets,
    SubmitRefused, SubmitTicket, TemplateView, TicketReply, TicketReplyRequest,
    TicketSessionRequest, TicketSessionResponse, TicketStatus, TicketUnread, TicketView,
    MAX_REPLY_CHARS,
};
use parley_protocol::{effective, Locale};
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use tower_http::limit::RequestBodyLimitLayer;

use crate::auth::{self, AgentAuth, JsonBody};
use crate::config::Tenant;
use crate::db::{is_unique_violation, now_ms};
use crate::error::ApiError;
use crate::routes::visitor::{
    admit_link, parse_link, session_tenant, unknown_tenant, update_profile, AdmittedLink,
};
use crate::tickets::{self, CheckedFile};
use crate::{ratelimit, AppState};

/// The session kind of a leave-message or ticket plug-in page.
pub const TICKET_SESSION: &str = "ticket";
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
            Arc::clone(&state.limiter),
            ratelimit::middleware,
        ));
    let templates: Vec<_> = state
        .config
        .tenants
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
    Router::new().merge(small).route(
        "/api/ticket/submit",
        post(submit).layer(RequestBodyLimitLayer::new(limit)),
    )
}

fn not_found() -> ApiError {
    ApiError::client(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such ticket")
}

/// The calling visitor: a ticket page session, or a chat session of the same visitor.
#[derive(Debug, Clone)]
pub struct TicketVisitor {
    pub sysnum: String,
    pub visitor_id: String,
}

impl FromRequestParts<AppState> for TicketVisitor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let unauthorized = || {
            ApiError::client(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "a valid session token is required (Authorization: Bearer …)",
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(unauthorized)?;
        let session = match auth::find_session(state, token, TICKET_SESSION).await? {
            Some(s) => s,
            None => auth::find_session(state, token, "visitor")
                .await?
                .ok_or_else(unauthorized)?,
        };
        Ok(TicketVisitor {
            sysnum: session.sysnum,
            visitor_id: session.subject,
        })
    }
}

/// Starts a leave-message or ticket plug-in page: admits the visitor (the same sign and
/// token rules as chat init), finds or creates them, and returns the form.
async fn session(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<TicketSessionRequest>,
) -> Result<Json<TicketSessionResponse>, ApiError> {
    let AdmittedLink {
        parsed,
        tenant,
        admitted,
    } = admit_link(&state, &request.query, request.visitor_id.as_deref()).await?;
    let params = &parsed.value;
    // The spec's `uid` is the visitor id the CRM API reports; it wins over the id this
    // browser kept. Both name only anonymous visitors, like init's kept id.
    let partnerid = admitted
        .partnerid
        .clone()
        .or_else(|| tickets::external_identity(params));
    let anonymous = params
        .leave_message
        .uid
        .as_deref()
        .filter(|u| u.len() <= 64)
        .or(request.visitor_id.as_deref());
    let visitor_id = state
        .db
        .find_or_create_visitor(&tenant.sysnum, partnerid.as_deref(), anonymous)
        .await?;
    update_profile(&state, &visitor_id, params, &admitted, tenant).await?;
    let session_token = auth::create_session(
        &state,
        TICKET_SESSION,
        &tenant.sysnum,
        &visitor_id,
        None,
        auth::VISITOR_TTL_MS,
    )
    .await?;
    let settings = effective(params, &tenant.backend_settings());
    let template = tickets::template_view(tickets::pick_template(tenant, params), settings.locale);
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
    let (docking, docking_issues) = tickets::docking(tenant, params.identity.params.as_ref());
    let mut issues = parsed.issues.clone();
    issues.extend(docking_issues);
    Ok(Json(TicketSessionResponse {
        session_token,
        visitor_id,
        company_name: tenant.company_name.clone(),
        locale: settings.locale,
        template,
        group_id: known_group(tenant, settings.groupid.as_deref()),
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
    let template = tickets::template_view(tickets::pick_template(tenant, &params), settings.locale);
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
    let (docking, _) = tickets::docking(tenant, params.identity.params.as_ref());
    let source = if params.ticket.deploy_id.is_some() {
        "ticket_plugin"
    } else {
        "leave_message"
    };
    let new = NewTicket {
        sysnum: &tenant.sysnum,
        visitor_id: &who.visitor_id,
        template_id: &template.id,
        group_id: known_group(tenant, settings.groupid.as_deref()),
        source,
        content: form.content.trim(),
        fields: serde_json::to_string(&fields).expect("fields serialize"),
        tel: Some(form.tel.trim()).filter(|t| !t.is_empty()),
        email: Some(form.email.trim()).filter(|t| !t.is_empty()),
        docking: serde_json::to_string(&docking).expect("docking serializes"),
        files: &files,
    };
    let id = insert_ticket(&state, &new).await?;
    let view = load(&state, &tenant.sysnum, &id)
        .await?
        .ok_or_else(|| ApiError::Internal("a new ticket vanished".into()))?;
    tracing::info!(sysnum = %tenant.sysnum, ticket = %id, number = view.number, "ticket created");
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

struct NewTicket<'a> {
    sysnum: &'a str,
    visitor_id: &'a str,
    template_id: &'a str,
    group_id: Option<String>,
    source: &'a str,
    content: &'a str,
    fields: String,
    tel: Option<&'a str>,
    email: Option<&'a str>,
    docking: String,
    files: &'a [CheckedFile],
}

/// Stores a ticket and its files in one transaction, numbering it after the tenant's
/// last ticket. Two submissions at once may pick the same number; the unique index
/// refuses the second, which then tries again.
async fn insert_ticket(state: &AppState, t: &NewTicket<'_>) -> Result<String, ApiError> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    for _ in 0..5 {
        let mut tx = state.db.pool().begin().await?;
        let (number,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE sysnum = $1")
                .bind(t.sysnum)
                .fetch_one(&mut *tx)
                .await?;
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO tickets (id, sysnum, number, visitor_id, template_id, group_id, source, \
             status, content, fields, tel, email, docking, visitor_read_at, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $14, $14)",
        )
        .bind(&id)
        .bind(t.sysnum)
        .bind(number)
        .bind(t.visitor_id)
        .bind(t.template_id)
        .bind(t.group_id.as_deref())
        .bind(t.source)
        .bind(TicketStatus::Open.as_str())
        .bind(t.content)
        .bind(&t.fields)
        .bind(t.tel)
        .bind(t.email)
        .bind(&t.docking)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        for (i, f) in t.files.iter().enumerate() {
            sqlx::query(
                "INSERT INTO ticket_attachments (ticket_id, idx, name, content_type, size, data) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(i as i64)
            .bind(&f.name)
            .bind(f.content_type)
            .bind(f.bytes.len() as i64)
            .bind(f.bytes.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        return Ok(id);
    }
    Err(ApiError::Internal(
        "ticket numbering kept conflicting".into(),
    ))
}

fn ticket_from_row(row: &AnyRow) -> Result<TicketView, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let fields: String = row.try_get("fields")?;
    let docking: String = row.try_get("docking")?;
    Ok(TicketView {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        status: TicketStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad status {status:?}").into()))?,
        template_id: row.try_get("template_id")?,
        group_id: row.try_get("group_id")?,
        source: row.try_get("source")?,
        content: row.try_get("content")?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        tel: row.try_get("tel")?,
        email: row.try_get("email")?,
        docking: serde_json::from_str::<FieldMap>(&docking).unwrap_or_default(),
        attachments: vec![],
        replies: vec![],
        visitor_id: row.try_get("visitor_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const TICKET_COLUMNS: &str = "id, number, status, template_id, group_id, source, content, \
     fields, tel, email, docking, visitor_id, created_at, updated_at";

/// Fills a ticket's attachment list and replies.
async fn complete(state: &AppState, mut t: TicketView) -> Result<TicketView, ApiError> {
    let files: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT idx, name, content_type, size FROM ticket_attachments WHERE ticket_id = $1 \
         ORDER BY idx",
    )
    .bind(&t.id)
    .fetch_all(state.db.pool())
    .await?;
    t.attachments = files
        .into_iter()
        .map(|(index, name, content_type, size)| AttachmentInfo {
            index,
            name,
            content_type,
            size,
        })
        .collect();
    let replies: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT agent_name, body, created_at FROM ticket_replies WHERE ticket_id = $1 \
         ORDER BY seq",
    )
    .bind(&t.id)
    .fetch_all(state.db.pool())
    .await?;
    t.replies = replies
        .into_iter()
        .map(|(agent_name, text, created_at)| TicketReply {
            agent_name,
            text,
            created_at,
        })
        .collect();
    Ok(t)
}

/// One ticket of a tenant, complete.
async fn load(state: &AppState, sysnum: &str, id: &str) -> Result<Option<TicketView>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1 AND sysnum = $2"
    ))
    .bind(id)
    .bind(sysnum)
    .fetch_optional(state.db.pool())
    .await?;
    match row {
        Some(r) => Ok(Some(complete(state, ticket_from_row(&r)?).await?)),
        None => Ok(None),
    }
}

/// Agent replies to the visitor's tickets that the visitor has not seen (replies newer
/// than the ticket's `visitor_read_at`). The `leaveToTicket` flag of the spec's
/// `offline_message_count` is `1` when this is above zero.
pub async fn unread_replies(state: &AppState, visitor_id: &str) -> Result<i64, ApiError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM ticket_replies r JOIN tickets t ON t.id = r.ticket_id \
         WHERE t.visitor_id = $1 AND r.created_at > t.visitor_read_at",
    )
    .bind(visitor_id)
    .fetch_one(state.db.pool())
    .await?;
    Ok(n)
}

/// "My messages": the visitor's tickets with the agents' replies, newest first. Seeing
/// them marks the replies read.
async fn mine(
    State(state): State<AppState>,
    who: TicketVisitor,
) -> Result<Json<MyTickets>, ApiError> {
    let unread = unread_replies(&state, &who.visitor_id).await?;
    let rows = sqlx::query(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE visitor_id = $1 AND sysnum = $2 \
         ORDER BY created_at DESC LIMIT $3"
    ))
    .bind(&who.visitor_id)
    .bind(&who.sysnum)
    .bind(MAX_LIST)
    .fetch_all(state.db.pool())
    .await?;
    let mut tickets = Vec::with_capacity(rows.len());
    for r in &rows {
        tickets.push(complete(&state, ticket_from_row(r)?).await?);
    }
    sqlx::query("UPDATE tickets SET visitor_read_at = $1 WHERE visitor_id = $2")
        .bind(now_ms())
        .bind(&who.visitor_id)
        .execute(state.db.pool())
        .await?;
    Ok(Json(MyTickets {
        tickets,
        unread_replies: unread,
    }))
}

async fn unread(
    State(state): State<AppState>,
    who: TicketVisitor,
) -> Result<Json<TicketUnread>, ApiError> {
    let n = unread_replies(&state, &who.visitor_id).await?;
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
    let rows = sqlx::query(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE sysnum = $1 AND ($2 = '' OR status = $2) \
         ORDER BY created_at DESC LIMIT $3"
    ))
    .bind(&who.sysnum)
    .bind(status.map(TicketStatus::as_str).unwrap_or(""))
    .bind(MAX_LIST)
    .fetch_all(state.db.pool())
    .await?;
    let mut tickets = Vec::with_capacity(rows.len());
    for r in &rows {
        tickets.push(complete(&state, ticket_from_row(r)?).await?);
    }
    Ok(Json(AgentTickets { tickets }))
}

async fn agent_read(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(
        load(&state, &who.sysnum, &id)
            .await?
            .ok_or_else(not_found)?,
    ))
}

fn agent_name(state: &AppState, who: &AgentAuth) -> Result<String, ApiError> {
    let (_, agent): (&Tenant, _) = who.resolve(state)?;
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
    let ticket = load(&state, &who.sysnum, &id)
        .await?
        .ok_or_else(not_found)?;
    if ticket.status == TicketStatus::Closed {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "the ticket is closed",
        ));
    }
    let name = agent_name(&state, &who)?;
    for _ in 0..5 {
        let mut tx = state.db.pool().begin().await?;
        let (seq,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_replies WHERE ticket_id = $1",
        )
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO ticket_replies (ticket_id, seq, agent_id, agent_name, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(seq)
        .bind(&who.agent_id)
        .bind(&name)
        .bind(text)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        sqlx::query("UPDATE tickets SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(TicketStatus::Replied.as_str())
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let view = load(&state, &who.sysnum, &id)
            .await?
            .ok_or_else(not_found)?;
        return Ok(Json(view));
    }
    Err(ApiError::Internal(
        "reply numbering kept conflicting".into(),
    ))
}

async fn agent_close(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    let done = sqlx::query(
        "UPDATE tickets SET status = $1, updated_at = $2, closed_at = $2 \
         WHERE id = $3 AND sysnum = $4",
    )
    .bind(TicketStatus::Closed.as_str())
    .bind(now_ms())
    .bind(&id)
    .bind(&who.sysnum)
    .execute(state.db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(not_found());
    }
    Ok(Json(
        load(&state, &who.sysnum, &id)
            .await?
            .ok_or_else(not_found)?,
    ))
}

/// An attachment's bytes, as the type the content check found. Images are shown inline;
/// anything else downloads, so a browser never renders a visitor's file as a page.
async fn agent_attachment(
    State(state): State<AppState>,
    who: AgentAuth,
    Path((id, index)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let row = sqlx::query(
        "SELECT a.name, a.content_type, a.data FROM ticket_attachments a \
         JOIN tickets t ON t.id = a.ticket_id WHERE a.ticket_id = $1 AND a.idx = $2 \
         AND t.sysnum = $3",
    )
    .bind(&id)
    .bind(index)
    .bind(&who.sysnum)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(not_found)?;
    let name: String = row.try_get("name")?;
    let content_type: String = row.try_get("content_type")?;
    let data: Vec<u8> = row.try_get("data")?;
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
