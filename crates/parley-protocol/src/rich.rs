//! Rich text: the small, safe formatting subset that bot answers, greetings and agent
//! messages may use, parsed into plain data that a view turns into DOM nodes.
//!
//! Nothing here produces or accepts HTML: `<b>` in a message is four characters of
//! text. The subset, which is what support teams type in Intercom- or Slack-like tools:
//!
//! * `**strong**`, `*emphasis*` and `_emphasis_` (underscores only at word edges, so
//!   `snake_case_names` stay as they are), `` `code` `` (no formatting inside);
//! * `[label](https://…)` links, and bare `http://` / `https://` URLs, both only when
//!   the link check ([`Link::openable`]) passes; any other scheme stays literal text;
//! * lines starting with `- `, `* ` or `• ` form a bulleted list, lines starting with
//!   `1. ` or `1) ` a numbered one; other lines are paragraph lines (each line break is
//!   kept); a blank line starts a new paragraph.
//!
//! A marker without its partner is text, so every character of the input is shown:
//! [`plain_text`] of any input equals what the visitor reads, minus the markers.
//! URLs stop at whitespace, at any control or bidi-formatting character and at any
//! non-ASCII character, so a right-to-left override cannot disguise where a link goes.

use crate::params::Link;

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Text, possibly strong and/or emphasised.
    Text {
        /// The characters shown.
        text: String,
        /// Shown strong (`**…**`).
        strong: bool,
        /// Shown emphasised (`*…*` or `_…_`).
        em: bool,
    },
    /// Inline code, shown in a monospace font.
    Code(String),
    /// An openable http(s) link; `label` is the URL itself for bare URLs.
    Link {
        /// The text shown.
        label: String,
        /// Where it opens (an http or https URL).
        url: String,
    },
}

/// One line of inline pieces.
pub type Line = Vec<Inline>;

/// A block of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Lines shown with a line break between them.
    Paragraph(Vec<Line>),
    /// A bulleted list, one line per item.
    Bullets(Vec<Line>),
    /// A numbered list starting at `start`.
    Numbered {
        /// The first item's number.
        start: u32,
        /// The items.
        items: Vec<Line>,
    },
}

/// What a list-item prefix says.
enum ItemKind {
    Bullet,
    Number(u32),
}

/// The list marker at the start of `line`, and the rest.
fn list_item(line: &str) -> Option<(ItemKind, &str)> {
    for bullet in ["- ", "* ", "• "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some((ItemKind::Bullet, rest));
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            let n = line[..digits].parse().ok()?;
            return Some((ItemKind::Number(n), rest));
        }
    }
    None
}

/// Parses `text` into blocks. With `links` false, links (bare or `[label](url)`) are
/// kept as literal text, for `is_link=0`.
pub fn parse(text: &str, links: bool) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    // Whether the previous line ended the current block (a blank line).
    let mut open = false;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        match list_item(line) {
            Some((ItemKind::Bullet, rest)) => {
                let item = inline(rest, links);
                match blocks.last_mut() {
                    Some(Block::Bullets(items)) if open => items.push(item),
                    _ => blocks.push(Block::Bullets(vec![item])),
                }
            }
            Some((ItemKind::Number(n), rest)) => {
                let item = inline(rest, links);
                match blocks.last_mut() {
                    Some(Block::Numbered { items, .. }) if open => items.push(item),
                    _ => blocks.push(Block::Numbered {
                        start: n,
                        items: vec![item],
                    }),
                }
            }
            None => {
                let l = inline(line, links);
                match blocks.last_mut() {
                    Some(Block::Paragraph(lines)) if open => lines.push(l),
                    _ => blocks.push(Block::Paragraph(vec![l])),
                }
            }
        }
        open = true;
    }
    blocks
}

/// The text a reader sees, without markers: for notifications, titles and the
/// `receive_message` callback. Lines are joined with `\n`.
pub fn plain_text(text: &str) -> String {
    plain_of(&parse(text, true))
}

/// The text of parsed blocks, lines joined with `\n`.
pub fn plain_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        let lines = match block {
            Block::Paragraph(lines) | Block::Bullets(lines) => lines,
            Block::Numbered { items, .. } => items,
        };
        for line in lines {
            if !out.is_empty() {
                out.push('\n');
            }
            for piece in line {
                match piece {
                    Inline::Text { text, .. } | Inline::Code(text) => out.push_str(text),
                    Inline::Link { label, .. } => out.push_str(label),
                }
            }
        }
    }
    out
}

/// Inline state while scanning a line.
struct Scan {
    out: Line,
    buf: String,
    strong: bool,
    em: bool,
}

impl Scan {
    /// Ends the current text run.
    fn flush(&mut self) {
        if !self.buf.is_empty() {
            self.out.push(Inline::Text {
                text: std::mem::take(&mut self.buf),
                strong: self.strong,
                em: self.em,
            });
        }
    }
}

/// Whether `s` has a closing `marker` that can end a run (not directly after a space).
fn closes(s: &str, marker: &str) -> bool {
    let mut from = 0;
    while let Some(i) = s[from..].find(marker) {
        let at = from + i;
        if at > 0 && !s[..at].ends_with(char::is_whitespace) {
            return true;
        }
        from = at + marker.len();
    }
    false
}

/// Parses one line's inline formatting.
fn inline(line: &str, links: bool) -> Line {
    let mut s = Scan {
        out: Vec::new(),
        buf: String::new(),
        strong: false,
        em: false,
    };
    let mut rest = line;
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        // Code spans: everything up to the next backtick, verbatim.
        if c == '`' {
            if let Some(end) = after.find('`').filter(|&e| e > 0) {
                s.flush();
                s.out.push(Inline::Code(after[..end].to_owned()));
                rest = &after[end + 1..];
                prev = Some('`');
                continue;
            }
        }
        // Strong: `**` opens when a closing `**` follows, and closes an open run.
        if rest.starts_with("**") {
            let inner = &rest[2..];
            let opens =
                !s.strong && inner.starts_with(|c: char| !c.is_whitespace()) && closes(inner, "**");
            let ends = s.strong && !s.buf.ends_with(char::is_whitespace);
            if opens || ends {
                s.flush();
                s.strong = !s.strong;
                rest = inner;
                prev = Some('*');
                continue;
            }
        }
        // Emphasis with `*` or `_`; `_` only at word edges.
        if c == '*' || c == '_' {
            let word_before = prev.is_some_and(char::is_alphanumeric);
            let word_after = after.starts_with(char::is_alphanumeric);
            let marker = if c == '*' { "*" } else { "_" };
            let opens = !s.em
                && after.starts_with(|c: char| !c.is_whitespace() && c != '*')
                && (c == '*' || !word_before)
                && closes(after, marker);
            let ends = s.em && !s.buf.ends_with(char::is_whitespace) && (c == '*' || !word_after);
            if opens || ends {
                s.flush();
                s.em = !s.em;
                rest = after;
                prev = Some(c);
                continue;
            }
        }
        if links {
            // `[label](url)` with an openable URL.
            if c == '[' {
                if let Some((label, url, used)) = bracket_link(rest) {
                    s.flush();
                    s.out.push(Inline::Link { label, url });
                    rest = &rest[used..];
                    prev = Some(')');
                    continue;
                }
            }
            // A bare URL.
            if (c == 'h' || c == 'H') && !prev.is_some_and(char::is_alphanumeric) {
                if let Some(url) = bare_url(rest) {
                    s.flush();
                    s.out.push(Inline::Link {
                        label: url.to_owned(),
                        url: url.to_owned(),
                    });
                    rest = &rest[url.len()..];
                    prev = Some('/');
                    continue;
                }
            }
        }
        s.buf.push(c);
        rest = after;
        prev = Some(c);
    }
    // Markers that never closed were opened only because a partner existed; an opened
    // run without one (e.g. `**a * b**` mixes) simply ends at the line's end.
    s.flush();
    s.out
}

/// `[label](url)` at the start of `s`: the label, the URL and the bytes used.
fn bracket_link(s: &str) -> Option<(String, String, usize)> {
    let close = s.find("](")?;
    let label = &s[1..close];
    if label.is_empty() || label.contains(['[', ']', '\n']) {
        return None;
    }
    let url_start = close + 2;
    let url_len = s[url_start..].find(')')?;
    let url = &s[url_start..url_start + url_len];
    let ok = url.chars().all(|c| c.is_ascii_graphic()) && !url.contains(['<', '>', '"', '\'']);
    let url = Link::new(url).openable().filter(|_| ok)?.to_owned();
    Some((label.to_owned(), url, url_start + url_len + 1))
}

/// The bare http(s) URL at the start of `s`, without trailing sentence punctuation.
fn bare_url(s: &str) -> Option<&str> {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return None;
    }
    let end = s
        .find(|c: char| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '\''))
        .unwrap_or(s.len());
    let mut url = &s[..end];
    // Trailing punctuation belongs to the sentence, not the URL.
    while let Some(last) = url.chars().last() {
        let unbalanced_paren = last == ')' && url.matches('(').count() < url.matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_') || unbalanced_paren {
            url = &url[..url.len() - 1];
        } else {
            break;
        }
    }
    Link::new(url).openable().is_some().then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text {
            text: s.into(),
            strong: false,
            em: false,
        }
    }
    fn b(s: &str) -> Inline {
        Inline::Text {
            text: s.into(),
            strong: true,
            em: false,
        }
    }
    fn i(s: &str) -> Inline {
        Inline::Text {
            text: s.into(),
            strong: false,
            em: true,
        }
    }
    fn l(label: &str, url: &str) -> Inline {
        Inline::Link {
            label: label.into(),
            url: url.into(),
        }
    }
    fn line(s: &str) -> Line {
        inline(s, true)
    }

    #[test]
    fn strong_emphasis_and_code() {
        assert_eq!(
            line("a **big** and *small* `x*y*z`"),
            vec![
                t("a "),
                b("big"),
                t(" and "),
                i("small"),
                t(" "),
                Inline::Code("x*y*z".into())
            ]
        );
        assert_eq!(line("_soft_ word"), vec![i("soft"), t(" word")]);
    }

    #[test]
    fn lone_markers_stay_text() {
        for s in [
            "2 * 3 = 6",
            "a ** b",
            "snake_case_name",
            "**unclosed",
            "price: 5*",
            "`",
            "[x](",
        ] {
            assert_eq!(plain_text(s), s.trim_end_matches(' '), "{s}");
        }
        assert_eq!(line("snake_case_name"), vec![t("snake_case_name")]);
    }

    #[test]
    fn links_bare_and_labelled() {
        assert_eq!(
            line("see https://example.com/a?b=1. or [the docs](https://d.example/x)"),
            vec![
                t("see "),
                l("https://example.com/a?b=1", "https://example.com/a?b=1"),
                t(". or "),
                l("the docs", "https://d.example/x"),
            ]
        );
        assert_eq!(
            line("(https://en.wikipedia.org/wiki/Rust_(language))"),
            vec![
                t("("),
                l(
                    "https://en.wikipedia.org/wiki/Rust_(language)",
                    "https://en.wikipedia.org/wiki/Rust_(language)"
                ),
                t(")")
            ]
        );
        assert_eq!(
            inline("[docs](https://d.example) https://e.example", false),
            vec![t("[docs](https://d.example) https://e.example")]
        );
    }

    #[test]
    fn dangerous_links_stay_text_and_nothing_is_lost() {
        for s in [
            "javascript:alert(1)",
            "[click](javascript:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "data:text/html,<script>alert(1)</script>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<img src=x onerror=alert(1)>",
            "https://",
            "http:///etc/passwd",
            "[x](https://a.example/\"onmouseover=alert(1))",
        ] {
            let l = line(s);
            assert!(
                l.iter()
                    .all(|x| !matches!(x, Inline::Link { url, .. } if !url.starts_with("http"))),
                "{s}: {l:?}"
            );
            assert!(
                l.iter()
                    .all(|x| !matches!(x, Inline::Link { url, .. } if url.contains('"'))),
                "{s}: {l:?}"
            );
            assert!(plain_text(s).len() <= s.len());
        }
        assert_eq!(
            line("[click](javascript:alert(1))"),
            vec![t("[click](javascript:alert(1))")]
        );
    }

    #[test]
    fn bidi_and_non_ascii_end_a_url() {
        assert_eq!(
            line("https://evil.example/\u{202E}gpj.exe"),
            vec![
                l("https://evil.example/", "https://evil.example/"),
                t("\u{202E}gpj.exe")
            ]
        );
        assert_eq!(
            line("https://a.example/路径"),
            vec![l("https://a.example/", "https://a.example/"), t("路径")]
        );
    }

    #[test]
    fn blocks_lists_and_paragraphs() {
        let blocks = parse(
            "Steps:\n1. Open *Settings*\n2. Tap **Reset**\n\n- one\n- two\nthanks\r\nbye",
            true,
        );
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(vec![vec![t("Steps:")]]),
                Block::Numbered {
                    start: 1,
                    items: vec![vec![t("Open "), i("Settings")], vec![t("Tap "), b("Reset")]]
                },
                Block::Bullets(vec![vec![t("one")], vec![t("two")]]),
                Block::Paragraph(vec![vec![t("thanks")], vec![t("bye")]]),
            ]
        );
        assert_eq!(plain_text("**Hi**\n- a\n\nb"), "Hi\na\nb");
    }

    proptest::proptest! {
        /// Any input parses, and with links off nothing a reader needs is lost: every
        /// letter of the input is in the text shown, in order (only markers go).
        #[test]
        fn any_input_keeps_its_letters(s in "[ab*_`\\[\\]()h:/. \n\u{202E}é•-]{0,48}") {
            let letters = |x: &str| x.chars().filter(|c| c.is_alphabetic()).collect::<String>();
            let shown = plain_of(&parse(&s, false));
            proptest::prop_assert_eq!(letters(&shown), letters(&s));
            let _ = parse(&s, true);
        }
    }
}
