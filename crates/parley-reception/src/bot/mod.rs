//! The FAQ bot: its data (loadable from TOML), and the matcher that answers a visitor's
//! question from it with a direct answer, "did you mean" suggestions, or "unknown".
//!
//! A [`Bot`] is plain data: greetings, the unknown-question reply, guided questions and
//! FAQ groups (`faqid`) of entries in English or Chinese. A [`Matcher`] owns a bot and a
//! prebuilt index, so a server builds it once per bot and asks it many questions.
//!
//! Matching scores the question against every phrasing of every entry (the question and
//! its `similar` phrasings) by TF-IDF cosine over the terms of the `text` module (English stems,
//! CJK bigrams and low-weight unigrams); an entry's score is its best phrasing's. A
//! term the FAQ never uses gets the highest IDF, so an off-topic question ("who won the
//! football match") is dominated by unmatched words and scores low even when one word
//! ("match") happens to occur. Only entries in the question's language are considered
//! (any CJK ideograph means Chinese) unless the scope has none in that language.

mod eval;
mod index;
pub(crate) mod text;

pub use eval::{evaluate, evaluate_with, EvalItem, EvalMiss, EvalReport, EvalSet, Outcome};
pub use index::{Limits, MatchOutcome, Matcher, Thresholds};

use parley_protocol::params::Link;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A question as the bot reads it, for grouping equal questions (the reports' list of
/// unknown questions): full-width folded, lower case, punctuation gone, one space
/// between words: "Where is my PARCEL?!" and "where is  my parcel" both read
/// "where is my parcel".
pub fn normalize_question(text: &str) -> String {
    text::normalize(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The language an FAQ entry is written in. Entries are per language (an English entry
/// and its Chinese twin are two entries) so that each answer is shown in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Lang {
    /// English, `"en"`.
    #[serde(rename = "en")]
    En,
    /// Chinese, `"zh"`.
    #[serde(rename = "zh")]
    Zh,
}

impl Lang {
    /// The language of a question: Chinese when it contains any CJK ideograph (visitors
    /// mix in Latin words such as "VIP" or "PayPal"), English otherwise.
    pub fn detect(text: &str) -> Lang {
        if text.chars().any(text::is_cjk) {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language to answer a visitor whose chat locale is `code` (`zh`, `zh-Hant`,
    /// `en`, ...): Chinese for any `zh` variant, English for everything else, because
    /// the demo FAQ has those two and English is the better fallback for other locales.
    pub fn for_locale(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("zh") || code.to_ascii_lowercase().starts_with("zh-") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The code used in data files and locale maps (`en` / `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// A tenant's bot (`robotid`), as configured in a FAQ file such as `config/faq/demo.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bot {
    /// The bot's id, which links select with `robotid`.
    pub robotid: u64,
    /// The bot's display name.
    pub name: String,
    /// The greeting per locale code (`en`, `zh`); `robot_hello_word` overrides it.
    #[serde(default)]
    pub greeting: BTreeMap<String, String>,
    /// The reply to a question the bot cannot answer, per locale code.
    #[serde(default)]
    pub unknown_reply: BTreeMap<String, String>,
    /// The line above "did you mean" suggestions, per locale code.
    #[serde(default)]
    pub suggest_prompt: BTreeMap<String, String>,
    /// Entry ids offered as guided questions on entry when `guide_flag` is on; entries
    /// of both languages are listed and [`Bot::guide_entries`] picks the visitor's.
    #[serde(default)]
    pub guide_questions: Vec<u64>,
    /// Groups of synonyms, the first word of each being the canonical form
    /// (`["package", "parcel"]`, `["快递", "包裹"]`). They let phrasing differences that
    /// no stemmer can see (parcel / package) match, without listing every variant in
    /// every entry's `similar`.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
    /// The FAQ groups (`faqid`).
    #[serde(default)]
    pub faq_groups: Vec<FaqGroup>,
}

/// An FAQ group of a bot, which a link selects with `faqid` to restrict answers to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqGroup {
    /// The group's id (`faqid`).
    pub faqid: u64,
    /// The group's name, for the admin.
    pub name: String,
    /// The group's entries.
    #[serde(default)]
    pub entries: Vec<FaqEntry>,
}

/// One question and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqEntry {
    /// The entry's id, unique within the bot; referenced by `related`, guided questions,
    /// suggestions and evaluation sets.
    pub id: u64,
    /// The canonical question, shown as a suggestion or guided question.
    pub question: String,
    /// Other ways visitors ask the same thing; matched like `question`.
    #[serde(default)]
    pub similar: Vec<String>,
    /// The answer: plain text that may contain `http(s)` links (see [`linkify`]).
    pub answer: String,
    /// Ids of related entries, listed under the answer.
    #[serde(default)]
    pub related: Vec<u64>,
    /// The entry's language.
    pub lang: Lang,
}

impl FaqEntry {
    /// The question followed by the similar phrasings: everything that is matched.
    pub fn phrasings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.question.as_str()).chain(self.similar.iter().map(String::as_str))
    }
}

/// A problem found by [`Bot::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIssue(pub String);

impl std::fmt::Display for BotIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Bot {
    /// Reads a bot from TOML (the format of `config/faq/*.toml`) and validates it, so
    /// that a broken FAQ file fails at start-up rather than during a chat.
    pub fn from_toml(text: &str) -> Result<Bot, String> {
        let bot: Bot = toml::from_str(text).map_err(|e| e.to_string())?;
        let issues = bot.validate();
        if issues.is_empty() {
            Ok(bot)
        } else {
            let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
            Err(list.join("; "))
        }
    }

    /// Checks what serde cannot: ids unique, references (`related`, guided questions)
    /// pointing at existing entries, and no entry without a question or answer.
    pub fn validate(&self) -> Vec<BotIssue> {
        let mut issues = Vec::new();
        let mut seen = BTreeMap::new();
        let mut faqids = BTreeMap::new();
        for group in &self.faq_groups {
            if faqids.insert(group.faqid, ()).is_some() {
                issues.push(BotIssue(format!("faqid {} appears twice", group.faqid)));
            }
            for e in &group.entries {
                if seen.insert(e.id, ()).is_some() {
                    issues.push(BotIssue(format!("entry id {} appears twice", e.id)));
                }
                if e.question.trim().is_empty() || e.answer.trim().is_empty() {
                    issues.push(BotIssue(format!(
                        "entry {} lacks a question or answer",
                        e.id
                    )));
                }
            }
        }
        for e in self.entries() {
            for r in &e.related {
                if !seen.contains_key(r) {
                    issues.push(BotIssue(format!("entry {} relates to missing {r}", e.id)));
                }
            }
        }
        for g in &self.guide_questions {
            if !seen.contains_key(g) {
                issues.push(BotIssue(format!("guide question {g} is not an entry")));
            }
        }
        issues
    }

    /// Every entry of every group.
    pub fn entries(&self) -> impl Iterator<Item = &FaqEntry> {
        self.faq_groups.iter().flat_map(|g| g.entries.iter())
    }

    /// The entry with this id, if any.
    pub fn entry(&self, id: u64) -> Option<&FaqEntry> {
        self.entries().find(|e| e.id == id)
    }

    /// The greeting to show: `robot_hello_word` when the link gave one, else the
    /// configured greeting for the locale (see [`pick_locale`] for the fallback).
    pub fn greeting<'a>(&'a self, locale: &str, robot_hello_word: Option<&'a str>) -> &'a str {
        match robot_hello_word.map(str::trim).filter(|s| !s.is_empty()) {
            Some(custom) => custom,
            None => pick_locale(&self.greeting, locale).unwrap_or(""),
        }
    }

    /// The reply to an unanswerable question in the visitor's locale.
    pub fn unknown_reply(&self, locale: &str) -> &str {
        pick_locale(&self.unknown_reply, locale).unwrap_or("")
    }

    /// The line shown above "did you mean" suggestions for `locale`, with a built-in
    /// English or Chinese default so that a FAQ file need not set it.
    pub fn suggest_prompt(&self, locale: &str) -> &str {
        pick_locale(&self.suggest_prompt, locale).unwrap_or(
            if Lang::for_locale(locale) == Lang::Zh {
                "您是不是想问："
            } else {
                "Did you mean:"
            },
        )
    }

    /// The guided questions for a visitor's language, in configured order.
    pub fn guide_entries(&self, lang: Lang) -> Vec<&FaqEntry> {
        self.guide_questions
            .iter()
            .filter_map(|id| self.entry(*id))
            .filter(|e| e.lang == lang)
            .collect()
    }

    /// The entries an answer lists as related, skipping dangling ids.
    pub fn related(&self, entry: &FaqEntry) -> Vec<&FaqEntry> {
        entry
            .related
            .iter()
            .filter_map(|id| self.entry(*id))
            .collect()
    }
}

/// Looks a locale up in a per-locale text map: the exact code, then its primary
/// language (`zh-Hant` → `zh`), then English, then any text at all, so that a visitor
/// always gets some greeting rather than an empty bubble.
pub fn pick_locale<'a>(map: &'a BTreeMap<String, String>, locale: &str) -> Option<&'a str> {
    let primary = locale.split(['-', '_']).next().unwrap_or(locale);
    map.get(locale)
        .or_else(|| map.get(primary))
        .or_else(|| map.get("en"))
        .or_else(|| map.values().next())
        .map(String::as_str)
}

/// A piece of an answer: plain text or a link that may be opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    /// Text to show as is (escaped by the renderer).
    Text(String),
    /// An `http(s)` URL that passed [`Link::openable`], to render as a link.
    Link(String),
}

/// Splits an answer into text and links, so that a client renders links as anchors
/// without ever interpreting the answer as HTML. A URL runs to the next whitespace;
/// trailing punctuation (`.`, `,`, `)`, `。`, ...) stays text, as a reader expects.
pub fn linkify(answer: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = answer;
    while let Some(at) = find_url_start(rest) {
        let (before, from) = rest.split_at(at);
        text.push_str(before);
        let end = from
            .find(|c: char| {
                c.is_whitespace() || (!c.is_ascii() && !c.is_alphanumeric()) || is_wide_punct(c)
            })
            .unwrap_or(from.len());
        let mut url = &from[..end];
        while let Some(last) = url.chars().last().filter(|c| ".,;:!?)]}'\"".contains(*c)) {
            url = &url[..url.len() - last.len_utf8()];
        }
        match Link::new(url).openable() {
            Some(ok) => {
                if !text.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut text)));
                }
                out.push(Segment::Link(ok.to_string()));
            }
            None => text.push_str(url),
        }
        rest = &from[url.len()..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Segment::Text(text));
    }
    out
}

fn is_wide_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '；' | '：' | '！' | '？' | '）' | '】' | '」' | '》'
    )
}

fn find_url_start(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    match (lower.find("https://"), lower.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests;
