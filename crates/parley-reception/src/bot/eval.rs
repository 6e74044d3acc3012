//! Measuring the matcher on a held-apart evaluation set (`eval/*.toml`).
//!
//! The set is written separately from the FAQ, in the words of customers, so that the
//! numbers say how the bot does on questions nobody tuned a `similar` phrasing for.
//! `cargo xtask bench` prints the report; a unit test guards a floor below the goal.

use super::index::{MatchOutcome, Matcher};
use super::{Bot, Lang};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An evaluation set: on-topic questions labelled with the entry that answers them, and
/// off-topic questions that must stay unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalSet {
    /// Labelled on-topic questions.
    #[serde(default)]
    pub items: Vec<EvalItem>,
    /// Questions the FAQ does not cover; the right outcome is unknown.
    #[serde(default)]
    pub off_topic: Vec<String>,
}

impl EvalSet {
    /// Reads a set from TOML (`[[items]] question = "..." expect = 101`, and
    /// `off_topic = ["...", ...]`).
    pub fn from_toml(text: &str) -> Result<EvalSet, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// A labelled question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalItem {
    /// The question as a visitor would type it.
    pub question: String,
    /// The id of the entry that answers it.
    pub expect: u64,
    /// The FAQ group to restrict matching to, as a link's `faqid` would.
    #[serde(default)]
    pub faqid: Option<u64>,
}

/// What the matcher did with one question, by entry id (owned, for reports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// Answered directly with this entry.
    Answer {
        /// The entry id.
        id: u64,
        /// Its score.
        score: f64,
    },
    /// Suggested these entries, best first.
    Suggest(Vec<u64>),
    /// Did not know.
    Unknown,
}

impl From<&MatchOutcome<'_>> for Outcome {
    fn from(m: &MatchOutcome<'_>) -> Outcome {
        match m {
            MatchOutcome::Answer { entry, score } => Outcome::Answer {
                id: entry.id,
                score: *score,
            },
            MatchOutcome::Suggest(list) => Outcome::Suggest(list.iter().map(|e| e.id).collect()),
            MatchOutcome::Unknown => Outcome::Unknown,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Answer { id, score } => write!(f, "answer {id} ({score:.2})"),
            Outcome::Suggest(ids) => write!(f, "suggest {ids:?}"),
            Outcome::Unknown => f.write_str("unknown"),
        }
    }
}

/// A question the matcher got wrong: what was expected (`None`: unknown) and what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalMiss {
    /// The question.
    pub question: String,
    /// The expected entry, or `None` for an off-topic question.
    pub expected: Option<u64>,
    /// What the matcher did.
    pub got: Outcome,
}

/// The numbers of one evaluation run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Labelled questions.
    pub total: usize,
    /// Labelled questions in English.
    pub total_en: usize,
    /// Labelled questions in Chinese.
    pub total_zh: usize,
    /// Answered directly with the right entry.
    pub answered_correctly: usize,
    /// Of those, in English.
    pub answered_correctly_en: usize,
    /// Of those, in Chinese.
    pub answered_correctly_zh: usize,
    /// Answered directly with a wrong entry (the worst outcome for a visitor).
    pub answered_wrongly: usize,
    /// Suggestions whose first candidate is right.
    pub suggested_first_correct: usize,
    /// Suggestions that contain the right entry anywhere.
    pub suggested_contains_correct: usize,
    /// Labelled questions that got unknown.
    pub unknown_on_topic: usize,
    /// `answered_correctly / total`: the headline number.
    pub top1_accuracy: f64,
    /// `(answered_correctly + suggested_first_correct) / total`: right entry first,
    /// whether answered or suggested.
    pub top1_with_suggestions: f64,
    /// Off-topic questions.
    pub off_topic_total: usize,
    /// Off-topic questions that got unknown.
    pub off_topic_unknown: usize,
    /// Off-topic questions that got a (necessarily wrong) direct answer.
    pub off_topic_answered: usize,
    /// `off_topic_unknown / off_topic_total`.
    pub unknown_rate_off_topic: f64,
    /// Every question not handled perfectly (labelled: not answered correctly;
    /// off-topic: not unknown).
    pub misses: Vec<EvalMiss>,
}

/// Runs an evaluation set against a bot with the default thresholds.
pub fn evaluate(bot: &Bot, set: &EvalSet) -> EvalReport {
    evaluate_with(&Matcher::new(bot.clone()), set)
}

/// Runs an evaluation set against an existing matcher (for example one with tuned
/// [`Thresholds`](super::Thresholds)).
pub fn evaluate_with(matcher: &Matcher, set: &EvalSet) -> EvalReport {
    let mut r = EvalReport {
        total: set.items.len(),
        off_topic_total: set.off_topic.len(),
        ..EvalReport::default()
    };
    for item in &set.items {
        let lang = Lang::detect(&item.question);
        match lang {
            Lang::En => r.total_en += 1,
            Lang::Zh => r.total_zh += 1,
        }
        let got = Outcome::from(&matcher.ask(&item.question, item.faqid));
        match &got {
            Outcome::Answer { id, .. } if *id == item.expect => {
                r.answered_correctly += 1;
                match lang {
                    Lang::En => r.answered_correctly_en += 1,
                    Lang::Zh => r.answered_correctly_zh += 1,
                }
                continue;
            }
            Outcome::Answer { .. } => r.answered_wrongly += 1,
            Outcome::Suggest(ids) => {
                if ids.first() == Some(&item.expect) {
                    r.suggested_first_correct += 1;
                }
                if ids.contains(&item.expect) {
                    r.suggested_contains_correct += 1;
                }
            }
            Outcome::Unknown => r.unknown_on_topic += 1,
        }
        r.misses.push(EvalMiss {
            question: item.question.clone(),
            expected: Some(item.expect),
            got,
        });
    }
    for question in &set.off_topic {
        let got = Outcome::from(&matcher.ask(question, None));
        match got {
            Outcome::Unknown => {
                r.off_topic_unknown += 1;
                continue;
            }
            Outcome::Answer { .. } => r.off_topic_answered += 1,
            Outcome::Suggest(_) => {}
        }
        r.misses.push(EvalMiss {
            question: question.clone(),
            expected: None,
            got,
        });
    }
    r.top1_accuracy = ratio(r.answered_correctly, r.total);
    r.top1_with_suggestions = ratio(r.answered_correctly + r.suggested_first_correct, r.total);
    r.unknown_rate_off_topic = ratio(r.off_topic_unknown, r.off_topic_total);
    r
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl fmt::Display for EvalReport {
    /// A small table for `cargo xtask bench`, then the misses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |p: usize, w: usize| 100.0 * ratio(p, w);
        writeln!(f, "FAQ bot evaluation")?;
        writeln!(f, "  {:<40} {:>6} {:>8}", "measure", "count", "rate")?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, p: usize, w: usize| {
            writeln!(
                f,
                "  {name:<40} {:>6} {:>7.1}%",
                format!("{p}/{w}"),
                pct(p, w)
            )
        };
        row(
            f,
            "top-1 answered correctly",
            self.answered_correctly,
            self.total,
        )?;
        row(f, "  English", self.answered_correctly_en, self.total_en)?;
        row(f, "  Chinese", self.answered_correctly_zh, self.total_zh)?;
        row(
            f,
            "top-1 incl. first suggestion",
            self.answered_correctly + self.suggested_first_correct,
            self.total,
        )?;
        row(
            f,
            "suggestions contain the right entry",
            self.suggested_contains_correct,
            self.total,
        )?;
        row(
            f,
            "answered with a wrong entry",
            self.answered_wrongly,
            self.total,
        )?;
        row(f, "on-topic but unknown", self.unknown_on_topic, self.total)?;
        row(
            f,
            "off-topic unknown",
            self.off_topic_unknown,
            self.off_topic_total,
        )?;
        row(
            f,
            "off-topic answered (wrong)",
            self.off_topic_answered,
            self.off_topic_total,
        )?;
        if !self.misses.is_empty() {
            writeln!(f, "  misses:")?;
            for m in &self.misses {
                let expected = m
                    .expected
                    .map_or("unknown".to_string(), |id| id.to_string());
                writeln!(
                    f,
                    "    {:<8} {:<22} {}",
                    expected,
                    m.got.to_string(),
                    m.question
                )?;
            }
        }
        Ok(())
    }
}
