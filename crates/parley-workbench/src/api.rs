//! Calls to the Parley server's agent API. Every call but sign-in carries the session
//! token; a 401 means the session is over ([`CallError::is_expired`]), and the app then
//! returns to the sign-in page keeping drafts and the outbox.

use gloo_net::http::{Request, RequestBuilder, Response};
use parley_protocol::api::{
    AgentConversations, AgentLoginRequest, AgentLoginResponse, AgentStatus, AgentStatusRequest,
    AgentView, ApiErrorBody, BrowsingVisitor, ConversationSummary, ErrorCode, HistoryPage,
    InviteRequest, SendRequest, SendResponse, TransferRequest, VisitTrace, VisitorDetail,
    VisitorProfile, WsTicket,
};
use parley_protocol::ticket::{AgentTickets, TicketReplyRequest, TicketStatus, TicketView};
use serde::de::DeserializeOwned;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The server answered with an error body (and this HTTP status).
    Api(u16, ApiErrorBody),
    /// The server could not be reached, or answered something unreadable.
    Network(String),
}

impl CallError {
    /// The session is unknown or expired: sign in again.
    pub fn is_expired(&self) -> bool {
        matches!(self, CallError::Api(401, _))
    }

    /// The server's code, when it answered.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CallError::Api(_, body) => Some(body.code),
            CallError::Network(_) => None,
        }
    }

    /// The message key the page shows for this error.
    pub fn message_key(&self) -> &'static str {
        match self {
            CallError::Network(_) => "error-network",
            CallError::Api(_, b) => match b.code {
                ErrorCode::Unauthorized => "error-session",
                ErrorCode::NotFound => "error-not-found",
                ErrorCode::RateLimited => "error-rate-limited",
                ErrorCode::Internal => "error-internal",
                _ => "error-refused",
            },
        }
    }

    /// The server's own words (developer text), shown small under the localized one.
    pub fn detail(&self) -> String {
        match self {
            CallError::Api(_, b) => b.message.clone(),
            CallError::Network(e) => e.clone(),
        }
    }
}

fn network(e: impl ToString) -> CallError {
    CallError::Network(e.to_string())
}

fn bearer(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, CallError> {
    if response.ok() {
        return response.json().await.map_err(network);
    }
    let status = response.status();
    match response.json::<ApiErrorBody>().await {
        Ok(body) => Err(CallError::Api(status, body)),
        Err(e) => Err(network(format!("HTTP {status}: {e}"))),
    }
}

async fn empty(response: Response) -> Result<(), CallError> {
    if response.ok() {
        return Ok(());
    }
    read::<serde_json::Value>(response).await.map(|_| ())
}

async fn get<T: DeserializeOwned>(token: &str, url: &str) -> Result<T, CallError> {
    read(
        bearer(Request::get(url), token)
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

async fn post<T: DeserializeOwned>(
    token: &str,
    url: &str,
    body: &impl serde::Serialize,
) -> Result<T, CallError> {
    let request = bearer(Request::post(url), token)
        .json(body)
        .map_err(network)?;
    read(request.send().await.map_err(network)?).await
}

/// `POST /api/agent/login`.
pub async fn login(request: &AgentLoginRequest) -> Result<AgentLoginResponse, CallError> {
    let r = Request::post("/api/agent/login")
        .json(request)
        .map_err(network)?;
    read(r.send().await.map_err(network)?).await
}

/// `POST /api/agent/logout`: ends the session and sets the agent offline.
pub async fn logout(token: &str) -> Result<(), CallError> {
    empty(
        bearer(Request::post("/api/agent/logout"), token)
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `GET /api/agent/me`.
pub async fn me(token: &str) -> Result<AgentView, CallError> {
    get(token, "/api/agent/me").await
}

/// `PUT /api/agent/status`.
pub async fn set_status(token: &str, status: AgentStatus) -> Result<AgentView, CallError> {
    let r = bearer(Request::put("/api/agent/status"), token)
        .json(&AgentStatusRequest { status })
        .map_err(network)?;
    read(r.send().await.map_err(network)?).await
}

/// `GET /api/agent/conversations`: waiting, mine and recently ended.
pub async fn conversations(token: &str) -> Result<AgentConversations, CallError> {
    get(token, "/api/agent/conversations").await
}

/// The newest messages of a conversation (up to 500), oldest first.
pub async fn messages(
    token: &str,
    id: &str,
    before_seq: Option<i64>,
) -> Result<HistoryPage, CallError> {
    let before = before_seq
        .map(|s| format!("&before_seq={s}"))
        .unwrap_or_default();
    get(
        token,
        &format!(
            "/api/agent/conversations/{}/messages?limit=500{before}",
            enc(id)
        ),
    )
    .await
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// `POST …/accept`.
pub async fn accept(token: &str, id: &str) -> Result<ConversationSummary, CallError> {
    post(
        token,
        &format!("/api/agent/conversations/{}/accept", enc(id)),
        &(),
    )
    .await
}

/// `POST …/read`: the agent has seen the conversation up to `seq`.
pub async fn mark_read(token: &str, id: &str, seq: i64) -> Result<ConversationSummary, CallError> {
    post(
        token,
        &format!("/api/agent/conversations/{}/read", enc(id)),
        &parley_protocol::api::AgentReadRequest { seq },
    )
    .await
}

/// `POST …/end`.
pub async fn end(token: &str, id: &str) -> Result<ConversationSummary, CallError> {
    post(
        token,
        &format!("/api/agent/conversations/{}/end", enc(id)),
        &(),
    )
    .await
}

/// `POST …/transfer`.
pub async fn transfer(
    token: &str,
    id: &str,
    request: &TransferRequest,
) -> Result<ConversationSummary, CallError> {
    post(
        token,
        &format!("/api/agent/conversations/{}/transfer", enc(id)),
        request,
    )
    .await
}

/// `POST …/reply`: exactly once per client id.
pub async fn reply(
    token: &str,
    id: &str,
    request: &SendRequest,
) -> Result<SendResponse, CallError> {
    post(
        token,
        &format!("/api/agent/conversations/{}/reply", enc(id)),
        request,
    )
    .await
}

/// `POST …/image?client_id=…&name=…` with the picture as the body, or
/// `POST …/file?client_id=…&name=…` with any other file (the server checks its content
/// against its type either way).
pub async fn upload(
    token: &str,
    id: &str,
    client_id: &str,
    file: &web_sys::File,
) -> Result<SendResponse, CallError> {
    let route = if file.type_().starts_with("image/") {
        "image"
    } else {
        "file"
    };
    let url = format!(
        "/api/agent/conversations/{}/{route}?client_id={}&name={}",
        enc(id),
        enc(client_id),
        enc(&file.name())
    );
    let body: &wasm_bindgen::JsValue = file.as_ref();
    let r = bearer(Request::post(&url), token)
        .header("Content-Type", &file.type_())
        .body(body.clone())
        .map_err(network)?;
    read(r.send().await.map_err(network)?).await
}

/// `GET /api/agent/visitors/{id}`.
pub async fn visitor(token: &str, id: &str) -> Result<VisitorProfile, CallError> {
    get(token, &format!("/api/agent/visitors/{}", enc(id))).await
}

/// `GET /api/agent/visitors/{id}/detail`: labels, track, earlier conversations and
/// tickets.
pub async fn visitor_detail(token: &str, id: &str) -> Result<VisitorDetail, CallError> {
    get(token, &format!("/api/agent/visitors/{}/detail", enc(id))).await
}

/// `GET /api/agent/visitors/{id}/traces`.
pub async fn traces(token: &str, id: &str) -> Result<Vec<VisitTrace>, CallError> {
    get(token, &format!("/api/agent/visitors/{}/traces", enc(id))).await
}

/// `POST /api/agent/visitors/{id}/offline-message`.
pub async fn offline_message(
    token: &str,
    visitor_id: &str,
    request: &SendRequest,
) -> Result<SendResponse, CallError> {
    post(
        token,
        &format!("/api/agent/visitors/{}/offline-message", enc(visitor_id)),
        request,
    )
    .await
}

/// `GET /api/agent/browsing`.
pub async fn browsing(token: &str) -> Result<Vec<BrowsingVisitor>, CallError> {
    get(token, "/api/agent/browsing").await
}

/// `POST /api/agent/visitors/{id}/invite`.
pub async fn invite(token: &str, visitor_id: &str, text: &str) -> Result<(), CallError> {
    let body = InviteRequest {
        text: Some(text.to_owned()),
    };
    let r = bearer(
        Request::post(&format!("/api/agent/visitors/{}/invite", enc(visitor_id))),
        token,
    )
    .json(&body)
    .map_err(network)?;
    empty(r.send().await.map_err(network)?).await
}

/// `GET /api/agent/tickets[?status=…]`.
pub async fn tickets(token: &str, status: Option<TicketStatus>) -> Result<AgentTickets, CallError> {
    let url = match status {
        Some(s) => format!("/api/agent/tickets?status={}", s.as_str()),
        None => "/api/agent/tickets".to_owned(),
    };
    get(token, &url).await
}

/// `GET /api/agent/tickets/{id}`.
pub async fn ticket(token: &str, id: &str) -> Result<TicketView, CallError> {
    get(token, &format!("/api/agent/tickets/{}", enc(id))).await
}

/// `POST /api/agent/tickets/{id}/reply`.
pub async fn ticket_reply(token: &str, id: &str, text: &str) -> Result<TicketView, CallError> {
    let body = TicketReplyRequest {
        text: text.to_owned(),
    };
    post(
        token,
        &format!("/api/agent/tickets/{}/reply", enc(id)),
        &body,
    )
    .await
}

/// `POST /api/agent/tickets/{id}/close`.
pub async fn ticket_close(token: &str, id: &str) -> Result<TicketView, CallError> {
    post(token, &format!("/api/agent/tickets/{}/close", enc(id)), &()).await
}

/// An attachment as a `blob:` URL (its request needs the bearer token, which an `<img>`
/// or a link cannot carry). The caller revokes it when done.
pub async fn attachment_url(token: &str, id: &str, index: i64) -> Result<String, CallError> {
    let url = format!("/api/agent/tickets/{}/attachments/{index}", enc(id));
    let response = bearer(Request::get(&url), token)
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return Err(network(format!("HTTP {}", response.status())));
    }
    let bytes = response.binary().await.map_err(network)?;
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&response.headers().get("content-type").unwrap_or_default());
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options)
        .map_err(|_| network("blob"))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| network("object url"))
}

/// `POST /api/ws/ticket`: a one-time ticket for `/ws/agent`.
pub async fn ws_ticket(token: &str) -> Result<WsTicket, CallError> {
    post(token, "/api/ws/ticket", &()).await
}

/// A fresh client id (the server's exactly-once key).
pub fn new_client_id() -> String {
    let now = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("wb{now:x}{random:x}")
}

/// `GET /api/agent/colleagues`: agents and groups to transfer to.
pub async fn colleagues(token: &str) -> Result<parley_protocol::api::Colleagues, CallError> {
    get(token, "/api/agent/colleagues").await
}

/// The query of a report range: `from`, `to` (`YYYY-MM-DD`) and the browser's time
/// zone (its IANA name, or minutes east of UTC).
fn range_query(from: &str, to: &str, tz: &str) -> String {
    format!("from={}&to={}&tz={}", enc(from), enc(to), enc(tz))
}

/// `GET /api/admin/reports` (admins only).
pub async fn report(
    token: &str,
    from: &str,
    to: &str,
    tz: &str,
) -> Result<parley_protocol::reports::Report, CallError> {
    get(
        token,
        &format!("/api/admin/reports?{}", range_query(from, to, tz)),
    )
    .await
}

/// Downloads one report table as CSV: the call needs the bearer token, which a plain
/// link cannot carry, so the file is fetched and handed to the browser as a `blob:`
/// link that is clicked once and revoked.
pub async fn download_report_csv(
    token: &str,
    table: &str,
    from: &str,
    to: &str,
    tz: &str,
) -> Result<(), CallError> {
    use wasm_bindgen::JsCast;
    let url = format!(
        "/api/admin/reports.csv?report={}&{}",
        enc(table),
        range_query(from, to, tz)
    );
    let response = bearer(Request::get(&url), token)
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return read::<serde_json::Value>(response).await.map(|_| ());
    }
    let bytes = response.binary().await.map_err(network)?;
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options)
        .map_err(|_| network("blob"))?;
    let href =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| network("object url"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| network("no document"))?;
    let a = document
        .create_element("a")
        .map_err(|_| network("link"))?
        .dyn_into::<web_sys::HtmlElement>()
        .map_err(|_| network("link"))?;
    let _ = a.set_attribute("href", &href);
    let _ = a.set_attribute("download", &format!("parley-{table}-{from}-{to}.csv"));
    a.click();
    // Revoked a little later: the browser reads the blob after the click returns.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&href);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}
