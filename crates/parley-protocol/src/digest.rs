//! The spec's signatures: the link `sign` and the token API's `sign`, and a comparison
//! that does not leak, through its timing, how much of a guess was right.

use md5::{Digest, Md5};

/// MD5 of `input` as 32 lower-case hex digits.
pub fn md5_hex(input: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Md5::digest(input);
    let mut out = String::with_capacity(32);
    for b in digest {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

/// The link `sign` of "Sign encryption": `MD5(sysnum + key + partnerid)`, lower-case
/// hex. The tenant's secret `key` never leaves the server.
pub fn link_sign(sysnum: &str, key: &str, partnerid: &str) -> String {
    md5_hex([sysnum, key, partnerid].concat().as_bytes())
}

/// The token API's `sign`: `MD5(sysnum + key + partnerid + ts [+ customized_fields])`,
/// lower-case hex. `customized_fields` is the raw JSON text exactly as sent (the digest
/// covers its bytes, so it must not be re-serialized before checking).
pub fn token_sign(
    sysnum: &str,
    key: &str,
    partnerid: &str,
    ts: &str,
    customized_fields: Option<&str>,
) -> String {
    md5_hex(
        [sysnum, key, partnerid, ts, customized_fields.unwrap_or("")]
            .concat()
            .as_bytes(),
    )
}

/// Compares two hex digests ignoring ASCII case, in time that depends only on their
/// lengths: every byte is looked at and differences are accumulated, with no early exit,
/// so a caller guessing a sign cannot learn how many leading digits were right.
pub fn constant_time_eq_hex(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let len = a.len().max(b.len());
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= x.to_ascii_lowercase() ^ y.to_ascii_lowercase();
    }
    std::hint::black_box(diff) == 0
}

/// Checks a link `sign` against `MD5(sysnum + key + partnerid)` in constant time.
pub fn verify_link_sign(given: &str, sysnum: &str, key: &str, partnerid: &str) -> bool {
    constant_time_eq_hex(given, &link_sign(sysnum, key, partnerid))
}

/// Checks a token API `sign` in constant time (see [`token_sign`]).
pub fn verify_token_sign(
    given: &str,
    sysnum: &str,
    key: &str,
    partnerid: &str,
    ts: &str,
    customized_fields: Option<&str>,
) -> bool {
    constant_time_eq_hex(
        given,
        &token_sign(sysnum, key, partnerid, ts, customized_fields),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "258eec3118705112b2c53dc8043d4d34";

    #[test]
    fn the_spec_worked_example() {
        let sign = token_sign(
            "ABC",
            KEY,
            "DE",
            "1569397773",
            Some(r#"{"uname":"nickname"}"#),
        );
        assert_eq!(sign, "874b6f9d7926ddb84da11bf93b0ef169");
        assert!(verify_token_sign(
            "874B6F9D7926DDB84DA11BF93B0EF169",
            "ABC",
            KEY,
            "DE",
            "1569397773",
            Some(r#"{"uname":"nickname"}"#)
        ));
        assert!(!verify_token_sign(
            &sign,
            "ABC",
            KEY,
            "DE",
            "1569397774",
            Some(r#"{"uname":"nickname"}"#)
        ));
    }

    #[test]
    fn link_sign_is_md5_of_the_concatenation() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            link_sign("ABC", KEY, "DE"),
            md5_hex(format!("ABC{KEY}DE").as_bytes())
        );
        assert_eq!(
            token_sign("ABC", KEY, "DE", "1", None),
            md5_hex(format!("ABC{KEY}DE1").as_bytes())
        );
        let s = link_sign("ABC", KEY, "DE");
        assert!(verify_link_sign(&s, "ABC", KEY, "DE"));
        assert!(!verify_link_sign(&s, "ABC", KEY, "DF"));
        assert!(!verify_link_sign("", "ABC", KEY, "DE"));
    }

    #[test]
    fn comparison_ignores_case_and_length_tricks() {
        assert!(constant_time_eq_hex("abcdef", "ABCDEF"));
        assert!(!constant_time_eq_hex("abcdef", "abcde"));
        assert!(!constant_time_eq_hex("abcde", "abcdef"));
        assert!(!constant_time_eq_hex("abcdef\0", "abcdef"));
        assert!(!constant_time_eq_hex("", "a"));
        assert!(constant_time_eq_hex("", ""));
        assert!(!constant_time_eq_hex("abcdeg", "abcdef"));
    }
}
