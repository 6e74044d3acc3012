//! Satisfaction evaluation: how a tenant asks visitors to rate a conversation with an
//! agent, what the visitor sends, what is stored, and the one check both sides run.
//!
//! The visitor's form ([`EvaluationSettings`], sent with init) and the server
//! ([`validate`]) share the rules, so the form refuses a bad answer at once in the
//! visitor's language and the server refuses the same answer with the same
//! [`EvaluationProblem`] (a client that skips the form gets a 422 naming it, and nothing
//! is stored). A conversation keeps at most one [`Evaluation`]; it is also recorded in the
//! conversation as a [`crate::api::SystemEvent::Evaluated`] message, so agents (the agent
//! API, the workbench) see it in the history and live over their socket.

use serde::{Deserialize, Serialize};

/// Longest evaluation comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// Most tags one evaluation may carry.
pub const MAX_TAGS: usize = 10;
/// Longest tag or label a tenant may configure, in characters.
pub const MAX_TAG_CHARS: usize = 40;

/// The scale a tenant rates on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    /// One to five stars.
    #[default]
    Stars,
    /// A score from 0 to 10 (as in a net-promoter question).
    ZeroToTen,
}

impl ScoreKind {
    /// The lowest score of the scale.
    pub fn min(self) -> u8 {
        match self {
            ScoreKind::Stars => 1,
            ScoreKind::ZeroToTen => 0,
        }
    }

    /// The highest score of the scale.
    pub fn max(self) -> u8 {
        match self {
            ScoreKind::Stars => 5,
            ScoreKind::ZeroToTen => 10,
        }
    }

    /// Every score of the scale, lowest first.
    pub fn scores(self) -> std::ops::RangeInclusive<u8> {
        self.min()..=self.max()
    }
}

/// What the tenant shows for one score: its label (in the visitor's language, or the
/// tenant's default; `None` lets the client use its own localized label) and the tags a
/// visitor may pick when giving that score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreOption {
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// How the visitor is asked to rate, as init sends it: the tenant's
/// `[tenant.evaluation]` with the link's flags applied (link > backend > default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSettings {
    /// Whether the tenant takes evaluations at all.
    pub enabled: bool,
    pub kind: ScoreKind,
    /// Labels and tags per score; scores without an entry have no tags and the client's
    /// default label.
    #[serde(default)]
    pub options: Vec<ScoreOption>,
    /// Whether the form asks "Was your problem solved?".
    pub ask_solved: bool,
    /// A score below this needs a comment (`None`: the comment is always optional).
    #[serde(default)]
    pub comment_required_below: Option<u8>,
    /// `feedback_flag`: an "Evaluate" button in the chat once an agent joined.
    pub button: bool,
    /// `show_evaluate`: the visitor's close button asks for an evaluation first.
    pub on_close: bool,
    /// `satDegree_A` (else the tenant's `invite_on_agent_end`): the agent's ending of
    /// the chat invites an evaluation.
    pub after_agent_end: bool,
}

impl Default for EvaluationSettings {
    /// Five stars, "was it solved?" asked, comments optional, asked everywhere: how a
    /// tenant that configures nothing rates.
    fn default() -> Self {
        EvaluationSettings {
            enabled: true,
            kind: ScoreKind::Stars,
            options: Vec::new(),
            ask_solved: true,
            comment_required_below: None,
            button: true,
            on_close: true,
            after_agent_end: true,
        }
    }
}

impl EvaluationSettings {
    /// The tags a visitor may pick with `score`.
    pub fn tags_for(&self, score: u8) -> &[String] {
        self.options
            .iter()
            .find(|o| o.score == score)
            .map_or(&[], |o| o.tags.as_slice())
    }

    /// The tenant's label for `score`, if it set one.
    pub fn label_for(&self, score: u8) -> Option<&str> {
        self.options
            .iter()
            .find(|o| o.score == score)
            .and_then(|o| o.label.as_deref())
    }

    /// Whether `score` needs a comment.
    pub fn comment_required(&self, score: u8) -> bool {
        self.comment_required_below.is_some_and(|b| score < b)
    }
}

/// `POST /api/chat/evaluation`: the visitor's rating of their conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitEvaluation {
    /// Defaults to the session's conversation; another must be the visitor's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    pub score: u8,
    /// Tags of [`EvaluationSettings::tags_for`] the score, each at most once.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The answer to "Was your problem solved?"; ignored when the tenant does not ask.
    #[serde(default)]
    pub solved: Option<bool>,
    #[serde(default)]
    pub comment: String,
}

/// A stored evaluation, as agents and the visitor see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub conversation_id: String,
    /// The agent who held the conversation when it was rated.
    #[serde(default)]
    pub agent_id: Option<String>,
    pub kind: ScoreKind,
    pub score: u8,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub solved: Option<bool>,
    #[serde(default)]
    pub comment: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// The answer to [`SubmitEvaluation`]: the stored evaluation, and whether it had been
/// stored before (a second submit is answered with the first, never stored twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationResponse {
    pub evaluation: Evaluation,
    pub duplicate: bool,
}

/// `POST /api/chat/bot-feedback`: the visitor found one bot answer helpful or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotFeedbackRequest {
    /// Defaults to the session's conversation; another must be the visitor's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// The bot message's sequence number in that conversation.
    pub seq: i64,
    pub helpful: bool,
}

/// A stored helpful / not helpful mark on a bot answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotFeedback {
    pub conversation_id: String,
    pub seq: i64,
    pub helpful: bool,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// The answer to [`BotFeedbackRequest`]; a second mark on the same answer is answered
/// with the first (`duplicate`), never stored twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotFeedbackResponse {
    pub feedback: BotFeedback,
    pub duplicate: bool,
}

/// `GET /api/agent/conversations/{id}/evaluation`: what the visitor said of the
/// conversation and of the bot's answers in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationEvaluation {
    pub evaluation: Option<Evaluation>,
    pub bot_feedback: Vec<BotFeedback>,
}

/// Why an evaluation is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum EvaluationProblem {
    /// The score is outside the tenant's scale.
    ScoreOutOfRange { min: u8, max: u8 },
    /// The tag is not one the tenant offers with this score.
    UnknownTag { tag: String },
    /// The same tag twice.
    RepeatedTag { tag: String },
    /// More than [`MAX_TAGS`] tags.
    TooManyTags,
    /// The score is below the tenant's threshold and the comment is empty.
    CommentRequired,
    /// The comment is longer than [`MAX_COMMENT_CHARS`].
    CommentTooLong,
}

impl EvaluationProblem {
    /// A message for developers (the client shows its own localized text).
    pub fn message(&self) -> String {
        match self {
            EvaluationProblem::ScoreOutOfRange { min, max } => {
                format!("score must be from {min} to {max}")
            }
            EvaluationProblem::UnknownTag { tag } => {
                format!("tag {tag:?} is not offered with this score")
            }
            EvaluationProblem::RepeatedTag { tag } => format!("tag {tag:?} is given twice"),
            EvaluationProblem::TooManyTags => format!("at most {MAX_TAGS} tags"),
            EvaluationProblem::CommentRequired => "a comment is required with this score".into(),
            EvaluationProblem::CommentTooLong => {
                format!("the comment is longer than {MAX_COMMENT_CHARS} characters")
            }
        }
    }
}

/// Checks an evaluation against the tenant's settings: the score on the scale, tags
/// offered with that score (each once), the comment present when the score needs one
/// and not too long. The first problem found is returned.
pub fn validate(
    settings: &EvaluationSettings,
    e: &SubmitEvaluation,
) -> Result<(), EvaluationProblem> {
    let kind = settings.kind;
    if !kind.scores().contains(&e.score) {
        return Err(EvaluationProblem::ScoreOutOfRange {
            min: kind.min(),
            max: kind.max(),
        });
    }
    if e.tags.len() > MAX_TAGS {
        return Err(EvaluationProblem::TooManyTags);
    }
    let offered = settings.tags_for(e.score);
    for (i, tag) in e.tags.iter().enumerate() {
        if !offered.contains(tag) {
            return Err(EvaluationProblem::UnknownTag { tag: tag.clone() });
        }
        if e.tags[..i].contains(tag) {
            return Err(EvaluationProblem::RepeatedTag { tag: tag.clone() });
        }
    }
    if e.comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(EvaluationProblem::CommentTooLong);
    }
    if settings.comment_required(e.score) && e.comment.trim().is_empty() {
        return Err(EvaluationProblem::CommentRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> EvaluationSettings {
        EvaluationSettings {
            options: vec![ScoreOption {
                score: 2,
                label: Some("Poor".into()),
                tags: vec!["Slow".into(), "Rude".into()],
            }],
            comment_required_below: Some(3),
            ..EvaluationSettings::default()
        }
    }

    fn submit(score: u8, tags: &[&str], comment: &str) -> SubmitEvaluation {
        SubmitEvaluation {
            score,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            comment: comment.into(),
            ..SubmitEvaluation::default()
        }
    }

    #[test]
    fn the_scale_bounds_the_score() {
        let s = settings();
        assert_eq!(validate(&s, &submit(4, &[], "")), Ok(()));
        assert_eq!(
            validate(&s, &submit(0, &[], "x")),
            Err(EvaluationProblem::ScoreOutOfRange { min: 1, max: 5 })
        );
        assert!(validate(&s, &submit(6, &[], "x")).is_err());
        let ten = EvaluationSettings {
            kind: ScoreKind::ZeroToTen,
            ..EvaluationSettings::default()
        };
        assert_eq!(validate(&ten, &submit(0, &[], "")), Ok(()));
        assert_eq!(validate(&ten, &submit(10, &[], "")), Ok(()));
        assert_eq!(
            validate(&ten, &submit(11, &[], "")),
            Err(EvaluationProblem::ScoreOutOfRange { min: 0, max: 10 })
        );
    }

    #[test]
    fn tags_must_be_offered_with_the_score_and_given_once() {
        let s = settings();
        assert_eq!(validate(&s, &submit(2, &["Slow"], "late")), Ok(()));
        assert_eq!(
            validate(&s, &submit(4, &["Slow"], "")),
            Err(EvaluationProblem::UnknownTag { tag: "Slow".into() })
        );
        assert_eq!(
            validate(&s, &submit(2, &["Slow", "Slow"], "x")),
            Err(EvaluationProblem::RepeatedTag { tag: "Slow".into() })
        );
        let many: Vec<&str> = vec!["Slow"; MAX_TAGS + 1];
        assert_eq!(
            validate(&s, &submit(2, &many, "x")),
            Err(EvaluationProblem::TooManyTags)
        );
    }

    #[test]
    fn a_low_score_needs_a_comment_and_comments_are_bounded() {
        let s = settings();
        assert_eq!(
            validate(&s, &submit(2, &[], "  ")),
            Err(EvaluationProblem::CommentRequired)
        );
        assert_eq!(validate(&s, &submit(3, &[], "")), Ok(()));
        let long = "é".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(
            validate(&s, &submit(5, &[], &long)),
            Err(EvaluationProblem::CommentTooLong)
        );
        assert_eq!(
            validate(&s, &submit(5, &[], &long[..long.len() - 2])),
            Ok(())
        );
    }
}
