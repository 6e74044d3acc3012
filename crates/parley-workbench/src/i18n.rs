//! The workbench's texts, in the visitor client's format: `locales/<code>/workbench.ftl`,
//! the simple-message subset of Fluent (`key = text`, `{ $name }` placeables), read by
//! the same tiny reader the visitor client uses instead of the Fluent runtime.
//!
//! The admin area's texts are in `admin.ftl` beside it, read as part of the same file.
//!
//! English and Chinese are complete and compiled in (an agent's page is one download,
//! and the two files are a few KB). [`SOURCES`] has a slot for each of the spec's 17
//! languages: a language without its file falls back to English, so adding one is a new
//! file and one line here.

use parley_protocol::Locale;

/// The message file of each language that has one.
pub const SOURCES: &[(Locale, &str)] = &[
    (
        Locale::En,
        concat!(
            include_str!("../locales/en/workbench.ftl"),
            "\n",
            include_str!("../locales/en/admin.ftl")
        ),
    ),
    (
        Locale::Zh,
        concat!(
            include_str!("../locales/zh/workbench.ftl"),
            "\n",
            include_str!("../locales/zh/admin.ftl")
        ),
    ),
];

/// The `key = value` entries of a message file, skipping comments and blank lines.
pub fn entries(source: &str) -> impl Iterator<Item = (&str, &str)> {
    source.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (k, v) = line.split_once('=')?;
        Some((k.trim(), v.trim()))
    })
}

fn source(locale: Locale) -> &'static str {
    SOURCES
        .iter()
        .find(|(l, _)| *l == locale)
        .map(|(_, s)| *s)
        .unwrap_or("")
}

/// The message `key` in `locale`, else in English, else the key itself (a missing text
/// is visible, never blank).
pub fn t(locale: Locale, key: &str) -> String {
    t_args(locale, key, &[])
}

/// Like [`t`], with each `{ $name }` replaced by its value from `args`.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let lookup = |l: Locale| entries(source(l)).find(|(k, _)| *k == key).map(|(_, v)| v);
    let Some(template) = lookup(locale).or_else(|| lookup(Locale::En)) else {
        return key.to_owned();
    };
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{ ${name} }}"), value);
    }
    out
}

/// The workbench's language for a browser language tag (`navigator.language`): a
/// language with a message file, else English.
pub fn pick(tag: &str) -> Locale {
    let lower = tag.to_ascii_lowercase();
    let code = if lower.starts_with("zh") {
        "zh"
    } else {
        lower.split('-').next().unwrap_or("")
    };
    Locale::from_code(code)
        .filter(|l| SOURCES.iter().any(|(x, _)| x == l))
        .unwrap_or(Locale::En)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(l: Locale) -> BTreeSet<&'static str> {
        entries(source(l)).map(|(k, _)| k).collect()
    }

    #[test]
    fn english_and_chinese_have_the_same_keys() {
        let en = keys(Locale::En);
        assert!(en.len() > 50, "{}", en.len());
        assert_eq!(keys(Locale::Zh), en);
        for (l, s) in SOURCES {
            for (k, v) in entries(s) {
                assert!(!v.is_empty(), "{}: {k} is empty", l.code());
            }
        }
    }

    #[test]
    fn lookup_falls_back_and_substitutes() {
        assert_eq!(t(Locale::En, "no-such-key"), "no-such-key");
        assert_ne!(t(Locale::En, "signin-title"), t(Locale::Zh, "signin-title"));
        // A language without a file reads English.
        assert_eq!(t(Locale::De, "signin-title"), t(Locale::En, "signin-title"));
        let s = t_args(Locale::En, "inbox-waiting-for", &[("time", "3 min")]);
        assert!(s.contains("3 min"), "{s}");
    }

    #[test]
    fn browser_tags_pick_a_language_with_texts() {
        assert_eq!(pick("zh-CN"), Locale::Zh);
        assert_eq!(pick("en-US"), Locale::En);
        assert_eq!(pick("de-DE"), Locale::En);
        assert_eq!(pick(""), Locale::En);
    }
}
