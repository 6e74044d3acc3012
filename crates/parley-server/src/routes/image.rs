//! Pictures and other files in conversations.
//!
//! * `POST /api/chat/image?client_id=…&name=…` (visitor session): the body is the
//!   picture itself. Visitors may send pictures once an agent has joined (the spec's
//!   `photo_flag`: "allow uploading attachments after an agent chat is established").
//! * `POST /api/agent/conversations/{id}/image?client_id=…&name=…` (agent session).
//! * `POST /api/chat/file?client_id=…&name=…` and
//!   `POST /api/agent/conversations/{id}/file?client_id=…&name=…`: a PDF, Office
//!   document, text or ZIP (the body, its type in `Content-Type`), up to the tenant's
//!   `chat_file_bytes`, checked by content like ticket attachments
//!   ([`crate::tickets::check_chat_file`]) and sent as a message of kind `file`.
//! * `GET /api/files/{id}`: the picture or file, as the type its bytes were checked to
//!   be; files other than pictures with `Content-Disposition: attachment` and their
//!   name.
//!
//! The picture is checked by content ([`crate::images::check`]), stored in the database
//! (so every instance serves it) and sent as a message of kind `image`, exactly once per
//! client id like a text message. File ids are random UUIDs: an `<img>` request carries
//! no bearer token, so the unguessable id is the capability, as with most chat products'
//! attachment links. Files are served with `nosniff` and a `sandbox` CSP; pictures
//! `inline`, everything else as a download, so no file is ever run as a page.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::{
    ConversationState, ErrorCode, FileRef, ImageRef, MessageKind, SendResponse, Sender,
    MAX_IMAGE_BYTES,
};
use serde::Deserialize;
use tower_http::limit::RequestBodyLimitLayer;

use crate::auth::{AgentAuth, VisitorAuth};
use crate::chat::{self, Conversation, NewMessage};
use crate::error::ApiError;
use crate::store::files::NewFile;
use crate::{admission, images, quota, reception, store, tickets, AppState};

/// The picture routes. Merged outside the app-wide body limit: uploads get their own.
pub fn router(state: &AppState) -> Router<AppState> {
    // The body is the picture and nothing else, so its limit is the picture's (a larger
    // body is a 413 before it is read in full).
    let limit = MAX_IMAGE_BYTES as usize;
    let uploads = Router::new()
        .route("/api/chat/image", post(visitor_upload))
        .route("/api/agent/conversations/{id}/image", post(agent_upload))
        // axum's own limit (not tower-http's) so that the refusal is our JSON error.
        .layer(DefaultBodyLimit::max(limit))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            quota::upload_slot,
        ));
    // Files: the largest any tenant allows (each tenant's own limit is checked after).
    let file_limit = state
        .config
        .tenants()
        .iter()
        .map(|t| t.limits.chat_file_bytes())
        .max()
        .unwrap_or(0) as usize;
    let files = Router::new()
        .route("/api/chat/file", post(visitor_file))
        .route("/api/agent/conversations/{id}/file", post(agent_file))
        .layer(DefaultBodyLimit::max(file_limit))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            quota::upload_slot,
        ));
    Router::new()
        .route("/api/files/{id}", get(file))
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES))
        .merge(uploads)
        .merge(files)
}

/// Most pictures one conversation keeps; past it, uploads are refused with 429 so a
/// single session cannot fill the database. Checked under the conversation's row lock,
/// in the transaction that stores the picture.
pub const MAX_PICTURES_PER_CONVERSATION: i64 = 100;

/// The upload query: the sender's client id (exactly-once) and the file's name.
#[derive(Debug, Deserialize)]
struct UploadQuery {
    client_id: String,
    #[serde(default)]
    name: Option<String>,
}

fn body(bytes: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    bytes.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadRequest,
                format!(
                    "the picture is larger than {} MB",
                    MAX_IMAGE_BYTES / 1024 / 1024
                ),
            )
        } else {
            ApiError::bad_request(format!("the picture could not be read: {e}"))
        }
    })
}

async fn visitor_upload(
    State(state): State<AppState>,
    who: VisitorAuth,
    Query(q): Query<UploadQuery>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<SendResponse>, ApiError> {
    let bytes = body(bytes)?;
    let c = chat::of_visitor(&state, &who, None).await?;
    if !reception::Context::of(&c).photo_flag {
        return Err(ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::BadRequest,
            "pictures are turned off for this chat (photo_flag)",
        ));
    }
    if c.state != ConversationState::WithAgent {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "pictures can be sent once an agent has joined the conversation",
        ));
    }
    let tenant = admission::session_tenant(&state, &who.sysnum)?;
    quota::upload(&state, &tenant, Some(&who.visitor_id), bytes.len() as u64).await?;
    let sender = (Sender::Visitor, Some(who.visitor_id.clone()), None);
    store(&state, &c, sender, &q, &bytes).await
}

async fn agent_upload(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<SendResponse>, ApiError> {
    let bytes = body(bytes)?;
    let (tenant, agent) = who.resolve(&state)?;
    let c = chat::of_tenant(&state, &who, &id).await?;
    quota::upload(&state, &tenant, None, bytes.len() as u64).await?;
    let sender = (
        Sender::Agent,
        Some(agent.id.clone()),
        Some(agent.name.clone()),
    );
    store(&state, &c, sender, &q, &bytes).await
}

/// Checks, stores and sends one picture; a re-send of a client id returns the message
/// stored the first time and keeps no second copy of the file.
async fn store(
    state: &AppState,
    c: &Conversation,
    (sender, sender_id, sender_name): (Sender, Option<String>, Option<String>),
    q: &UploadQuery,
    bytes: &[u8],
) -> Result<Json<SendResponse>, ApiError> {
    chat::check_client_id(&q.client_id)?;
    let checked = images::check(bytes).map_err(ApiError::bad_request)?;
    let id = store::files::new_id();
    let image = ImageRef {
        id: id.clone(),
        content_type: checked.content_type.to_owned(),
        size: bytes.len() as u64,
        width: checked.width,
        height: checked.height,
    };
    let name = q
        .name
        .as_deref()
        .map(tickets::clean_name)
        .unwrap_or_else(|| "picture".to_owned());
    let m_visitor = sender_id.clone();
    let m = NewMessage {
        image: Some(image),
        ..NewMessage::from_person(
            &q.client_id,
            sender,
            sender_id,
            sender_name,
            MessageKind::Image,
            name,
        )
    };
    let attachment = chat::Attachment {
        file: NewFile {
            id: &id,
            visitor_id: (sender == Sender::Visitor)
                .then_some(m_visitor.as_deref())
                .flatten(),
            sysnum: &c.sysnum,
            conversation_id: &c.id,
            content_type: checked.content_type,
            bytes,
            name: None,
        },
        max_per_conversation: MAX_PICTURES_PER_CONVERSATION,
    };
    let a = chat::append_with_file(state, &c.id, m, attachment).await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

/// The visitor sends a file: like a picture, only once an agent joined and unless
/// `photo_flag` turns attachments off.
async fn visitor_file(
    State(state): State<AppState>,
    who: VisitorAuth,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<SendResponse>, ApiError> {
    let bytes = file_body(bytes)?;
    let c = chat::of_visitor(&state, &who, None).await?;
    if !reception::Context::of(&c).photo_flag {
        return Err(ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::BadRequest,
            "attachments are turned off for this chat (photo_flag)",
        ));
    }
    if c.state != ConversationState::WithAgent {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "files can be sent once an agent has joined the conversation",
        ));
    }
    let tenant = admission::session_tenant(&state, &who.sysnum)?;
    let checked = check_file(&tenant, &headers, &q, &bytes)?;
    quota::upload(&state, &tenant, Some(&who.visitor_id), bytes.len() as u64).await?;
    let sender = (Sender::Visitor, Some(who.visitor_id.clone()), None);
    store_file(&state, &c, sender, &q.client_id, checked).await
}

/// An agent sends a file into a conversation of their tenant.
async fn agent_file(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<SendResponse>, ApiError> {
    let bytes = file_body(bytes)?;
    let (tenant, agent) = who.resolve(&state)?;
    let c = chat::of_tenant(&state, &who, &id).await?;
    let checked = check_file(&tenant, &headers, &q, &bytes)?;
    quota::upload(&state, &tenant, None, bytes.len() as u64).await?;
    let sender = (
        Sender::Agent,
        Some(agent.id.clone()),
        Some(agent.name.clone()),
    );
    store_file(&state, &c, sender, &q.client_id, checked).await
}

fn file_body(bytes: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    bytes.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadRequest,
                "the file is larger than this service allows",
            )
        } else {
            ApiError::bad_request(format!("the file could not be read: {e}"))
        }
    })
}

/// The tenant's checks of a file: type, size and content (413 when too large, else 400
/// naming the problem).
fn check_file(
    tenant: &crate::config::Tenant,
    headers: &HeaderMap,
    q: &UploadQuery,
    bytes: &[u8],
) -> Result<tickets::CheckedFile, ApiError> {
    chat::check_client_id(&q.client_id)?;
    let claimed = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let max = tenant.limits.chat_file_bytes();
    if bytes.len() as u64 > max {
        return Err(ApiError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadRequest,
            format!("the file is larger than {} KiB", max.div_ceil(1024)),
        ));
    }
    let name = q.name.as_deref().unwrap_or("file");
    tickets::check_chat_file(claimed, name, bytes, max).map_err(ApiError::bad_request)
}

/// Stores and sends one checked file, exactly once per client id.
async fn store_file(
    state: &AppState,
    c: &Conversation,
    (sender, sender_id, sender_name): (Sender, Option<String>, Option<String>),
    client_id: &str,
    checked: tickets::CheckedFile,
) -> Result<Json<SendResponse>, ApiError> {
    let id = store::files::new_id();
    let file = FileRef {
        id: id.clone(),
        name: checked.name.clone(),
        content_type: checked.content_type.to_owned(),
        size: checked.bytes.len() as u64,
    };
    let visitor = (sender == Sender::Visitor)
        .then(|| sender_id.clone())
        .flatten();
    let m = NewMessage {
        file: Some(file),
        ..NewMessage::from_person(
            client_id,
            sender,
            sender_id,
            sender_name,
            MessageKind::File,
            checked.name.clone(),
        )
    };
    let attachment = chat::Attachment {
        file: NewFile {
            id: &id,
            visitor_id: visitor.as_deref(),
            sysnum: &c.sysnum,
            conversation_id: &c.id,
            content_type: checked.content_type,
            bytes: &checked.bytes,
            name: Some(&checked.name),
        },
        max_per_conversation: MAX_PICTURES_PER_CONVERSATION,
    };
    let a = chat::append_with_file(state, &c.id, m, attachment).await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

/// `attachment; filename="…"; filename*=UTF-8''…` for a download: the ASCII fallback
/// keeps letters, digits and `._-` (others become `_`), the UTF-8 form is
/// percent-encoded, so no name can break the header.
pub fn attachment_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn file(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let stored = store::files::get(state.db.pool(), &id)
        .await?
        .ok_or_else(|| {
            ApiError::client(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such file")
        })?;
    let disposition = if stored.content_type.starts_with("image/") {
        "inline".to_owned()
    } else {
        attachment_disposition(stored.name.as_deref().unwrap_or("file"))
    };
    let (content_type, data) = (stored.content_type, stored.data);
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        )
        // Ids are never reused and files never change.
        .header(
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        )
        .body(Body::from(data))
        .map_err(|e| ApiError::Internal(format!("file response: {e}")))
}
