//! Agent password hashes: Argon2id PHC strings in the configuration file.
//!
//! Verification is slow on purpose (tens of milliseconds); callers run it on the
//! blocking pool so it never stalls the async workers.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// A PHC string for `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    // The salt's randomness comes from a v4 UUID (the OS generator), which avoids
    // pulling in another RNG crate.
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes()).expect("16-byte salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

/// Whether `password` matches the PHC string `phc`. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Whether `text` parses as an Argon2 PHC string (checked at config load).
pub fn is_phc(text: &str) -> bool {
    PasswordHash::new(text)
        .map(|h| h.algorithm.as_str().starts_with("argon2"))
        .unwrap_or(false)
}

/// A valid hash of a password nobody knows, verified when a login names an unknown
/// agent so that the answer takes as long as for a known one.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$yUIxQZgFtCH3/A3SZxcSDyJeNwBvIzFtixvVgFJ/DWY";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("alice-demo");
        assert!(is_phc(&h));
        assert!(verify("alice-demo", &h));
        assert!(!verify("alice-dem0", &h));
        assert!(!verify("alice-demo", "not a hash"));
        assert!(is_phc(DUMMY_HASH));
        assert!(!is_phc("plain"));
    }
}
