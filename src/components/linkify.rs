//! Splits message text into plain text and links, for `is_link`.
//!
//! Only `http://` and `https://` URLs become links, and only runs of printable ASCII:
//! a URL stops at whitespace, at any control or bidi-formatting character and at any
//! non-ASCII character, so a right-to-left override cannot disguise where a link
//! goes. Everything is rendered as text nodes; nothing here produces HTML.

use parley_protocol::params::Link;

/// A piece of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Plain text, rendered as a text node.
    Text(String),
    /// An openable http(s) URL, rendered as an `<a>` whose text is the URL itself.
    Link(String),
}

/// Splits `text` into text and link segments. With `links` false the whole text is one
/// [`Segment::Text`].
pub fn segments(text: &str, links: bool) -> Vec<Segment> {
    let mut out = Vec::new();
    if !links {
        out.push(Segment::Text(text.to_owned()));
        return out;
    }
    let mut rest = text;
    let mut plain = String::new();
    while !rest.is_empty() {
        let Some(start) = next_scheme(rest) else {
            plain.push_str(rest);
            break;
        };
        plain.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '\''))
            .unwrap_or(candidate.len());
        let mut url = &candidate[..end];
        // Trailing punctuation belongs to the sentence, not the URL.
        while let Some(last) = url.chars().last() {
            let unbalanced_paren =
                last == ')' && url.matches('(').count() < url.matches(')').count();
            if matches!(last, '.' | ',' | ';' | ':' | '!' | '?') || unbalanced_paren {
                url = &url[..url.len() - 1];
            } else {
                break;
            }
        }
        match Link::new(url).openable() {
            Some(ok) if !url.is_empty() => {
                if !plain.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut plain)));
                }
                out.push(Segment::Link(ok.to_owned()));
                rest = &candidate[url.len()..];
            }
            _ => {
                // Not a usable URL: keep the scheme as text and look further on.
                let skip = candidate.find("//").map_or(candidate.len(), |i| i + 2);
                plain.push_str(&candidate[..skip]);
                rest = &candidate[skip..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

/// The byte offset of the next `http://` or `https://` (any case) in `s`.
fn next_scheme(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    match (lower.find("http://"), lower.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::{Link as L, Text as T};

    fn t(s: &str) -> Segment {
        T(s.into())
    }
    fn l(s: &str) -> Segment {
        L(s.into())
    }

    #[test]
    fn finds_http_and_https_links_and_trims_punctuation() {
        assert_eq!(
            segments("see https://example.com/a?b=1. or HTTP://x.org, ok", true),
            vec![
                t("see "),
                l("https://example.com/a?b=1"),
                t(". or "),
                l("HTTP://x.org"),
                t(", ok")
            ]
        );
        assert_eq!(
            segments("(https://en.wikipedia.org/wiki/Rust_(language))", true),
            vec![
                t("("),
                l("https://en.wikipedia.org/wiki/Rust_(language)"),
                t(")")
            ]
        );
    }

    #[test]
    fn other_schemes_stay_text() {
        for s in [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "https://",
            "http:///etc/passwd",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let segs = segments(s, true);
            assert!(segs.iter().all(|x| matches!(x, T(_))), "{s}: {segs:?}");
            let joined: String = segs
                .iter()
                .map(|x| match x {
                    T(s) | L(s) => s.as_str(),
                })
                .collect();
            assert_eq!(joined, s, "nothing is lost");
        }
    }

    #[test]
    fn bidi_and_non_ascii_end_a_url() {
        assert_eq!(
            segments("https://evil.example/\u{202E}gpj.exe", true),
            vec![l("https://evil.example/"), t("\u{202E}gpj.exe")]
        );
        assert_eq!(
            segments("https://a.example/路径", true),
            vec![l("https://a.example/"), t("路径")]
        );
        assert_eq!(
            segments("https://a.example\"onmouseover=alert(1)", true),
            vec![l("https://a.example"), t("\"onmouseover=alert(1)")]
        );
    }

    #[test]
    fn links_off_keeps_one_text() {
        assert_eq!(
            segments("https://example.com", false),
            vec![t("https://example.com")]
        );
    }
}
