//! The host-page loader's public settings (`GET /api/loader/settings`, served by
//! `routes::loader`): the tenant's backend values for the loader, whether the asking
//! page's origin may embed the chat ([`crate::embedding`]), and the loader's own labels
//! in the page's language.
//!
//! The labels are the `locales/<code>/loader.ftl` files the chat's message files sit
//! beside (simple `key = value` lines), compiled into the server, so the loader has them
//! whatever `dist/` holds.

use std::collections::BTreeMap;

use parley_protocol::api::LoaderSettings;
use parley_protocol::Locale;

use crate::config::Tenant;

/// Every language's `loader.ftl`, by locale code.
const LOADER_FTL: [(&str, &str); 17] = [
    ("zh", include_str!("../../../locales/zh/loader.ftl")),
    ("en", include_str!("../../../locales/en/loader.ftl")),
    (
        "zh-Hant",
        include_str!("../../../locales/zh-Hant/loader.ftl"),
    ),
    ("ar", include_str!("../../../locales/ar/loader.ftl")),
    ("fr", include_str!("../../../locales/fr/loader.ftl")),
    ("pt", include_str!("../../../locales/pt/loader.ftl")),
    ("ko", include_str!("../../../locales/ko/loader.ftl")),
    ("es", include_str!("../../../locales/es/loader.ftl")),
    ("it", include_str!("../../../locales/it/loader.ftl")),
    ("ja", include_str!("../../../locales/ja/loader.ftl")),
    ("de", include_str!("../../../locales/de/loader.ftl")),
    ("ms", include_str!("../../../locales/ms/loader.ftl")),
    ("id", include_str!("../../../locales/id/loader.ftl")),
    ("ru", include_str!("../../../locales/ru/loader.ftl")),
    ("th", include_str!("../../../locales/th/loader.ftl")),
    ("vi", include_str!("../../../locales/vi/loader.ftl")),
    ("tr", include_str!("../../../locales/tr/loader.ftl")),
];

/// The `key = value` lines of a message file (comments and blank lines skipped).
fn entries(source: &str) -> impl Iterator<Item = (&str, &str)> {
    source.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (k, v) = line.split_once('=')?;
        Some((k.trim(), v.trim()))
    })
}

fn file(locale: Locale) -> &'static str {
    LOADER_FTL
        .iter()
        .find(|(code, _)| *code == locale.code())
        .map_or("", |(_, text)| text)
}

/// The loader's labels in `locale` (English for a key the language lacks), keyed
/// without the `loader-` prefix.
pub fn labels(locale: Locale) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for source in [file(Locale::En), file(locale)] {
        for (key, value) in entries(source) {
            if let Some(key) = key.strip_prefix("loader-") {
                out.insert(key.to_owned(), value.to_owned());
            }
        }
    }
    out
}

/// What the loader gets for a page of `origin` (`None`: the server's own) asking in
/// `locale` (a code or alias; else the tenant's default language).
pub fn settings(tenant: &Tenant, locale: Option<&str>, origin: Option<&str>) -> LoaderSettings {
    let locale = locale
        .and_then(Locale::from_code)
        .unwrap_or_else(|| tenant.locale());
    let allowed_origins = &tenant.security.allowed_origins;
    let allowed = crate::embedding::may_embed(allowed_origins, origin);
    let message = (!allowed).then(|| {
        format!(
            "this page's origin ({}) may not embed the chat of tenant \"{}\": add it to \
             allowed_origins in [tenant.security] of that tenant's configuration \
             ([\"*\"] allows any site). The chat is not shown.",
            origin.unwrap_or("none"),
            tenant.sysnum
        )
    });
    LoaderSettings {
        allowed,
        origin: origin.map(str::to_owned),
        message,
        locale,
        labels: labels(locale),
        backend: tenant.loader_backend(),
    }
}

/// The console message for a sysnum no tenant has.
pub fn unknown_tenant(sysnum: &str) -> String {
    if sysnum.is_empty() {
        return "the access code's src has no sysnum (…/entrance.js?sysnum=…). \
                The chat is not shown."
            .into();
    }
    format!(
        "no tenant has sysnum \"{sysnum}\" on this server: check the sysnum in the access \
         code's src. The chat is not shown."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_label_of_zh() {
        let keys = |l: Locale| {
            entries(file(l))
                .map(|(k, _)| k.to_owned())
                .collect::<Vec<_>>()
        };
        let reference = keys(Locale::Zh);
        assert_eq!(reference.len(), 8, "{reference:?}");
        for l in Locale::ALL {
            assert_eq!(keys(l), reference, "locales/{}/loader.ftl", l.code());
            for (k, v) in entries(file(l)) {
                assert!(!v.is_empty(), "{}: {k} is empty", l.code());
            }
            assert!(
                labels(l)["open-unread"].contains("{ $count }"),
                "{}",
                l.code()
            );
        }
        assert_eq!(labels(Locale::En)["open"], "Open chat");
        assert_eq!(labels(Locale::Ja)["open"], "チャットを開く");
    }
}
