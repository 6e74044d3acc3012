//! Calls to the Parley server.

use gloo_net::http::{Request, RequestBuilder, Response};
use parley_protocol::api::{
    ApiErrorBody, ErrorCode, HistoryPage, InitRequest, InitResponse, SendCardRequest, SendResponse,
    TransferToAgentRequest, TransferToAgentResponse, WsTicket,
};
use serde::de::DeserializeOwned;

/// Why a call failed, as far as the visitor needs to know.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The server answered with an error body.
    Api(ApiErrorBody),
    /// The server could not be reached or answered something unreadable.
    Network(String),
}

impl CallError {
    /// The stable code the UI localizes.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CallError::Api(body) => Some(body.code),
            CallError::Network(_) => None,
        }
    }
}

/// A request that could not be sent, or an answer that could not be read.
pub(crate) fn network(e: impl ToString) -> CallError {
    CallError::Network(e.to_string())
}

/// Adds the session token.
pub(crate) fn bearer(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

/// A JSON body on success, the server's error body otherwise.
pub(crate) async fn read<T: DeserializeOwned>(response: Response) -> Result<T, CallError> {
    if response.ok() {
        return response.json().await.map_err(network);
    }
    match response.json::<ApiErrorBody>().await {
        Ok(body) => Err(CallError::Api(body)),
        Err(e) => Err(network(format!("HTTP {}: {e}", response.status()))),
    }
}

/// Sends `body` as JSON and reads the answer with [`read`].
async fn post<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &impl serde::Serialize,
) -> Result<T, CallError> {
    read(
        builder
            .json(body)
            .map_err(network)?
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `POST /api/ws/ticket`: a one-time ticket that opens one socket of the session, so
/// the session token never goes into a URL.
pub async fn ws_ticket(token: &str) -> Result<WsTicket, CallError> {
    post(bearer(Request::post("/api/ws/ticket"), token), &()).await
}

/// A fresh client id (the server's exactly-once key): `prefix`, the time and
/// randomness, far below the server's 64-byte limit.
pub fn new_client_id(prefix: &str) -> String {
    let now = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("{prefix}{now:x}{random:x}")
}

/// `POST /api/chat/image?client_id=…&name=…` with the picture as the body (checked by
/// its content on the server).
pub async fn send_image(
    token: &str,
    client_id: &str,
    file: &web_sys::File,
) -> Result<SendResponse, CallError> {
    upload("/api/chat/image", token, client_id, file).await
}

/// `POST /api/chat/file?client_id=…&name=…` with a file that is not a picture (PDF,
/// Office, text, ZIP) as the body and its type, when the browser knows it, as
/// `Content-Type` (else the server goes by the name's extension).
pub async fn send_file(
    token: &str,
    client_id: &str,
    file: &web_sys::File,
) -> Result<SendResponse, CallError> {
    upload("/api/chat/file", token, client_id, file).await
}

/// Sends `file` as the body of a POST to `path` with the client id and the file's
/// name in the query and its type, else `application/octet-stream`, as `Content-Type`.
async fn upload(
    path: &str,
    token: &str,
    client_id: &str,
    file: &web_sys::File,
) -> Result<SendResponse, CallError> {
    let url = format!(
        "{path}?client_id={}&name={}",
        js_sys::encode_uri_component(client_id),
        js_sys::encode_uri_component(&file.name())
    );
    let body: &wasm_bindgen::JsValue = file.as_ref();
    let kind = file.type_();
    let content_type = if kind.is_empty() {
        "application/octet-stream".to_owned()
    } else {
        kind
    };
    read(
        bearer(Request::post(&url), token)
            .header("Content-Type", &content_type)
            .body(body.clone())
            .map_err(network)?
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `POST /api/chat/init`.
pub async fn init(request: &InitRequest) -> Result<InitResponse, CallError> {
    post(Request::post("/api/chat/init"), request).await
}

/// `GET /api/chat/history?before_seq=N`: the page of messages before `before_seq` in the
/// session's conversation.
pub async fn history(token: &str, before_seq: i64, limit: u32) -> Result<HistoryPage, CallError> {
    let url = format!("/api/chat/history?before_seq={before_seq}&limit={limit}");
    read(
        bearer(Request::get(&url), token)
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `POST /api/chat/transfer`: asks for a human agent, in `group_id` when chosen.
pub async fn transfer(
    token: &str,
    group_id: Option<String>,
) -> Result<TransferToAgentResponse, CallError> {
    let body = TransferToAgentRequest { group_id };
    post(bearer(Request::post("/api/chat/transfer"), token), &body).await
}

/// `POST /api/chat/card`: sends a product or order card with the session token.
pub async fn send_card(token: &str, request: &SendCardRequest) -> Result<SendResponse, CallError> {
    post(bearer(Request::post("/api/chat/card"), token), request).await
}

/// `POST /api/chat/evaluation`: rates a conversation of the session's visitor; a second
/// rating is answered with the first.
pub async fn rate(
    token: &str,
    request: &parley_protocol::evaluation::SubmitEvaluation,
) -> Result<parley_protocol::evaluation::EvaluationResponse, CallError> {
    post(
        bearer(Request::post("/api/chat/evaluation"), token),
        request,
    )
    .await
}

/// `POST /api/chat/bot-feedback`: marks one bot answer helpful or not (once).
pub async fn bot_feedback(
    token: &str,
    request: &parley_protocol::evaluation::BotFeedbackRequest,
) -> Result<parley_protocol::evaluation::BotFeedbackResponse, CallError> {
    post(
        bearer(Request::post("/api/chat/bot-feedback"), token),
        request,
    )
    .await
}

/// `POST /api/chat/leave`: the visitor ends the conversation (the close button).
pub async fn leave(token: &str) -> Result<parley_protocol::api::ConversationView, CallError> {
    post(bearer(Request::post("/api/chat/leave"), token), &()).await
}
