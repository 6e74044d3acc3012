//! The visitor API.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use parley_protocol::api::{ErrorCode, InitRequest, InitResponse};
use parley_protocol::ChatParams;

use crate::error::ApiError;
use crate::AppState;

/// Longest query string init accepts; the spec's longest realistic links (cards, goods,
/// params) stay well below it.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/chat/init", post(init))
}

/// Starts or resumes a visitor session. The raw query string is re-parsed here with the
/// same protocol code the client used: the server never trusts the client's parse.
async fn init(
    State(state): State<AppState>,
    body: Result<Json<InitRequest>, JsonRejection>,
) -> Result<Json<InitResponse>, ApiError> {
    let Json(request) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    if request.query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(format!(
            "the query string is longer than {MAX_QUERY_BYTES} bytes"
        )));
    }
    let parsed = ChatParams::from_query(&request.query);
    let sysnum = parsed.value.sysnum.as_deref().ok_or_else(|| {
        ApiError::client(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "the sysnum parameter is required",
        )
    })?;
    let tenant = state.config.tenant(sysnum).ok_or_else(|| {
        ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownTenant,
            format!("no tenant has sysnum {sysnum:?}"),
        )
    })?;
    let locale = parsed.value.locale.unwrap_or_else(|| tenant.locale());
    let visitor_id = state
        .db
        .find_or_create_visitor(&tenant.sysnum, None, request.visitor_id.as_deref())
        .await?;
    Ok(Json(InitResponse {
        visitor_id,
        company_name: tenant.company_name.clone(),
        locale,
        greeting: tenant.greeting_for(locale),
        issues: parsed.issues,
    }))
}
