//! Pictures in conversations.
//!
//! * `POST /api/chat/image?client_id=…&name=…` (visitor session): the body is the
//!   picture itself. Visitors may send pictures once an agent has joined (the spec's
//!   `photo_flag`: "allow uploading attachments after an agent chat is established").
//! * `POST /api/agent/conversations/{id}/image?client_id=…&name=…` (agent session).
//! * `GET /api/files/{id}`: the picture, as the type its bytes were checked to be.
//!
//! The picture is checked by content ([`crate::images::check`]), stored in the database
//! (so every instance serves it) and sent as a message of kind `image`, exactly once per
//! client id like a text message. File ids are random UUIDs: an `<img>` request carries
//! no bearer token, so the unguessable id is the capability, as with most chat products'
//! attachment links. Files are served with `nosniff`, a `sandbox` CSP and `inline`
//! disposition, so a browser can only ever show them as pictures.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::{
    ConversationState, ErrorCode, ImageRef, MessageKind, SendResponse, Sender, MAX_IMAGE_BYTES,
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
    Router::new()
        .route("/api/files/{id}", get(file))
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES))
        .merge(uploads)
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
        },
        max_per_conversation: MAX_PICTURES_PER_CONVERSATION,
    };
    let a = chat::append_with_file(state, &c.id, m, attachment).await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

async fn file(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let (content_type, data) = store::files::get(state.db.pool(), &id)
        .await?
        .ok_or_else(|| {
            ApiError::client(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such file")
        })?;
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_DISPOSITION, "inline")
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
