//! UI text in the 17 languages of the spec.
//!
//! The messages live in `locales/<code>/*.ftl` (one file per area: `main`, `chat`,
//! `leave`, `cards`, so that parallel work on different pages does not collide),
//! written in the simple-message subset
//! of Fluent (`key = text`, `{ $name }` placeables). They are compiled into the bundle
//! with `include_str!` and looked up by a tiny reader instead of the full Fluent
//! runtime, which would cost about 54 KB of brotli'd wasm (see ARCHITECTURE.md).

use parley_protocol::Locale;

/// All message files of one locale, joined: a key may live in any of them.
macro_rules! ftl {
    ($code:literal) => {
        concat!(
            include_str!(concat!("../locales/", $code, "/main.ftl")),
            "\n",
            include_str!(concat!("../locales/", $code, "/chat.ftl")),
            "\n",
            include_str!(concat!("../locales/", $code, "/leave.ftl")),
            "\n",
            include_str!(concat!("../locales/", $code, "/cards.ftl")),
        )
    };
}

/// The message files, one per locale, in the order of [`Locale::ALL`].
const SOURCES: [(Locale, &str); 17] = [
    (Locale::Zh, ftl!("zh")),
    (Locale::En, ftl!("en")),
    (Locale::ZhHant, ftl!("zh-Hant")),
    (Locale::Ar, ftl!("ar")),
    (Locale::Fr, ftl!("fr")),
    (Locale::Pt, ftl!("pt")),
    (Locale::Ko, ftl!("ko")),
    (Locale::Es, ftl!("es")),
    (Locale::It, ftl!("it")),
    (Locale::Ja, ftl!("ja")),
    (Locale::De, ftl!("de")),
    (Locale::Ms, ftl!("ms")),
    (Locale::Id, ftl!("id")),
    (Locale::Ru, ftl!("ru")),
    (Locale::Th, ftl!("th")),
    (Locale::Vi, ftl!("vi")),
    (Locale::Tr, ftl!("tr")),
];

fn source(locale: Locale) -> &'static str {
    SOURCES
        .iter()
        .find(|(l, _)| *l == locale)
        .map(|(_, s)| *s)
        .unwrap_or("")
}

/// The `key = value` entries of one message file, skipping comments and blank lines.
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

/// The message `key` in `locale`, falling back to English, then to the key itself (so a
/// missing message is visible, never blank).
pub fn t(locale: Locale, key: &str) -> String {
    t_args(locale, key, &[])
}

/// Like [`t`], replacing each `{ $name }` placeable with its value from `args`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(l: Locale) -> BTreeSet<&'static str> {
        entries(source(l)).map(|(k, _)| k).collect()
    }

    #[test]
    fn every_locale_has_exactly_the_default_keys() {
        let reference = keys(Locale::Zh);
        assert!(!reference.is_empty());
        for (l, _) in SOURCES {
            assert_eq!(keys(l), reference, "locale {} differs from zh", l.code());
            for (k, v) in entries(source(l)) {
                assert!(!v.is_empty(), "{}: {k} is empty", l.code());
            }
        }
    }

    #[test]
    fn lookup_falls_back_and_substitutes() {
        assert_eq!(t(Locale::En, "no-such-key"), "no-such-key");
        assert_ne!(t(Locale::En, "loading"), t(Locale::Zh, "loading"));
        let s = t_args(Locale::En, "error-unknown-tenant", &[("sysnum", "acme")]);
        assert!(s.contains("acme"), "{s}");
    }
}
