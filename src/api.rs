//! Calls to the Parley server.

use gloo_net::http::Request;
use parley_protocol::api::{
    ApiErrorBody, ErrorCode, HistoryPage, InitRequest, InitResponse, SendCardRequest, SendResponse,
    TransferToAgentRequest, TransferToAgentResponse,
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

/// `POST /api/chat/init`.
pub async fn init(request: &InitRequest) -> Result<InitResponse, CallError> {
    let response = Request::post("/api/chat/init")
        .json(request)
        .map_err(|e| CallError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    read(response).await
}

/// `GET /api/chat/history?before_seq=N`: the page of messages before `before_seq` in the
/// session's conversation.
pub async fn history(token: &str, before_seq: i64, limit: u32) -> Result<HistoryPage, CallError> {
    let response = Request::get(&format!(
        "/api/chat/history?before_seq={before_seq}&limit={limit}"
    ))
    .header("Authorization", &format!("Bearer {token}"))
    .send()
    .await
    .map_err(|e| CallError::Network(e.to_string()))?;
    read(response).await
}

/// `POST /api/chat/transfer`: asks for a human agent, in `group_id` when chosen.
pub async fn transfer(
    token: &str,
    group_id: Option<String>,
) -> Result<TransferToAgentResponse, CallError> {
    let response = Request::post("/api/chat/transfer")
        .header("Authorization", &format!("Bearer {token}"))
        .json(&TransferToAgentRequest { group_id })
        .map_err(|e| CallError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    read(response).await
}

/// A JSON body on success, the server's error body otherwise.
async fn read<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, CallError> {
    if response.ok() {
        response
            .json()
            .await
            .map_err(|e| CallError::Network(e.to_string()))
    } else {
        match response.json::<ApiErrorBody>().await {
            Ok(body) => Err(CallError::Api(body)),
            Err(e) => Err(CallError::Network(format!(
                "HTTP {}: {e}",
                response.status()
            ))),
        }
    }
}

/// `POST /api/chat/card`: sends a product or order card with the session token.
pub async fn send_card(token: &str, request: &SendCardRequest) -> Result<SendResponse, CallError> {
    let response = Request::post("/api/chat/card")
        .header("Authorization", &format!("Bearer {token}"))
        .json(request)
        .map_err(|e| CallError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    if response.ok() {
        return response
            .json()
            .await
            .map_err(|e| CallError::Network(e.to_string()));
    }
    match response.json::<ApiErrorBody>().await {
        Ok(body) => Err(CallError::Api(body)),
        Err(e) => Err(CallError::Network(format!(
            "HTTP {}: {e}",
            response.status()
        ))),
    }
}
