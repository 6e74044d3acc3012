//! The visitor-side languages of the spec's "Language code" table.

use serde::{Deserialize, Serialize};

/// One of the 17 languages of the spec's "Language code" table; Simplified Chinese is
/// the default, as the spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    /// Simplified Chinese (`zh`, alias `cn`), the default.
    #[serde(rename = "zh")]
    Zh,
    /// English (`en`).
    #[serde(rename = "en")]
    En,
    /// Traditional Chinese (`zh-Hant`, alias `tw`).
    #[serde(rename = "zh-Hant")]
    ZhHant,
    /// Arabic (`ar`), written right to left.
    #[serde(rename = "ar")]
    Ar,
    /// French (`fr`).
    #[serde(rename = "fr")]
    Fr,
    /// Portuguese (`pt`).
    #[serde(rename = "pt")]
    Pt,
    /// Korean (`ko`).
    #[serde(rename = "ko")]
    Ko,
    /// Spanish (`es`).
    #[serde(rename = "es")]
    Es,
    /// Italian (`it`).
    #[serde(rename = "it")]
    It,
    /// Japanese (`ja`).
    #[serde(rename = "ja")]
    Ja,
    /// German (`de`).
    #[serde(rename = "de")]
    De,
    /// Malaysian (`ms`).
    #[serde(rename = "ms")]
    Ms,
    /// Indonesian (`id`).
    #[serde(rename = "id")]
    Id,
    /// Russian (`ru`).
    #[serde(rename = "ru")]
    Ru,
    /// Thai (`th`).
    #[serde(rename = "th")]
    Th,
    /// Vietnamese (`vi`).
    #[serde(rename = "vi")]
    Vi,
    /// Turkish (`tr`).
    #[serde(rename = "tr")]
    Tr,
}

/// The message files of each language (`locales/<code>/<area>.ftl`), in the order the
/// client joins them; the server puts the same files into each page.
pub const MESSAGE_AREAS: [&str; 4] = ["main", "chat", "leave", "cards"];

impl Locale {
    /// Every locale, in the order of the spec's table.
    pub const ALL: [Locale; 17] = [
        Locale::Zh,
        Locale::En,
        Locale::ZhHant,
        Locale::Ar,
        Locale::Fr,
        Locale::Pt,
        Locale::Ko,
        Locale::Es,
        Locale::It,
        Locale::Ja,
        Locale::De,
        Locale::Ms,
        Locale::Id,
        Locale::Ru,
        Locale::Th,
        Locale::Vi,
        Locale::Tr,
    ];

    /// The code as the spec writes it (`zh`, `en`, `zh-Hant`, …).
    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
            Locale::ZhHant => "zh-Hant",
            Locale::Ar => "ar",
            Locale::Fr => "fr",
            Locale::Pt => "pt",
            Locale::Ko => "ko",
            Locale::Es => "es",
            Locale::It => "it",
            Locale::Ja => "ja",
            Locale::De => "de",
            Locale::Ms => "ms",
            Locale::Id => "id",
            Locale::Ru => "ru",
            Locale::Th => "th",
            Locale::Vi => "vi",
            Locale::Tr => "tr",
        }
    }

    /// Reads a code, accepting the spec's aliases `cn` (Simplified) and `tw`
    /// (Traditional) and ignoring ASCII case. `None` for anything else.
    pub fn from_code(code: &str) -> Option<Locale> {
        let code = code.trim();
        if code.eq_ignore_ascii_case("cn") {
            return Some(Locale::Zh);
        }
        if code.eq_ignore_ascii_case("tw") {
            return Some(Locale::ZhHant);
        }
        Locale::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(self) -> bool {
        matches!(self, Locale::Ar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_aliases_map() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_code(l.code()), Some(l));
        }
        assert_eq!(Locale::from_code("cn"), Some(Locale::Zh));
        assert_eq!(Locale::from_code("tw"), Some(Locale::ZhHant));
        assert_eq!(Locale::from_code("EN"), Some(Locale::En));
        assert_eq!(Locale::from_code("xx"), None);
        assert!(Locale::Ar.is_rtl() && !Locale::En.is_rtl());
    }
}
