//! Who may open a chat: the spec's sign and token checks, as plain functions.
//!
//! Both digests come from [`parley_protocol::digest`] and are compared in constant
//! time. The policy (sign required, token required) comes only from the tenant's
//! configuration; nothing in a link can switch it off.

use parley_protocol::api::{PageTokenRequest, RET_OK};
use parley_protocol::digest::{verify_link_sign, verify_token_sign};

use crate::config::Tenant;

/// The spec's text when the sign is missing or wrong.
pub const ILLEGAL_USER_MESSAGE: &str =
    "The current user is verified as an illegal user and will not be allowed to access the Help Center";
/// The spec's text when the token is missing, unknown or expired.
pub const TOKEN_EXPIRED_MESSAGE: &str =
    "Sorry, your user verification has expired and you cannot access the Help Center. Contact the admin.";

/// Longest `partnerid` the token API accepts (the link parser's limit too).
pub const MAX_PARTNERID: usize = 300;
/// Longest `customized_fields` text the token API accepts.
pub const MAX_CUSTOMIZED_FIELDS: usize = 4096;

/// A token issued by `POST /api/page/token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageToken {
    pub sysnum: String,
    pub partnerid: String,
    /// The request's `ts`: the token is valid while `now < ts` (Unix seconds).
    pub expires_at_s: i64,
    pub customized_fields: Option<String>,
}

/// Why a visitor is turned away at init.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Sign required and missing or wrong.
    IllegalUser,
    /// Token required and missing, unknown, for someone else, or expired.
    TokenExpired,
}

/// How the visitor's identity was proven.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Proof {
    /// Nothing: a `partnerid` in the link is only a claim.
    #[default]
    None,
    /// The link's `sign` matches its `partnerid`.
    Sign,
    /// A token the token API issued, unexpired, for this tenant and `partnerid`.
    Token,
}

/// Who the checks let in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admitted {
    /// The visitor's verified site identity: the link's `partnerid` with a valid sign,
    /// else the token's. Only this finds an existing visitor.
    pub partnerid: Option<String>,
    /// A `partnerid` the link gave without proof: a label, never a key.
    pub claimed_partnerid: Option<String>,
    /// Fields from the token to write into the visitor's profile.
    pub customized_fields: Option<String>,
    /// How the identity was proven.
    pub proof: Proof,
}

/// What init received that the checks look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Credentials<'a> {
    pub partnerid: Option<&'a str>,
    pub sign: Option<&'a str>,
    /// The stored token the link's `token` names, if it names a known one.
    pub token: Option<&'a PageToken>,
}

/// Decides whether a visitor of `tenant` is admitted at `now_s` (Unix seconds).
///
/// A sign or token that is not required but valid still proves the visitor's identity
/// (and a token applies its fields); an invalid one that is not required is ignored,
/// and the link's `partnerid` is then only a claim ([`Admitted::claimed_partnerid`]).
pub fn admit(tenant: &Tenant, given: Credentials<'_>, now_s: i64) -> Result<Admitted, Refusal> {
    let policy = &tenant.security;
    let signed = match (given.partnerid, given.sign) {
        (Some(p), Some(s)) => tenant
            .signing_keys(now_s)
            .into_iter()
            .any(|key| verify_link_sign(s, &tenant.sysnum, key, p)),
        _ => false,
    };
    if policy.sign_required && !signed {
        return Err(Refusal::IllegalUser);
    }
    let token = given.token.filter(|t| {
        t.sysnum == tenant.sysnum
            && now_s < t.expires_at_s
            && given.partnerid.is_none_or(|p| p == t.partnerid)
    });
    if policy.token_required && token.is_none() {
        return Err(Refusal::TokenExpired);
    }
    let (partnerid, proof) = match (signed, token) {
        (true, _) => (given.partnerid.map(str::to_owned), Proof::Sign),
        (false, Some(t)) => (Some(t.partnerid.clone()), Proof::Token),
        (false, None) => (None, Proof::None),
    };
    Ok(Admitted {
        claimed_partnerid: partnerid
            .is_none()
            .then(|| given.partnerid.map(str::to_owned))
            .flatten(),
        partnerid,
        customized_fields: token.and_then(|t| t.customized_fields.clone()),
        proof,
    })
}

/// A refusal of the token API: its `ret_code` and `ret_msg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRefusal {
    pub ret_code: &'static str,
    pub ret_msg: String,
}

fn refuse(ret_code: &'static str, ret_msg: impl Into<String>) -> TokenRefusal {
    TokenRefusal {
        ret_code,
        ret_msg: ret_msg.into(),
    }
}

/// Checks a token request against `tenant` (`None` when the sysnum is unknown) at
/// `now_s` (Unix seconds) and returns the token to store. The sign covers the exact
/// bytes of `customized_fields` as sent.
///
/// `ts` must be ten digits and lie in `(now, now + the tenant's maximum]`: a token
/// ends, and soon. That also closes the cheapest forgery: the token sign is the MD5 of
/// `sysnum + key + partnerid + ts [+ fields]`, the same string as the link sign of the
/// partnerid `partnerid + ts [+ fields]`, so a user who sees the link sign of their
/// phone number `13812345678` could ask for a token for `1` with ts `3812345678`
/// (the year 2090). The window leaves only partnerids ending in a time of the next
/// day; [`link_sign_twin`] names the one partnerid a request could have been made
/// from, and the token API refuses it when that visitor is known.
pub fn check_token_request(
    request: &PageTokenRequest,
    tenant: Option<&Tenant>,
    now_s: i64,
) -> Result<PageToken, TokenRefusal> {
    for (name, value) in [
        ("sysnum", &request.sysnum),
        ("partnerid", &request.partnerid),
        ("ts", &request.ts),
        ("sign", &request.sign),
    ] {
        if value.is_empty() {
            return Err(refuse("100001", format!("{name} is required")));
        }
    }
    if request.partnerid.chars().count() > MAX_PARTNERID {
        return Err(refuse(
            "100001",
            format!("partnerid is longer than {MAX_PARTNERID} characters"),
        ));
    }
    let ts = request
        .ts
        .parse::<i64>()
        .ok()
        .filter(|_| request.ts.len() == 10 && request.ts.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            refuse(
                "100002",
                "ts must be a Unix timestamp in seconds (ten digits)",
            )
        })?;
    let tenant = tenant.ok_or_else(|| refuse("100003", "unknown sysnum"))?;
    let max = i64::try_from(tenant.security.token_max_ttl_secs()).unwrap_or(i64::MAX / 2);
    if ts <= now_s || ts > now_s + max {
        return Err(refuse(
            "100002",
            format!("ts must be after now and at most {max} seconds from now"),
        ));
    }
    let fields = request
        .customized_fields
        .as_deref()
        .filter(|f| !f.is_empty());
    let signed = tenant.signing_keys(now_s).into_iter().any(|key| {
        verify_token_sign(
            &request.sign,
            &tenant.sysnum,
            key,
            &request.partnerid,
            &request.ts,
            fields,
        )
    });
    if !signed {
        return Err(refuse("100004", "sign verification failed"));
    }
    if let Some(f) = fields {
        if f.len() > MAX_CUSTOMIZED_FIELDS {
            return Err(refuse(
                "100005",
                format!("customized_fields is longer than {MAX_CUSTOMIZED_FIELDS} bytes"),
            ));
        }
        if !matches!(
            serde_json::from_str::<serde_json::Value>(f),
            Ok(serde_json::Value::Object(_))
        ) {
            return Err(refuse("100005", "customized_fields must be a JSON object"));
        }
    }
    Ok(PageToken {
        sysnum: tenant.sysnum.clone(),
        partnerid: request.partnerid.clone(),
        expires_at_s: ts,
        customized_fields: fields.map(str::to_owned),
    })
}

/// The link-sign partnerid whose sign equals a token request's sign: the digest input
/// `sysnum + key + partnerid + ts + fields` read as a link's `sysnum + key + partnerid`.
/// A request whose twin is a known visitor is refused: its sign may be that visitor's
/// link sign, not one the site made for a token.
pub fn link_sign_twin(request: &PageTokenRequest) -> String {
    let fields = request.customized_fields.as_deref().unwrap_or_default();
    format!("{}{}{fields}", request.partnerid, request.ts)
}

/// The success code, re-exported for handlers.
pub const OK: &str = RET_OK;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const KEY: &str = "258eec3118705112b2c53dc8043d4d34";

    fn tenant(sign: bool, token: bool) -> Tenant {
        let text = format!(
            "[[tenant]]\nsysnum='ABC'\nsecret_key='{KEY}'\ncompany_name='A'\n\
             [tenant.security]\nsign_required={sign}\ntoken_required={token}\n"
        );
        Config::parse(&text).unwrap().tenants.remove(0)
    }

    fn spec_request() -> PageTokenRequest {
        PageTokenRequest {
            sysnum: "ABC".into(),
            partnerid: "DE".into(),
            ts: "1569397773".into(),
            customized_fields: Some(r#"{"uname":"nickname"}"#.into()),
            sign: "874b6f9d7926ddb84da11bf93b0ef169".into(),
            source: Some(0),
            channel_flag: Some(2),
        }
    }

    /// An hour before the spec example's `ts`.
    const SPEC_NOW: i64 = 1_569_397_773 - 3600;

    #[test]
    fn the_spec_example_request_is_accepted_while_its_ts_is_ahead() {
        let t = tenant(false, true);
        let token = check_token_request(&spec_request(), Some(&t), SPEC_NOW).unwrap();
        assert_eq!(token.expires_at_s, 1_569_397_773);
        assert_eq!(token.partnerid, "DE");
        // Today the example's ts is long past.
        assert_eq!(
            check_token_request(&spec_request(), Some(&t), 1_796_000_000)
                .unwrap_err()
                .ret_code,
            "100002"
        );
    }

    #[test]
    fn ts_is_ten_digits_within_the_tenants_window() {
        let t = tenant(false, true);
        let at = |partnerid: &str, ts: &str, now: i64| {
            let r = PageTokenRequest {
                partnerid: partnerid.into(),
                ts: ts.into(),
                customized_fields: None,
                sign: parley_protocol::digest::token_sign("ABC", KEY, partnerid, ts, None),
                ..spec_request()
            };
            check_token_request(&r, Some(&t), now)
                .map(|token| token.expires_at_s)
                .map_err(|e| e.ret_code)
        };
        let now = 1_796_000_000;
        assert_eq!(at("DE", "1796000001", now), Ok(1_796_000_001));
        assert_eq!(
            at("DE", "1796086400", now),
            Ok(1_796_086_400),
            "a day ahead"
        );
        assert_eq!(at("DE", "1796086401", now), Err("100002"), "past the day");
        assert_eq!(at("DE", "1796000000", now), Err("100002"), "already over");
        assert_eq!(at("DE", "179600001", 0), Err("100002"), "nine digits");
        assert_eq!(at("DE", "+796000001", now), Err("100002"));
        // The forgery of the security review: the link sign of the phone number
        // 13812345678 is a valid token sign for partnerid 1 and ts 3812345678 (2090).
        let link = parley_protocol::digest::link_sign("ABC", KEY, "13812345678");
        let forged = PageTokenRequest {
            partnerid: "1".into(),
            ts: "3812345678".into(),
            customized_fields: None,
            sign: link,
            ..spec_request()
        };
        assert_eq!(
            check_token_request(&forged, Some(&t), now).map_err(|e| e.ret_code),
            Err("100002")
        );
        assert_eq!(link_sign_twin(&forged), "13812345678");
    }

    #[test]
    fn token_requests_are_refused_with_codes() {
        let t = tenant(false, true);
        let mut r = spec_request();
        r.sign = "0".repeat(32);
        assert_eq!(
            check_token_request(&r, Some(&t), SPEC_NOW)
                .unwrap_err()
                .ret_code,
            "100004"
        );
        let mut r = spec_request();
        r.ts = "soon".into();
        assert_eq!(
            check_token_request(&r, Some(&t), SPEC_NOW)
                .unwrap_err()
                .ret_code,
            "100002"
        );
        let mut r = spec_request();
        r.partnerid.clear();
        assert_eq!(
            check_token_request(&r, Some(&t), SPEC_NOW)
                .unwrap_err()
                .ret_code,
            "100001"
        );
        assert_eq!(
            check_token_request(&spec_request(), None, SPEC_NOW)
                .unwrap_err()
                .ret_code,
            "100003"
        );
    }

    #[test]
    fn sign_required_needs_partnerid_and_the_right_sign() {
        let t = tenant(true, false);
        let good = parley_protocol::digest::link_sign("ABC", KEY, "u1");
        let creds = |p, s| Credentials {
            partnerid: p,
            sign: s,
            token: None,
        };
        assert_eq!(
            admit(&t, creds(Some("u1"), Some(&good)), 0)
                .unwrap()
                .partnerid
                .as_deref(),
            Some("u1")
        );
        assert_eq!(
            admit(&t, creds(Some("u2"), Some(&good)), 0),
            Err(Refusal::IllegalUser)
        );
        assert_eq!(
            admit(&t, creds(None, Some(&good)), 0),
            Err(Refusal::IllegalUser)
        );
        assert_eq!(
            admit(&t, creds(Some("u1"), None), 0),
            Err(Refusal::IllegalUser)
        );
        // Not required: anything goes.
        assert!(admit(&tenant(false, false), creds(None, None), 0).is_ok());
    }

    #[test]
    fn an_unsigned_partnerid_is_only_a_claim() {
        let t = tenant(false, false);
        let good = parley_protocol::digest::link_sign("ABC", KEY, "u1");
        let creds = |p, s| Credentials {
            partnerid: p,
            sign: s,
            token: None,
        };
        let unsigned = admit(&t, creds(Some("u1"), None), 0).unwrap();
        assert_eq!(unsigned.partnerid, None);
        assert_eq!(unsigned.claimed_partnerid.as_deref(), Some("u1"));
        assert_eq!(unsigned.proof, Proof::None);
        let zeros = "0".repeat(32);
        let forged = admit(&t, creds(Some("u1"), Some(&zeros)), 0).unwrap();
        assert_eq!(forged.partnerid, None, "a wrong sign proves nothing");
        let signed = admit(&t, creds(Some("u1"), Some(&good)), 0).unwrap();
        assert_eq!(signed.partnerid.as_deref(), Some("u1"));
        assert_eq!(signed.claimed_partnerid, None);
        assert_eq!(signed.proof, Proof::Sign);
    }

    #[test]
    fn tokens_expire_at_ts_and_are_bound_to_sysnum_and_partnerid() {
        let t = tenant(false, true);
        let tok = PageToken {
            sysnum: "ABC".into(),
            partnerid: "DE".into(),
            expires_at_s: 100,
            customized_fields: Some("{}".into()),
        };
        let with = |p, tok| Credentials {
            partnerid: p,
            sign: None,
            token: tok,
        };
        let ok = admit(&t, with(None, Some(&tok)), 99).unwrap();
        assert_eq!(ok.partnerid.as_deref(), Some("DE"));
        assert_eq!(ok.customized_fields.as_deref(), Some("{}"));
        assert_eq!(
            admit(&t, with(None, Some(&tok)), 100),
            Err(Refusal::TokenExpired)
        );
        assert_eq!(
            admit(&t, with(Some("XX"), Some(&tok)), 1),
            Err(Refusal::TokenExpired)
        );
        assert_eq!(admit(&t, with(None, None), 1), Err(Refusal::TokenExpired));
        let other = PageToken {
            sysnum: "OTHER".into(),
            ..tok.clone()
        };
        assert_eq!(
            admit(&t, with(None, Some(&other)), 1),
            Err(Refusal::TokenExpired)
        );
        // Not required: an expired token is ignored, not fatal.
        let relaxed = tenant(false, false);
        assert_eq!(
            admit(&relaxed, with(None, Some(&tok)), 200),
            Ok(Admitted::default())
        );
    }
}
