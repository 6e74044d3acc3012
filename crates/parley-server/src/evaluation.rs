//! Satisfaction evaluation over the store: a visitor rates their conversation once, marks
//! bot answers helpful or not once each, and an agent invites a rating.
//!
//! An evaluation is checked with the protocol's [`validate`] against the tenant's
//! `[tenant.evaluation]` (the form runs the same check), then stored in one transaction
//! with a [`SystemEvent::Evaluated`] message: the conversation's row is locked first
//! (`store::conversations::bump`), so two submits cannot both store, and a second one is
//! answered with the first. Events are published after the commit.

use axum::http::StatusCode;
use parley_protocol::api::{ErrorCode, MessageKind, Sender, SystemEvent};
use parley_protocol::evaluation::{
    validate, BotFeedback, BotFeedbackRequest, BotFeedbackResponse, ConversationEvaluation,
    Evaluation, EvaluationProblem, EvaluationResponse, SubmitEvaluation,
};

use crate::auth::{AgentAuth, VisitorAuth};
use crate::chat::{self, Conversation, NewMessage};
use crate::error::ApiError;
use crate::store::{self, now_ms};
use crate::AppState;

/// Why a rating or an invitation is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The tenant takes no evaluations.
    Disabled,
    /// No agent has served the conversation (bot-only, or still waiting).
    NoAgentYet,
    /// The answer breaks the tenant's rules.
    Invalid(EvaluationProblem),
    /// The conversation was already rated (an agent cannot invite again).
    AlreadyEvaluated,
    /// The agent does not hold the conversation.
    NotYours,
    /// The message named is not a bot answer.
    NotABotAnswer,
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        let (status, code, message) = match r {
            Refusal::Disabled => (
                StatusCode::FORBIDDEN,
                ErrorCode::Unauthorized,
                "this service takes no evaluations".to_owned(),
            ),
            Refusal::NoAgentYet => (
                StatusCode::CONFLICT,
                ErrorCode::BadRequest,
                "no agent has served this conversation yet".to_owned(),
            ),
            Refusal::Invalid(p) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadRequest,
                p.message(),
            ),
            Refusal::AlreadyEvaluated => (
                StatusCode::CONFLICT,
                ErrorCode::BadRequest,
                "the visitor already rated this conversation".to_owned(),
            ),
            Refusal::NotYours => (
                StatusCode::FORBIDDEN,
                ErrorCode::Unauthorized,
                "only the agent holding the conversation may invite an evaluation".to_owned(),
            ),
            Refusal::NotABotAnswer => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no bot answer at that sequence number".to_owned(),
            ),
        };
        ApiError::client(status, code, message)
    }
}

/// The visitor's tenant, whose evaluation form the visitor's page shows (also when a
/// partner tenant served the chat after an overflow).
fn tenant_of(
    state: &AppState,
    c: &Conversation,
) -> Result<std::sync::Arc<crate::config::Tenant>, ApiError> {
    state
        .config
        .tenant(c.home())
        .ok_or_else(|| ApiError::Internal(format!("tenant {} is gone", c.home())))
}

/// The visitor rates their own conversation (the session's, or another of theirs; any
/// other is "not found"). Stored once: a repeat is answered with the stored one.
pub async fn submit(
    state: &AppState,
    who: &VisitorAuth,
    request: &SubmitEvaluation,
) -> Result<EvaluationResponse, ApiError> {
    let c = chat::of_visitor(state, who, request.conversation_id.as_deref()).await?;
    let tenant = tenant_of(state, &c)?;
    // The form offered the tags in the page's language; they are stored in the
    // tenant's own words (`tags`), so every rating of a score reads alike.
    let locale = crate::reception::Context::of(&c).locale;
    let rules = tenant.evaluation.rules(locale);
    if !rules.enabled {
        return Err(Refusal::Disabled.into());
    }
    validate(&rules, request).map_err(Refusal::Invalid)?;
    let tags = tenant
        .evaluation
        .stored_tags(locale, request.score, &request.tags);
    let mut tx = state.db.begin().await?;
    let Some(c) = store::conversations::bump(&mut tx, &c.id, 1, None).await? else {
        return Err(ApiError::Internal(
            "a visitor's conversation vanished".into(),
        ));
    };
    if let Some(evaluation) = store::evaluations::get(&mut *tx, &c.id).await? {
        tx.rollback().await?;
        return Ok(EvaluationResponse {
            evaluation,
            duplicate: true,
        });
    }
    if c.agent_id.is_none() {
        return Err(Refusal::NoAgentYet.into());
    }
    let now = now_ms();
    let evaluation = Evaluation {
        conversation_id: c.id.clone(),
        agent_id: c.agent_id.clone(),
        kind: rules.kind,
        score: request.score,
        tags,
        solved: request.solved.filter(|_| rules.ask_solved),
        comment: request.comment.trim().to_owned(),
        created_at: now,
    };
    store::evaluations::insert(&mut *tx, c.home(), &c.visitor_id, &evaluation).await?;
    let event = SystemEvent::Evaluated {
        evaluation: Box::new(evaluation.clone()),
    };
    let message =
        store::messages::insert(&mut tx, &c.id, c.last_seq, &NewMessage::system(event), now)
            .await?;
    tx.commit().await?;
    chat::publish::messages(state, &c, std::slice::from_ref(&message));
    tracing::info!(
        sysnum = %c.sysnum,
        conversation = %c.id,
        score = evaluation.score,
        "conversation rated"
    );
    Ok(EvaluationResponse {
        evaluation,
        duplicate: false,
    })
}

/// The visitor marks one bot answer of their conversation helpful or not; once per
/// answer (a repeat is answered with the first mark).
pub async fn bot_feedback(
    state: &AppState,
    who: &VisitorAuth,
    request: &BotFeedbackRequest,
) -> Result<BotFeedbackResponse, ApiError> {
    let c = chat::of_visitor(state, who, request.conversation_id.as_deref()).await?;
    let pool = state.db.pool();
    let answer = store::messages::at_seq(pool, &c.id, request.seq).await?;
    let is_answer = answer
        .is_some_and(|m| m.sender == Sender::Bot && m.kind == MessageKind::Text && m.bot.is_some());
    if !is_answer {
        return Err(Refusal::NotABotAnswer.into());
    }
    if let Some(feedback) = store::evaluations::feedback_at(pool, &c.id, request.seq).await? {
        return Ok(BotFeedbackResponse {
            feedback,
            duplicate: true,
        });
    }
    let feedback = BotFeedback {
        conversation_id: c.id.clone(),
        seq: request.seq,
        helpful: request.helpful,
        created_at: now_ms(),
    };
    match store::evaluations::insert_feedback(pool, &feedback).await {
        Ok(()) => Ok(BotFeedbackResponse {
            feedback,
            duplicate: false,
        }),
        // Two marks raced past the read: the loser answers with the winner's.
        Err(e) if store::is_unique_violation(&e) => {
            let feedback = store::evaluations::feedback_at(pool, &c.id, request.seq)
                .await?
                .ok_or_else(|| ApiError::Internal("a bot mark vanished".into()))?;
            Ok(BotFeedbackResponse {
                feedback,
                duplicate: true,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// The agent holding a conversation (or the one who held it when it ended) asks the
/// visitor to rate it: an [`SystemEvent::EvaluationInvited`] message, which the
/// visitor's page shows as the form. Refused once the conversation is rated.
pub async fn invite(
    state: &AppState,
    who: &AgentAuth,
    conversation_id: &str,
) -> Result<chat::Appended, ApiError> {
    let c = chat::of_tenant(state, who, conversation_id).await?;
    if !tenant_of(state, &c)?.evaluation.enabled {
        return Err(Refusal::Disabled.into());
    }
    let mut tx = state.db.begin().await?;
    let Some(c) = store::conversations::bump(&mut tx, &c.id, 1, None).await? else {
        return Err(ApiError::Internal("a conversation vanished".into()));
    };
    if c.agent_id.as_deref() != Some(who.agent_id.as_str()) {
        return Err(Refusal::NotYours.into());
    }
    if store::evaluations::get(&mut *tx, &c.id).await?.is_some() {
        return Err(Refusal::AlreadyEvaluated.into());
    }
    let m = NewMessage::system(SystemEvent::EvaluationInvited);
    let message = store::messages::insert(&mut tx, &c.id, c.last_seq, &m, now_ms()).await?;
    tx.commit().await?;
    chat::publish::messages(state, &c, std::slice::from_ref(&message));
    Ok(chat::Appended {
        message,
        duplicate: false,
        conversation: c,
    })
}

/// What the visitor said of a conversation of the agent's tenant.
pub async fn of_conversation(
    state: &AppState,
    who: &AgentAuth,
    conversation_id: &str,
) -> Result<ConversationEvaluation, ApiError> {
    let c = chat::of_tenant(state, who, conversation_id).await?;
    let pool = state.db.pool();
    Ok(ConversationEvaluation {
        evaluation: store::evaluations::get(pool, &c.id).await?,
        bot_feedback: store::evaluations::feedback_of(pool, &c.id).await?,
    })
}
