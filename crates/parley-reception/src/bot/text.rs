//! Text normalisation and tokenisation for FAQ matching, for English and Chinese.
//!
//! * Normalisation is an "NFKC-lite": full-width ASCII (`ＡＢＣ１２３？`) and the
//!   ideographic space become their half-width forms, letters are lower-cased, and every
//!   character that is neither a letter, a digit nor a CJK ideograph separates tokens.
//!   Full NFKC would also fold compatibility ideographs and ligatures, which visitors do
//!   not type, so the table is not worth a dependency.
//! * English words are kept whole, stop words dropped and a light suffix stripper maps
//!   `orders`/`ordered`/`ordering` to one stem. A full Porter stemmer gains little on
//!   question-sized text and would need a dependency or several hundred lines.
//! * Chinese has no spaces and word segmentation needs a large dictionary (jieba's is
//!   several megabytes). Overlapping character bigrams capture most two-character words
//!   (退款, 发票, 物流) with no dictionary at all, which is the standard trick for CJK
//!   retrieval; single characters are kept too, at a low weight, so that one-character
//!   words (退, 换, 寄) still count a little. Frequent function phrases (请问, 怎么, 的)
//!   are cut out first so that they neither match by themselves nor glue spurious
//!   bigrams onto content words.

use std::collections::BTreeMap;

/// The kind of a term, which sets its weight in a query and in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// An English (or other Latin-script) word stem, or a number.
    Word,
    /// Two adjacent CJK characters.
    Bigram,
    /// One CJK character; weighted low because single characters are ambiguous.
    Unigram,
    /// A generic English word (time, today, night, ...) that small talk is full of;
    /// weighted low so that it alone never makes an off-topic question look on topic.
    Weak,
}

impl Kind {
    /// The multiplier applied to the term's TF-IDF weight.
    pub(crate) fn weight(self) -> f64 {
        match self {
            Kind::Word | Kind::Bigram => 1.0,
            Kind::Unigram | Kind::Weak => 0.3,
        }
    }
}

/// A term: its kind and its text (a stem, a bigram or a character).
pub(crate) type Term = (Kind, String);

/// Synonym table: each variant maps to its group's canonical form. English entries
/// are keyed by stem, Chinese ones are replaced in the text before bigrams are made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Synonyms {
    /// English stem to canonical stem.
    words: BTreeMap<String, String>,
    /// Chinese variant to canonical text, longest variant first.
    cjk: Vec<(String, String)>,
}

impl Synonyms {
    /// Builds the table from groups whose first member is the canonical form.
    pub(crate) fn new(groups: &[Vec<String>]) -> Synonyms {
        let mut table = Synonyms::default();
        for group in groups {
            let Some(first) = group.first() else { continue };
            let canonical = normalize(first);
            for variant in &group[1..] {
                let variant = normalize(variant);
                if variant.chars().any(is_cjk) {
                    table.cjk.push((variant, canonical.clone()));
                } else if let [word] = variant.split_whitespace().collect::<Vec<_>>()[..] {
                    // Only single words: mapping each word of a phrase would rewrite
                    // those words everywhere else too.
                    table.words.insert(stem(word), stem(canonical.trim()));
                }
            }
        }
        table
            .cjk
            .sort_by_key(|(v, _)| std::cmp::Reverse(v.chars().count()));
        table
    }
}

/// Whether a character is a CJK ideograph (the unified blocks and extension A).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Folds full-width ASCII to half-width, lower-cases, cuts contractions, joins
/// hyphenated words, and turns every other non-alphanumeric, non-CJK character
/// into a space.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut skip = 0;
    for (i, &c) in chars.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        // A hyphen inside a word joins it: `pre-order` and `preorder` agree.
        if c == '-'
            && i > 0
            && chars[i - 1].is_ascii_alphanumeric()
            && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric)
        {
            continue;
        }
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        if matches!(c, '\'' | '\u{2019}') {
            // Contractions keep their first word: `where's` → `where`, `can't` → `can`
            // (negations are not topics), `I'm` → `i`.
            let tail: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(tail.as_str(), "s" | "t" | "re" | "m" | "ve" | "ll" | "d") {
                skip = tail.len();
            }
            continue;
        }
        if c.is_alphanumeric() || is_cjk(c) {
            out.extend(c.to_lowercase());
        } else {
            out.push(' ');
        }
    }
    out
}

/// English words that carry no topic in a customer question.
const EN_STOP: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "anyone", "are", "as", "at", "be", "been", "but", "by",
    "can", "could", "did", "do", "does", "doing", "for", "from", "get", "got", "had", "has",
    "have", "hello", "help", "hey", "hi", "how", "i", "if", "im", "in", "into", "is", "it", "its",
    "ive", "just", "know", "let", "like", "me", "mine", "my", "need", "of", "ok", "okay", "on",
    "or", "our", "please", "pls", "plz", "possible", "so", "some", "tell", "thank", "thanks",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "u",
    "us", "want", "wanna", "was", "we", "were", "what", "whats", "which", "who", "whom", "why",
    "will", "with", "would", "you", "your", "youre", "yours", "should", "shall", "may", "might",
    "also", "still", "one", "here", "guys", "don", "doesn", "didn", "isn", "aren", "wasn", "haven",
    "couldn", "wouldn", "not", "no", "yet",
];

/// Generic English words, see [`Kind::Weak`].
const EN_WEAK: &[&str] = &[
    "time",
    "today",
    "tomorrow",
    "tonight",
    "yesterday",
    "night",
    "morning",
    "week",
    "day",
    "good",
    "new",
    "right",
    "now",
    "last",
    "first",
    "thing",
    "really",
    "very",
    "much",
    "lot",
    "long",
    "many",
    // Days and weekends are the circumstances of a question, rarely its topic: "are you
    // open on Sunday" is about opening hours, "is it going to snow this weekend" is not
    // about the shop at all. Weighted low, they still help an on-topic question but
    // cannot carry an off-topic one. (Country names stay strong: they are what the
    // international-shipping entry is about.)
    "weekend",
    "weekends",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Chinese bigrams of days and times, weighted low for the same reason as the
/// English ones in [`EN_WEAK`].
const CJK_WEAK: &[&str] = &[
    "周末", "今天", "明天", "昨天", "后天", "晚上", "早上", "上午", "下午", "中午", "星期", "礼拜",
    "周一", "周二", "周三", "周四", "周五", "周六", "周日",
];

/// Chinese function phrases and particles, cut out before bigrams are made. Longer
/// phrases come first so that `怎么办` is removed whole before `怎么`. Single
/// characters are listed only when they are (almost) never part of a content word:
/// `在` or `会` would break `现在` and `会员`.
const ZH_STOP: &[&str] = &[
    "可不可以",
    "能不能",
    "是不是",
    "有没有",
    "会不会",
    "要不要",
    "怎么办",
    "怎么样",
    "为什么",
    "请问",
    "你好",
    "您好",
    "怎么",
    "怎样",
    "如何",
    "什么",
    "可以",
    "能否",
    "是否",
    "一下",
    "我们",
    "你们",
    "我想",
    "想问",
    "想要",
    "我要",
    "需要",
    "谢谢",
    "麻烦",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "哦",
    "嗯",
    "么",
    "的",
    "了",
    "我",
    "你",
    "您",
];

/// Strips common English inflections so that `orders`, `ordered` and `ordering` share a
/// stem; also folds a final silent `e` so `receive` and `received` agree.
pub(crate) fn stem(word: &str) -> String {
    let w = word;
    if w.len() <= 3 || !w.is_ascii() || w.bytes().all(|b| b.is_ascii_digit()) {
        return w.to_string();
    }
    let mut s: String = if let Some(base) = w.strip_suffix("ies") {
        format!("{base}y")
    } else if let Some(base) = w.strip_suffix("sses") {
        format!("{base}ss")
    } else if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        w.to_string()
    } else if let Some(base) = w
        .strip_suffix("es")
        .filter(|b| b.ends_with(['s', 'x', 'z']) || b.ends_with("ch") || b.ends_with("sh"))
    {
        base.to_string()
    } else if let Some(base) = w.strip_suffix('s') {
        base.to_string()
    } else if let Some(base) = w.strip_suffix("ing").filter(|b| b.len() >= 3) {
        undouble(base)
    } else if let Some(base) = w.strip_suffix("ed").filter(|b| b.len() >= 3) {
        undouble(base)
    } else {
        w.to_string()
    };
    if s.len() > 3 && s.ends_with('e') {
        s.pop();
    }
    s
}

/// `shipp` → `ship`, `cancell` → `cancel`: undoes the consonant doubling of `-ing`/`-ed`.
fn undouble(base: &str) -> String {
    let b = base.as_bytes();
    let n = b.len();
    if n >= 2
        && b[n - 1] == b[n - 2]
        && !matches!(b[n - 1], b'a' | b'e' | b'i' | b'o' | b'u' | b's')
    {
        base[..n - 1].to_string()
    } else {
        base.to_string()
    }
}

/// Turns text into terms: normalised, stop words removed, English stems, CJK bigrams
/// and unigrams, with synonyms folded to their canonical form.
pub(crate) fn terms(text: &str, synonyms: &Synonyms) -> Vec<Term> {
    let mut norm = normalize(text);
    for (variant, canonical) in &synonyms.cjk {
        if norm.contains(variant.as_str()) {
            norm = norm.replace(variant.as_str(), canonical);
        }
    }
    for stop in ZH_STOP {
        if norm.contains(stop) {
            norm = norm.replace(stop, " ");
        }
    }
    let mut out = Vec::new();
    let mut latin = String::new();
    let mut cjk: Vec<char> = Vec::new();
    for c in norm.chars().chain(std::iter::once(' ')) {
        if is_cjk(c) {
            flush_latin(&mut latin, &mut out, synonyms);
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut out);
            latin.push(c);
        } else {
            flush_latin(&mut latin, &mut out, synonyms);
            flush_cjk(&mut cjk, &mut out);
        }
    }
    out
}

fn flush_latin(word: &mut String, out: &mut Vec<Term>, synonyms: &Synonyms) {
    if word.is_empty() {
        return;
    }
    if !EN_STOP.contains(&word.as_str()) {
        let s = stem(word);
        let s = synonyms.words.get(&s).cloned().unwrap_or(s);
        let kind = if EN_WEAK.contains(&word.as_str()) {
            Kind::Weak
        } else {
            Kind::Word
        };
        out.push((kind, s));
    }
    word.clear();
}

fn flush_cjk(run: &mut Vec<char>, out: &mut Vec<Term>) {
    for pair in run.windows(2) {
        let bigram: String = pair.iter().collect();
        let kind = if CJK_WEAK.contains(&bigram.as_str()) {
            Kind::Weak
        } else {
            Kind::Bigram
        };
        out.push((kind, bigram));
    }
    for c in run.iter() {
        out.push((Kind::Unigram, c.to_string()));
    }
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        terms(text, &Synonyms::default())
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn full_width_ascii_is_folded_and_punctuation_splits() {
        assert_eq!(normalize("ＶＩＰ，ok？"), "vip ok ");
        assert_eq!(words("Ｏｒｄｅｒｓ!!"), vec!["order"]);
    }

    #[test]
    fn stems_agree_across_inflections() {
        for group in [
            &["order", "orders", "ordered", "ordering"][..],
            &["ship", "shipping", "shipped", "ships"],
            &["receive", "received", "receiving"],
            &["size", "sizes"],
            &["address", "addresses"],
            &["delivery", "deliveries"],
            &["cancel", "cancelled", "canceled", "cancelling"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(
                stems.iter().all(|s| s == &stems[0]),
                "{group:?} → {stems:?}"
            );
        }
    }

    #[test]
    fn chinese_becomes_bigrams_and_unigrams_without_function_words() {
        let t = terms("请问怎么退款？", &Synonyms::default());
        assert!(t.contains(&(Kind::Bigram, "退款".into())));
        assert!(t.contains(&(Kind::Unigram, "退".into())));
        assert!(!t.iter().any(|(_, s)| s.contains('请') || s.contains('么')));
    }

    #[test]
    fn synonyms_fold_to_the_canonical_form() {
        let syn = Synonyms::new(&[
            vec!["package".into(), "parcel".into()],
            vec!["快递".into(), "包裹".into()],
        ]);
        assert_eq!(terms("parcels", &syn)[0].1, "packag");
        assert!(terms("包裹", &syn).contains(&(Kind::Bigram, "快递".into())));
    }
}
