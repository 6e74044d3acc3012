//! `POST /api/page/token`: the spec's token API, with its exact request and response.
//!
//! Every answer, including failures and malformed bodies, is the spec's JSON shape
//! (`ret_code`, `ret_msg`, and `token` on success), because site backends written for
//! Sobot read `ret_code`. The HTTP status says the same thing for tools that check it.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use parley_protocol::api::{PageTokenRequest, PageTokenResponse, RET_OK};

use crate::security::{check_token_request, link_sign_twin};
use crate::store::now_ms;
use crate::{store, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/page/token", post(page_token))
}

fn answer(
    status: StatusCode,
    code: &str,
    msg: impl Into<String>,
) -> (StatusCode, Json<PageTokenResponse>) {
    (
        status,
        Json(PageTokenResponse {
            ret_code: code.to_owned(),
            ret_msg: msg.into(),
            token: None,
        }),
    )
}

async fn page_token(
    State(state): State<AppState>,
    body: Result<Json<PageTokenRequest>, JsonRejection>,
) -> (StatusCode, Json<PageTokenResponse>) {
    let request = match body {
        Ok(Json(r)) => r,
        Err(e) => return answer(StatusCode::BAD_REQUEST, "100000", e.body_text()),
    };
    let tenant = state.config.tenant(&request.sysnum);
    let token = match check_token_request(&request, tenant.as_deref(), now_ms() / 1000) {
        Ok(t) => t,
        Err(refusal) => {
            tracing::info!(sysnum = %request.sysnum, code = refusal.ret_code, "token refused");
            let status = if refusal.ret_code == "100004" {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::BAD_REQUEST
            };
            return answer(status, refusal.ret_code, refusal.ret_msg);
        }
    };
    match store::visitors::find(
        state.db.pool(),
        &request.sysnum,
        Some(&link_sign_twin(&request)),
        None,
    )
    .await
    {
        Ok(None) => {}
        Ok(Some(_)) => {
            tracing::warn!(
                target: "audit",
                sysnum = %request.sysnum,
                partnerid = %request.partnerid,
                "token request whose sign is a known visitor's link sign"
            );
            return answer(StatusCode::FORBIDDEN, "100004", "sign verification failed");
        }
        Err(e) => {
            tracing::error!(error = %e, "checking a token request");
            return answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "999999",
                "server error; try again",
            );
        }
    }
    // 32 hex digits like the spec's example token.
    let value = uuid::Uuid::new_v4().simple().to_string();
    // Kept as a digest, like session tokens.
    let stored = store::page_tokens::insert(
        state.db.pool(),
        &crate::auth::token_digest(&value),
        &token,
        request.source,
        request.channel_flag,
    )
    .await;
    if let Err(e) = stored {
        tracing::error!(error = %e, "storing a page token");
        return answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            "999999",
            "server error; try again",
        );
    }
    (
        StatusCode::OK,
        Json(PageTokenResponse {
            ret_code: RET_OK.to_owned(),
            ret_msg: "success".to_owned(),
            token: Some(value),
        }),
    )
}
