//! Calls to the admin API (`/api/admin/*`): the tenant's settings, a bot's FAQ, the
//! "try a question" box and the audit log. A refused change comes back as a
//! [`Refusal`] naming the field, which the form shows beside it.

use std::collections::BTreeMap;

use gloo_net::http::{Request, RequestBuilder, Response};
use parley_protocol::api::{
    AdminSettings, AdminSettingsChange, AuditEntry, FaqTry, FaqTryRequest, FieldErrorBody,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::CallError;
use crate::components::form::Refusal;

/// Why an admin call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminError {
    /// The server refused the change (a 400 naming the field); nothing was stored.
    Refused(Refusal),
    /// Anything else (session over, network, not an admin).
    Call(CallError),
}

fn network(e: impl ToString) -> AdminError {
    AdminError::Call(CallError::Network(e.to_string()))
}

fn bearer(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, AdminError> {
    if response.ok() {
        return response.json().await.map_err(network);
    }
    let status = response.status();
    match response.json::<FieldErrorBody>().await {
        Ok(body) if status == 400 => Err(AdminError::Refused(Refusal {
            field: body.field,
            message: body.message,
        })),
        Ok(body) => Err(AdminError::Call(CallError::Api(
            status,
            parley_protocol::api::ApiErrorBody {
                code: body.code,
                message: body.message,
            },
        ))),
        Err(e) => Err(network(format!("HTTP {status}: {e}"))),
    }
}

async fn send<T: DeserializeOwned>(
    builder: RequestBuilder,
    token: &str,
    body: Option<&impl serde::Serialize>,
) -> Result<T, AdminError> {
    let builder = bearer(builder, token);
    let response = match body {
        Some(b) => builder.json(b).map_err(network)?.send().await,
        None => builder.send().await,
    };
    read(response.map_err(network)?).await
}

/// `GET /api/admin/settings`.
pub async fn settings(token: &str) -> Result<AdminSettings, AdminError> {
    send(Request::get("/api/admin/settings"), token, None::<&()>).await
}

/// `PUT /api/admin/settings`: the whole tenant table and new passwords by agent id.
pub async fn change(
    token: &str,
    tenant: Value,
    passwords: BTreeMap<String, String>,
) -> Result<AdminSettings, AdminError> {
    let body = AdminSettingsChange { tenant, passwords };
    send(Request::put("/api/admin/settings"), token, Some(&body)).await
}

/// `GET /api/admin/faq/{robotid}`.
pub async fn faq(token: &str, robotid: u64) -> Result<Value, AdminError> {
    let url = format!("/api/admin/faq/{robotid}");
    send(Request::get(&url), token, None::<&()>).await
}

/// `PUT /api/admin/faq/{robotid}`.
pub async fn change_faq(
    token: &str,
    robotid: u64,
    faq: &Value,
) -> Result<AdminSettings, AdminError> {
    let url = format!("/api/admin/faq/{robotid}");
    send(Request::put(&url), token, Some(faq)).await
}

/// `POST /api/admin/faq/try`.
pub async fn try_faq(token: &str, request: &FaqTryRequest) -> Result<FaqTry, AdminError> {
    send(Request::post("/api/admin/faq/try"), token, Some(request)).await
}

/// `GET /api/admin/audit`.
pub async fn audit(token: &str) -> Result<Vec<AuditEntry>, AdminError> {
    send(
        Request::get("/api/admin/audit?limit=50"),
        token,
        None::<&()>,
    )
    .await
}
