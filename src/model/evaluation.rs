//! The evaluation form's rules as plain data: the visitor's draft (score, tags, solved,
//! comment), what picking a score does to the tags, how the arrow keys move the score
//! (mirrored right to left), the labels, and the answer the form sends, checked with the
//! protocol's [`validate`] so the visitor hears of a problem before the server would.

use parley_protocol::evaluation::{
    validate, EvaluationProblem, EvaluationSettings, ScoreKind, SubmitEvaluation, MAX_COMMENT_CHARS,
};
use parley_protocol::Locale;

use crate::i18n::{t, t_args};

/// What the visitor has filled in so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvaluationDraft {
    pub score: Option<u8>,
    pub tags: Vec<String>,
    pub solved: Option<bool>,
    pub comment: String,
}

/// Why the form cannot be sent yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftProblem {
    /// No score picked.
    NoScore,
    /// The tenant's rules refuse it (the server would too).
    Invalid(EvaluationProblem),
}

impl EvaluationDraft {
    /// Picks `score`; tags not offered with the new score are dropped.
    pub fn pick(&mut self, settings: &EvaluationSettings, score: u8) {
        self.score = Some(score);
        let offered = settings.tags_for(score);
        self.tags.retain(|t| offered.contains(t));
    }

    /// Adds or removes a tag.
    pub fn toggle(&mut self, tag: &str) {
        if let Some(i) = self.tags.iter().position(|t| t == tag) {
            self.tags.remove(i);
        } else {
            self.tags.push(tag.to_owned());
        }
    }

    /// The answer to send for `conversation_id`, or why it cannot go yet.
    pub fn submission(
        &self,
        settings: &EvaluationSettings,
        conversation_id: &str,
    ) -> Result<SubmitEvaluation, DraftProblem> {
        let score = self.score.ok_or(DraftProblem::NoScore)?;
        let answer = SubmitEvaluation {
            conversation_id: Some(conversation_id.to_owned()),
            score,
            tags: self.tags.clone(),
            solved: self.solved.filter(|_| settings.ask_solved),
            comment: self.comment.trim().to_owned(),
        };
        validate(settings, &answer).map_err(DraftProblem::Invalid)?;
        Ok(answer)
    }
}

/// The score an arrow key (or Home / End) moves to from `current` on `kind`'s scale.
/// Right and Up raise the score, Left and Down lower it; right to left, Left and Right
/// swap (the scale is drawn mirrored). `None`: not a key the group handles.
pub fn step(kind: ScoreKind, current: Option<u8>, key: &str, rtl: bool) -> Option<u8> {
    let (min, max) = (kind.min(), kind.max());
    let up = match (key, rtl) {
        ("ArrowUp", _) | ("ArrowRight", false) | ("ArrowLeft", true) => true,
        ("ArrowDown", _) | ("ArrowLeft", false) | ("ArrowRight", true) => false,
        ("Home", _) => return Some(min),
        ("End", _) => return Some(max),
        _ => return None,
    };
    Some(match current {
        None if up => min,
        None => max,
        Some(s) if up => s.saturating_add(1).min(max),
        Some(s) => s.saturating_sub(1).max(min),
    })
}

/// The word for `score`: the tenant's label, else (five stars) the client's own, else
/// none (a 0–10 score is its number).
pub fn score_label(locale: Locale, settings: &EvaluationSettings, score: u8) -> Option<String> {
    if let Some(l) = settings.label_for(score) {
        return Some(l.to_owned());
    }
    let key = match (settings.kind, score) {
        (ScoreKind::Stars, 1) => "chat-eval-star-1",
        (ScoreKind::Stars, 2) => "chat-eval-star-2",
        (ScoreKind::Stars, 3) => "chat-eval-star-3",
        (ScoreKind::Stars, 4) => "chat-eval-star-4",
        (ScoreKind::Stars, 5) => "chat-eval-star-5",
        _ => return None,
    };
    Some(t(locale, key))
}

/// What a screen reader says for one score's radio button: "4 of 5: Satisfied".
pub fn score_name(locale: Locale, settings: &EvaluationSettings, score: u8) -> String {
    let of = t_args(
        locale,
        "chat-eval-score",
        &[
            ("score", &score.to_string()),
            ("max", &settings.kind.max().to_string()),
        ],
    );
    match score_label(locale, settings, score) {
        Some(label) => format!("{of}: {label}"),
        None => of,
    }
}

/// The visitor's words for a problem.
pub fn problem_text(locale: Locale, problem: &DraftProblem) -> String {
    match problem {
        DraftProblem::NoScore => t(locale, "chat-eval-pick-score"),
        DraftProblem::Invalid(EvaluationProblem::ScoreOutOfRange { min, max }) => t_args(
            locale,
            "chat-eval-problem-score",
            &[("min", &min.to_string()), ("max", &max.to_string())],
        ),
        DraftProblem::Invalid(
            EvaluationProblem::UnknownTag { .. }
            | EvaluationProblem::RepeatedTag { .. }
            | EvaluationProblem::TooManyTags,
        ) => t(locale, "chat-eval-problem-tag"),
        DraftProblem::Invalid(EvaluationProblem::CommentRequired) => {
            t(locale, "chat-eval-problem-comment")
        }
        DraftProblem::Invalid(EvaluationProblem::CommentTooLong) => t_args(
            locale,
            "chat-eval-problem-long",
            &[("max", &MAX_COMMENT_CHARS.to_string())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_protocol::evaluation::ScoreOption;

    fn settings() -> EvaluationSettings {
        EvaluationSettings {
            options: vec![
                ScoreOption {
                    score: 2,
                    label: Some("Meh".into()),
                    tags: vec!["Slow".into()],
                },
                ScoreOption {
                    score: 5,
                    label: None,
                    tags: vec!["Kind".into(), "Fast".into()],
                },
            ],
            comment_required_below: Some(3),
            ..EvaluationSettings::default()
        }
    }

    #[test]
    fn picking_a_score_keeps_only_its_tags() {
        let s = settings();
        let mut d = EvaluationDraft::default();
        d.pick(&s, 5);
        d.toggle("Kind");
        d.toggle("Fast");
        d.toggle("Fast");
        assert_eq!(d.tags, vec!["Kind".to_owned()]);
        d.pick(&s, 2);
        assert!(d.tags.is_empty());
    }

    #[test]
    fn the_submission_is_checked_like_the_server_checks_it() {
        let s = settings();
        let mut d = EvaluationDraft::default();
        assert_eq!(d.submission(&s, "c"), Err(DraftProblem::NoScore));
        d.pick(&s, 2);
        assert_eq!(
            d.submission(&s, "c"),
            Err(DraftProblem::Invalid(EvaluationProblem::CommentRequired))
        );
        d.comment = "  slow  ".into();
        d.solved = Some(false);
        let ok = d.submission(&s, "c").unwrap();
        assert_eq!(ok.comment, "slow");
        assert_eq!(ok.conversation_id.as_deref(), Some("c"));
        assert_eq!(ok.solved, Some(false));
        let unasked = EvaluationSettings {
            ask_solved: false,
            ..s
        };
        assert_eq!(d.submission(&unasked, "c").unwrap().solved, None);
    }

    #[test]
    fn arrows_move_the_score_mirrored_right_to_left() {
        let k = ScoreKind::Stars;
        assert_eq!(step(k, None, "ArrowRight", false), Some(1));
        assert_eq!(step(k, Some(3), "ArrowRight", false), Some(4));
        assert_eq!(step(k, Some(3), "ArrowRight", true), Some(2));
        assert_eq!(step(k, Some(3), "ArrowLeft", true), Some(4));
        assert_eq!(step(k, Some(5), "ArrowUp", false), Some(5));
        assert_eq!(step(k, Some(1), "ArrowDown", false), Some(1));
        assert_eq!(step(ScoreKind::ZeroToTen, Some(4), "End", false), Some(10));
        assert_eq!(step(ScoreKind::ZeroToTen, Some(4), "Home", true), Some(0));
        assert_eq!(step(k, Some(2), "a", false), None);
    }

    #[test]
    fn labels_come_from_the_tenant_then_the_client() {
        let s = settings();
        assert_eq!(score_label(Locale::En, &s, 2).as_deref(), Some("Meh"));
        assert_eq!(
            score_label(Locale::En, &s, 5).as_deref(),
            Some("Very satisfied")
        );
        assert_eq!(score_name(Locale::En, &s, 2), "2 of 5: Meh");
        let ten = EvaluationSettings {
            kind: ScoreKind::ZeroToTen,
            ..EvaluationSettings::default()
        };
        assert_eq!(score_label(Locale::En, &ten, 7), None);
        assert_eq!(score_name(Locale::Zh, &ten, 7), "7 / 10");
    }
}
