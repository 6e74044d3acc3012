//! Calls to the server's ticket endpoints (`/api/ticket/*`). Kept apart from
//! [`crate::api`] because a refused submission has its own error body, with a problem
//! per field.

use gloo_net::http::Request;
use parley_protocol::ticket::{
    FieldProblem, MyTickets, SubmitRefused, SubmitTicket, TicketSessionRequest,
    TicketSessionResponse, TicketView,
};

use crate::api::{bearer, network, read, CallError};

/// Why a submission failed.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitError {
    /// The server refused some fields; each problem names its field.
    Refused(Vec<FieldProblem>),
    /// Anything else (network, session, server).
    Call(CallError),
}

/// `POST /api/ticket/session`: admits the visitor and returns the form.
pub async fn session(request: &TicketSessionRequest) -> Result<TicketSessionResponse, CallError> {
    let response = Request::post("/api/ticket/session")
        .json(request)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// `POST /api/ticket/submit`.
pub async fn submit(token: &str, form: &SubmitTicket) -> Result<TicketView, SubmitError> {
    let response = bearer(Request::post("/api/ticket/submit"), token)
        .json(form)
        .map_err(|e| SubmitError::Call(network(e)))?
        .send()
        .await
        .map_err(|e| SubmitError::Call(network(e)))?;
    if response.status() == 422 {
        return match response.json::<SubmitRefused>().await {
            Ok(body) => Err(SubmitError::Refused(body.problems)),
            Err(e) => Err(SubmitError::Call(network(e))),
        };
    }
    read(response).await.map_err(SubmitError::Call)
}

/// `GET /api/ticket/mine`: the visitor's tickets and the agents' replies.
pub async fn mine(token: &str) -> Result<MyTickets, CallError> {
    let response = bearer(Request::get("/api/ticket/mine"), token)
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// `GET /api/ticket/template`: a tenant's template in `locale` (`templateid` given, else
/// the default). For the form inside the chat page, which already has a chat session
/// whose token the other ticket calls accept.
pub async fn template(
    sysnum: &str,
    templateid: Option<&str>,
    locale: parley_protocol::Locale,
) -> Result<parley_protocol::ticket::TemplateView, CallError> {
    let mut query = vec![("sysnum", sysnum), ("locale", locale.code())];
    if let Some(t) = templateid {
        query.push(("templateid", t));
    }
    let response = Request::get("/api/ticket/template")
        .query(query)
        .send()
        .await
        .map_err(network)?;
    read(response).await
}
