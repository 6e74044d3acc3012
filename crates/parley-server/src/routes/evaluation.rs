//! Satisfaction evaluation: the visitor's rating and bot-answer marks (session-bound),
//! and the agent's invitation and view (agent session). The rules and the
//! store-once logic are `crate::evaluation`'s.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use parley_protocol::api::SendResponse;
use parley_protocol::evaluation::{
    BotFeedbackRequest, BotFeedbackResponse, ConversationEvaluation, EvaluationResponse,
    SubmitEvaluation,
};

use crate::auth::{AgentAuth, JsonBody, VisitorAuth};
use crate::error::ApiError;
use crate::{evaluation, AppState};

/// The visitor's and the agent's evaluation endpoints.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/chat/evaluation", post(submit))
        .route("/api/chat/bot-feedback", post(bot_feedback))
        .route(
            "/api/agent/conversations/{id}/evaluation",
            get(of_conversation),
        )
        .route(
            "/api/agent/conversations/{id}/evaluation/invite",
            post(invite),
        )
}

async fn submit(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<SubmitEvaluation>,
) -> Result<Json<EvaluationResponse>, ApiError> {
    Ok(Json(evaluation::submit(&state, &who, &request).await?))
}

async fn bot_feedback(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<BotFeedbackRequest>,
) -> Result<Json<BotFeedbackResponse>, ApiError> {
    Ok(Json(
        evaluation::bot_feedback(&state, &who, &request).await?,
    ))
}

async fn invite(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<SendResponse>, ApiError> {
    let a = evaluation::invite(&state, &who, &id).await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

async fn of_conversation(
    State(state): State<AppState>,
    who: AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<ConversationEvaluation>, ApiError> {
    Ok(Json(evaluation::of_conversation(&state, &who, &id).await?))
}
