//! Percent-decoding and -encoding of query strings, and the "still encoded" rule.
//!
//! # The decoding rule, once and for all
//!
//! The spec recommends `encodeURIComponent` for links and for "parameters involving
//! Chinese and special symbols", both in links and in `zc("config", {...})`. A value can
//! therefore reach the parser encoded once more than its transport explains:
//!
//! * in a query string, every key and value is percent-decoded once (`+` is a space, as
//!   in HTML forms) by [`split_query`];
//! * in a `zc` config (JSON), values are taken as they are;
//! * then, in both cases, a string value that **still looks like the output of
//!   `encodeURIComponent`** is decoded exactly once more (see
//!   [`looks_component_encoded`]): it consists only of the characters
//!   `encodeURIComponent` leaves alone (`A-Z a-z 0-9 - _ . ! ~ * ' ( )`) and `%XX`
//!   escapes, has at least one escape, and decodes to valid UTF-8.
//!
//! So `http%3A%2F%2Fsg.sobot.io` in a zc config, and `http%253A%252F%252Fsg.sobot.io` in
//! a link, both become `http://sg.sobot.io`, while an already decoded URL such as
//! `https://x.io/?q=a%20b` is left alone (it contains `:` and `/`, which
//! `encodeURIComponent` never leaves unescaped). The extra decoding happens at most once,
//! so a value can never be decoded "too far" by repeated passes. The rule applies to every
//! string parameter (texts, ids, links, JSON texts and the string values inside them); the
//! price is that a plain text value that is itself made only of unreserved characters and
//! valid escapes (say `%41`) is read as encoded, which real names and ids never are.

use std::borrow::Cow;

/// Splits `a=1&b=2` into decoded pairs (with or without a leading `?`).
///
/// Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` is a key with an empty
/// value. Keys and values are decoded with [`percent_decode`], so `+` is a space, as in
/// forms, and decoding can never fail.
pub fn split_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+` (a space), as a browser does for a query string.
///
/// Invalid escapes are kept as they are and invalid UTF-8 is replaced by U+FFFD, so
/// decoding can never fail: a malformed link still yields a usable value.
pub fn percent_decode(input: &str) -> String {
    decode_bytes(input, true)
}

/// Decodes `%XX` escapes only (`+` stays a plus), as JavaScript's `decodeURIComponent`
/// does, but without failing: invalid escapes are kept and invalid UTF-8 is replaced.
pub fn decode_component(input: &str) -> String {
    decode_bytes(input, false)
}

fn decode_bytes(input: &str, plus_is_space: bool) -> String {
    String::from_utf8_lossy(&decode_raw(input, plus_is_space)).into_owned()
}

fn decode_raw(input: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h << 4) | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The characters `encodeURIComponent` leaves unescaped.
fn is_component_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
}

/// Whether `value` looks like the output of `encodeURIComponent` and should be decoded
/// once more (see the module documentation for why this is the rule).
///
/// True when the value is made only of the characters `encodeURIComponent` leaves alone
/// and of valid `%XX` escapes, holds at least one escape, and decodes to valid UTF-8.
pub fn looks_component_encoded(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut escapes = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(_), Some(_)) => {
                    escapes += 1;
                    i += 3;
                    continue;
                }
                _ => return false,
            }
        }
        if !is_component_safe(b) {
            return false;
        }
        i += 1;
    }
    escapes > 0 && std::str::from_utf8(&decode_raw(value, false)).is_ok()
}

/// Applies the "still encoded" rule: decodes `value` once more when
/// [`looks_component_encoded`] says so, and returns it unchanged otherwise.
pub fn decode_if_component_encoded(value: &str) -> Cow<'_, str> {
    if looks_component_encoded(value) {
        Cow::Owned(decode_component(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// Encodes like JavaScript's `encodeURIComponent`: everything but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` becomes `%XX` (UTF-8 bytes, upper-case hex).
///
/// Used to write query strings that the parser reads back to the same value.
pub fn encode_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if is_component_safe(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
    }
    out
}

/// Prepares a stored value so that the "still encoded" rule gives it back unchanged:
/// a value that itself looks encoded is encoded once more, anything else is kept.
pub(crate) fn protect(value: &str) -> Cow<'_, str> {
    if looks_component_encoded(value) {
        Cow::Owned(encode_component(value))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_never_fails() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("%E4%BD%A0"), "你");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%41"), "A");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert_eq!(decode_component("a+b%20c"), "a+b c");
    }

    #[test]
    fn the_still_encoded_rule() {
        // encodeURIComponent output: decoded once more.
        assert!(looks_component_encoded("http%3A%2F%2Fsg.sobot.io"));
        assert!(looks_component_encoded("%E5%BC%A0%E4%B8%89"));
        assert!(looks_component_encoded("%5B%7B%22name%22%3A%22a%22%7D%5D"));
        assert_eq!(
            decode_if_component_encoded("http%3A%2F%2Fsg.sobot.io"),
            "http://sg.sobot.io"
        );
        // Already decoded values, or values that merely contain a percent sign: kept.
        for kept in [
            "http://sg.sobot.io",
            "https://x.io/?q=a%20b",
            "100%",
            "50%OFF",
            "plain",
            "a b%20c",
            "%FF",
            "",
        ] {
            assert!(!looks_component_encoded(kept), "{kept:?}");
            assert_eq!(decode_if_component_encoded(kept), kept);
        }
    }

    #[test]
    fn encode_component_matches_javascript() {
        assert_eq!(
            encode_component("http://sg.sobot.io"),
            "http%3A%2F%2Fsg.sobot.io"
        );
        assert_eq!(encode_component("a b+c&d=e"), "a%20b%2Bc%26d%3De");
        assert_eq!(encode_component("张"), "%E5%BC%A0");
        assert_eq!(encode_component("-_.!~*'()"), "-_.!~*'()");
        for s in ["http://x.io/?a=1&b=2", "张三 %41", "%", "+"] {
            assert_eq!(decode_component(&encode_component(s)), s);
            assert_eq!(percent_decode(&encode_component(s)), s);
        }
    }

    #[test]
    fn protect_survives_the_rule() {
        for s in ["%41", "plain", "http%3A%2F%2Fx", "a%2", "http://x"] {
            assert_eq!(decode_if_component_encoded(&protect(s)), s, "{s:?}");
        }
    }
}
