//! The FAQ index and the three-way decision (answer, suggest, unknown).

use super::text::{self, Kind, Synonyms, Term};
use super::{Bot, FaqEntry, Lang};
use std::collections::{BTreeMap, HashMap};

/// The score limits of the three outcomes, per language of the question.
///
/// Scores are cosines in `0.0..=1.0`, but the two languages use them differently:
/// Chinese questions are split into bigrams and unigrams, which spreads their weight
/// over many more terms than English words do, so the same closeness scores lower.
/// Hence one set of limits per language. The defaults were tuned on
/// `config/faq/demo.toml` against `eval/demo.toml` (the grid search is
/// `cargo run -p parley-reception --example faq_eval -- --sweep`): the best top-1
/// accuracy keeping at least 90% of off-topic questions unknown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Limits for English (and other non-CJK) questions.
    pub en: Limits,
    /// Limits for Chinese questions.
    pub zh: Limits,
    /// A suggestion must score at least this fraction of the best one, so that a
    /// strong first candidate is not padded with weak ones.
    pub suggest_ratio: f64,
    /// At most this many suggestions.
    pub max_suggestions: usize,
}

/// The limits of one language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The best entry is answered directly at or above this score...
    pub answer: f64,
    /// ...and when it leads the runner-up by at least this much.
    pub margin: f64,
    /// Below this score the question is unknown; from it up, entries may be suggested.
    pub suggest: f64,
}

impl Thresholds {
    /// The limits for a question in this language.
    pub fn for_lang(&self, lang: Lang) -> Limits {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            // Chosen with `faq_eval --sweep` on eval/demo.toml after the session-2 FAQ
            // enrichment: the highest English accuracy that keeps at least 90% of the
            // off-topic questions unknown, with a margin so close calls still become
            // "did you mean". eval/demo-fresh.toml checks it generalizes.
            en: Limits {
                answer: 0.32,
                margin: 0.03,
                suggest: 0.32,
            },
            zh: Limits {
                answer: 0.17,
                margin: 0.02,
                suggest: 0.16,
            },
            suggest_ratio: 0.6,
            max_suggestions: 3,
        }
    }
}

/// What the bot does with a question.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchOutcome<'a> {
    /// A clear winner: show its answer.
    Answer {
        /// The entry answered.
        entry: &'a FaqEntry,
        /// Its score (cosine, 0 to 1), for logs and tuning.
        score: f64,
    },
    /// Several plausible entries, or one not clear enough: "did you mean", best first.
    Suggest(Vec<&'a FaqEntry>),
    /// Nothing close: show the unknown-question reply (and count it for `show_manual`).
    Unknown,
}

/// One indexed phrasing: its entry and its TF-IDF vector (sorted by term, unit length).
#[derive(Debug, Clone)]
struct Doc {
    /// Index of the entry in `Matcher::entries`.
    entry: usize,
    /// (term id, weight), sorted by term id, normalised to unit length.
    vector: Vec<(u32, f64)>,
}

/// A bot with its prebuilt index; build it once per bot and reuse it for every question.
#[derive(Debug, Clone)]
pub struct Matcher {
    bot: Bot,
    thresholds: Thresholds,
    synonyms: Synonyms,
    /// (entry language, faqid) of each entry, in `Bot::entries` order.
    entries: Vec<(Lang, u64)>,
    /// Term text to id.
    vocab: HashMap<Term, u32>,
    /// IDF of each term id.
    idf: Vec<f64>,
    /// The IDF given to a term the FAQ never uses, per language: the highest possible.
    unseen_idf: BTreeMap<Lang, f64>,
    docs: Vec<Doc>,
    /// Per entry, the vector of all its phrasings together.
    unions: Vec<Vec<(u32, f64)>>,
}

impl Matcher {
    /// Indexes a bot with the default thresholds.
    pub fn new(bot: Bot) -> Matcher {
        Matcher::with_thresholds(bot, Thresholds::default())
    }

    /// Indexes a bot with explicit thresholds (for tuning and tests).
    pub fn with_thresholds(bot: Bot, thresholds: Thresholds) -> Matcher {
        let synonyms = Synonyms::new(&bot.synonyms);
        let mut entries = Vec::new();
        let mut vocab: HashMap<Term, u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        let mut per_lang: BTreeMap<Lang, u32> = BTreeMap::new();
        let mut raw_docs: Vec<(usize, Vec<Term>)> = Vec::new();
        let mut unions: Vec<Vec<Term>> = Vec::new();
        for group in &bot.faq_groups {
            for entry in &group.entries {
                let index = entries.len();
                entries.push((entry.lang, group.faqid));
                *per_lang.entry(entry.lang).or_default() += 1;
                let mut in_entry: Vec<u32> = Vec::new();
                let mut union: Vec<Term> = Vec::new();
                for phrasing in entry.phrasings() {
                    let terms = text::terms(phrasing, &synonyms);
                    union.extend(terms.iter().cloned());
                    for t in &terms {
                        let next = vocab.len() as u32;
                        let id = *vocab.entry(t.clone()).or_insert(next);
                        if id as usize == df.len() {
                            df.push(0);
                        }
                        in_entry.push(id);
                    }
                    raw_docs.push((index, terms));
                }
                unions.push(union);
                in_entry.sort_unstable();
                in_entry.dedup();
                for id in in_entry {
                    df[id as usize] += 1;
                }
            }
        }
        // Document frequency counts entries, not phrasings, so that an entry's many
        // phrasings of one word do not make the word look common. Terms are language
        // specific (stems vs. ideographs), so each term's N is its language's count.
        let lang_of_term = |t: &Term| term_lang(t);
        let mut idf = vec![0.0; df.len()];
        for (term, id) in &vocab {
            let n = f64::from(
                per_lang
                    .get(&lang_of_term(term))
                    .copied()
                    .unwrap_or(0)
                    .max(1),
            );
            idf[*id as usize] = idf_of(n, f64::from(df[*id as usize]));
        }
        let unseen_idf = [Lang::En, Lang::Zh]
            .into_iter()
            .map(|l| {
                let n = f64::from(per_lang.get(&l).copied().unwrap_or(0).max(1));
                (l, idf_of(n, UNSEEN_DF))
            })
            .collect();
        let mut matcher = Matcher {
            bot,
            thresholds,
            synonyms,
            entries,
            vocab,
            idf,
            unseen_idf,
            docs: Vec::new(),
            unions: Vec::new(),
        };
        matcher.unions = unions.iter().map(|t| matcher.vectorize(t).0).collect();
        matcher.docs = raw_docs
            .into_iter()
            .map(|(entry, terms)| Doc {
                entry,
                vector: matcher.vectorize(&terms).0,
            })
            .collect();
        matcher
    }

    /// The bot this matcher answers for.
    pub fn bot(&self) -> &Bot {
        &self.bot
    }

    /// The thresholds in use.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// Turns terms into a unit TF-IDF vector over known terms, and returns with it the
    /// squared weight of the unknown terms (which lengthen the query but match nothing).
    fn vectorize(&self, terms: &[Term]) -> (Vec<(u32, f64)>, f64) {
        let mut tf: BTreeMap<u32, (f64, Kind)> = BTreeMap::new();
        let mut unknown: HashMap<&Term, (f64, Kind)> = HashMap::new();
        for t in terms {
            match self.vocab.get(t) {
                Some(id) => tf.entry(*id).or_insert((0.0, t.0)).0 += 1.0,
                None => unknown.entry(t).or_insert((0.0, t.0)).0 += 1.0,
            }
        }
        let weight = |count: f64, kind: Kind, idf: f64| (1.0 + count.ln()) * idf * kind.weight();
        let mut vector: Vec<(u32, f64)> = tf
            .into_iter()
            .map(|(id, (count, kind))| (id, weight(count, kind, self.idf[id as usize])))
            .collect();
        let unknown_sq: f64 = unknown
            .iter()
            .map(|(t, (count, kind))| {
                let lang = term_lang(t);
                let idf = self.unseen_idf.get(&lang).copied().unwrap_or(1.0);
                weight(*count, *kind, idf).powi(2)
            })
            .sum();
        let norm = (vector.iter().map(|(_, w)| w * w).sum::<f64>() + unknown_sq).sqrt();
        if norm > 0.0 {
            for (_, w) in &mut vector {
                *w /= norm;
            }
        }
        (vector, unknown_sq)
    }

    /// Scores every entry in scope (the `faqid` group when given, else all groups) in
    /// the question's language, best first. Exposed for evaluation and tuning.
    pub fn rank(&self, question: &str, faqid: Option<u64>) -> Vec<(&FaqEntry, f64)> {
        let terms = text::terms(question, &self.synonyms);
        if terms.is_empty() {
            return Vec::new();
        }
        let (query, _) = self.vectorize(&terms);
        let lang = Lang::detect(question);
        let in_group = |i: usize| faqid.is_none_or(|f| self.entries[i].1 == f);
        let has_lang = (0..self.entries.len()).any(|i| in_group(i) && self.entries[i].0 == lang);
        let in_scope = |i: usize| in_group(i) && (!has_lang || self.entries[i].0 == lang);
        let mut best: BTreeMap<usize, f64> = BTreeMap::new();
        for doc in self.docs.iter().filter(|d| in_scope(d.entry)) {
            let score = dot(&query, &doc.vector);
            let slot = best.entry(doc.entry).or_insert(0.0);
            if score > *slot {
                *slot = score;
            }
        }
        let all: Vec<&FaqEntry> = self.bot.entries().collect();
        let mut ranked: Vec<(&FaqEntry, f64)> = best
            .into_iter()
            .filter(|(_, s)| *s > 0.0)
            .map(|(i, s)| {
                let union = dot(&query, &self.unions[i]);
                (all[i], (1.0 - UNION_WEIGHT) * s + UNION_WEIGHT * union)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
        ranked
    }

    /// Answers a question: a direct answer when one entry is clearly best, suggestions
    /// when some are plausible, otherwise unknown. `faqid` restricts answers to that
    /// FAQ group, as the link parameter asks.
    pub fn ask(&self, question: &str, faqid: Option<u64>) -> MatchOutcome<'_> {
        let ranked = self.rank(question, faqid);
        let th = self.thresholds.for_lang(Lang::detect(question));
        let Some(&(top, top_score)) = ranked.first() else {
            return MatchOutcome::Unknown;
        };
        let second = ranked.get(1).map_or(0.0, |r| r.1);
        if top_score >= th.answer && top_score - second >= th.margin {
            return MatchOutcome::Answer {
                entry: top,
                score: top_score,
            };
        }
        if top_score < th.suggest {
            return MatchOutcome::Unknown;
        }
        let floor = th.suggest.max(top_score * self.thresholds.suggest_ratio);
        MatchOutcome::Suggest(
            ranked
                .iter()
                .take_while(|(_, s)| *s >= floor)
                .take(self.thresholds.max_suggestions)
                .map(|(e, _)| *e)
                .collect(),
        )
    }
}

/// The language of a term: weak terms exist in both (time and place words).
fn term_lang(t: &Term) -> Lang {
    match t.0 {
        Kind::Word => Lang::En,
        Kind::Bigram | Kind::Unigram => Lang::Zh,
        Kind::Weak => Lang::detect(&t.1),
    }
}

/// How much the entry as a whole (all phrasings together) counts against its best
/// single phrasing: the whole catches paraphrases that borrow words from several
/// phrasings, the best phrasing rewards a close match.
const UNION_WEIGHT: f64 = 0.3;

/// The document frequency assumed for a query term the FAQ never uses. Zero would
/// make every unknown word outweigh all known ones; one treats it as a rare word.
const UNSEEN_DF: f64 = 1.0;

/// A smoothed IDF that stays positive for a term in every entry, so common but
/// on-topic words (order, 订单) still count a little.
fn idf_of(n: f64, df: f64) -> f64 {
    ((n + 1.0) / (df + 0.5)).ln() + 0.1
}

/// The dot product of two sparse vectors sorted by term id.
fn dot(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}
