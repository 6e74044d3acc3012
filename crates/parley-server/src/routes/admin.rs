//! The admin API: a tenant's settings, read and changed at run time, and the audit
//! log. Admins only (`role = "admin"`); see `crate::admin`.

use axum::extract::Path;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::{AdminSettings, AdminSettingsChange, AuditEntry, FaqTry, FaqTryRequest};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::{AgentAuth, JsonBody};
use crate::error::ApiError;
use crate::{admin, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/settings", get(read).put(change))
        .route("/api/admin/audit", get(audit))
        .route("/api/admin/faq/{robotid}", get(read_faq).put(change_faq))
        .route("/api/admin/faq/try", post(try_faq))
}

async fn read(
    State(state): State<AppState>,
    who: AgentAuth,
) -> Result<Json<AdminSettings>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    Ok(Json(admin::settings(&state, &tenant)))
}

async fn change(
    State(state): State<AppState>,
    who: AgentAuth,
    JsonBody(request): JsonBody<AdminSettingsChange>,
) -> Result<Json<AdminSettings>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    let actor = format!("agent:{}", agent.id);
    let answer = admin::change(&state, &tenant, &actor, request.tenant, request.passwords).await?;
    Ok(Json(answer))
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default = "fifty")]
    limit: i64,
}

fn fifty() -> i64 {
    50
}

async fn audit(
    State(state): State<AppState>,
    who: AgentAuth,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    Ok(Json(admin::audit(&state, &tenant, query.limit).await?))
}

async fn read_faq(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(robotid): Path<u64>,
) -> Result<Json<Value>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    Ok(Json(admin::faq(&tenant, robotid)?))
}

async fn change_faq(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(robotid): Path<u64>,
    JsonBody(draft): JsonBody<Value>,
) -> Result<Json<AdminSettings>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    let actor = format!("agent:{}", agent.id);
    Ok(Json(
        admin::change_faq(&state, &tenant, &actor, robotid, draft).await?,
    ))
}

async fn try_faq(
    State(state): State<AppState>,
    who: AgentAuth,
    JsonBody(request): JsonBody<FaqTryRequest>,
) -> Result<Json<FaqTry>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    Ok(Json(admin::try_faq(&tenant, &state, request)?))
}
