//! UI text in the 17 languages of the spec.
//!
//! The messages live in `locales/<code>/*.ftl` (one file per area: `main`, `chat`,
//! `leave`, `cards`, so that parallel work on different pages does not collide),
//! written in the simple-message subset of Fluent (`key = text`, `{ $name }`
//! placeables), and are looked up by a tiny reader instead of the full Fluent runtime,
//! which would cost about 54 KB of brotli'd wasm (see ARCHITECTURE.md).
//!
//! Only the languages a page needs are in memory, so the bundle carries none of them
//! (all 17 would be 26 KB brotli of a first load whose goal is 120 KB):
//!
//! * the server puts the page's language into the page itself
//!   (`<script type="text/plain" id="parley-locale" data-locale="…">`, the same
//!   resolution as init: the link's `locale`, else the tenant's default, else `zh`), so a
//!   page served by Parley renders at once, with no extra request;
//! * any other language (the dev loop's `trunk serve`, which serves the page without
//!   it) is fetched from `/locales/<code>/*.ftl` (Trunk copies the folder into `dist/`)
//!   with [`ensure`] before the page shows text in it;
//! * tests and host builds compile every file in (`cfg(test)` or the
//!   `bundled-locales` feature, which the wasm-bindgen tests turn on).

use std::cell::RefCell;

use parley_protocol::Locale;

/// All message files of one locale, joined: a key may live in any of them.
#[cfg(any(test, feature = "bundled-locales"))]
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

/// Every message file, compiled in (tests and `bundled-locales` only).
#[cfg(any(test, feature = "bundled-locales"))]
pub const SOURCES: [(Locale, &str); 17] = [
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

thread_local! {
    /// The languages loaded so far (a page needs one, rarely two).
    static LOADED: RefCell<Vec<(Locale, &'static str)>> = const { RefCell::new(Vec::new()) };
    /// The language the server put into the page, read once.
    static INLINED: std::cell::OnceCell<Option<Locale>> = const { std::cell::OnceCell::new() };
}

/// Makes `source` (the joined message files) the text of `locale`.
pub fn install(locale: Locale, source: &'static str) {
    LOADED.with(|l| {
        let mut l = l.borrow_mut();
        l.retain(|(x, _)| *x != locale);
        l.push((locale, source));
    });
}

/// Whether `locale`'s messages are available.
pub fn installed(locale: Locale) -> bool {
    cfg!(any(test, feature = "bundled-locales"))
        || LOADED.with(|l| l.borrow().iter().any(|(x, _)| *x == locale))
}

/// The language the server put into the page (installing it on the first call), if any.
pub fn inlined() -> Option<Locale> {
    INLINED.with(|cell| {
        *cell.get_or_init(|| {
            let el = web_sys::window()?
                .document()?
                .get_element_by_id("parley-locale")?;
            let locale = Locale::from_code(&el.get_attribute("data-locale")?)?;
            let text = el.text_content()?;
            install(locale, Box::leak(text.into_boxed_str()));
            Some(locale)
        })
    })
}

/// The language of a page before the server has answered: the one it put into the
/// page, else the link's, else the default.
pub fn page_locale(link: Option<Locale>) -> Locale {
    inlined().or(link).unwrap_or_default()
}

/// Loads `locale`'s messages if they are not there yet: the server put them into the
/// page, or they are fetched from `/locales/<code>/`.
pub async fn ensure(locale: Locale) -> Result<(), crate::api::CallError> {
    if inlined() == Some(locale) || installed(locale) {
        return Ok(());
    }
    let mut joined = String::new();
    for area in parley_protocol::locale::MESSAGE_AREAS {
        let url = format!("/locales/{}/{area}.ftl", locale.code());
        let response = gloo_net::http::Request::get(&url)
            .send()
            .await
            .map_err(crate::api::network)?;
        if !response.ok() {
            return Err(crate::api::network(format!(
                "{url}: HTTP {}",
                response.status()
            )));
        }
        joined.push_str(&response.text().await.map_err(crate::api::network)?);
        joined.push('\n');
    }
    install(locale, Box::leak(joined.into_boxed_str()));
    Ok(())
}

fn source(locale: Locale) -> &'static str {
    let loaded = LOADED.with(|l| {
        l.borrow()
            .iter()
            .find(|(x, _)| *x == locale)
            .map(|(_, s)| *s)
    });
    #[cfg(any(test, feature = "bundled-locales"))]
    let loaded = loaded.or_else(|| SOURCES.iter().find(|(l, _)| *l == locale).map(|(_, s)| *s));
    loaded.unwrap_or("")
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

/// The message `key` in `locale`, falling back to English (when loaded), then to the key
/// itself (so a missing message is visible, never blank).
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
            // The server puts a language into its pages in a raw-text element, which
            // `</` could end early (it then leaves it out and the client fetches it).
            assert!(!source(l).contains("</"), "{} has `</`", l.code());
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
