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

/// Who the checks let in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admitted {
    /// The visitor's site identity: the link's `partnerid`, else the token's.
    pub partnerid: Option<String>,
    /// Fields from the token to write into the visitor's profile.
    pub customized_fields: Option<String>,
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
/// A token that is not required but valid still identifies the visitor and applies its
/// fields; an invalid one that is not required is ignored.
pub fn admit(tenant: &Tenant, given: Credentials<'_>, now_s: i64) -> Result<Admitted, Refusal> {
    let policy = &tenant.security;
    if policy.sign_required {
        let ok = match (given.partnerid, given.sign) {
            (Some(p), Some(s)) => verify_link_sign(s, &tenant.sysnum, &tenant.secret_key, p),
            _ => false,
        };
        if !ok {
            return Err(Refusal::IllegalUser);
        }
    }
    let token = given.token.filter(|t| {
        t.sysnum == tenant.sysnum
            && now_s < t.expires_at_s
            && given.partnerid.is_none_or(|p| p == t.partnerid)
    });
    if policy.token_required && token.is_none() {
        return Err(Refusal::TokenExpired);
    }
    Ok(Admitted {
        partnerid: given
            .partnerid
            .map(str::to_owned)
            .or_else(|| token.map(|t| t.partnerid.clone())),
        customized_fields: token.and_then(|t| t.customized_fields.clone()),
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

/// Checks a token request against `tenant` (`None` when the sysnum is unknown) and
/// returns the token to store. The sign covers the exact bytes of
/// `customized_fields` as sent.
pub fn check_token_request(
    request: &PageTokenRequest,
    tenant: Option<&Tenant>,
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
        .filter(|t| *t > 0 && request.ts.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| refuse("100002", "ts must be a Unix timestamp in seconds"))?;
    let tenant = tenant.ok_or_else(|| refuse("100003", "unknown sysnum"))?;
    let fields = request
        .customized_fields
        .as_deref()
        .filter(|f| !f.is_empty());
    if !verify_token_sign(
        &request.sign,
        &tenant.sysnum,
        &tenant.secret_key,
        &request.partnerid,
        &request.ts,
        fields,
    ) {
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

    #[test]
    fn the_spec_example_request_is_accepted() {
        let t = tenant(false, true);
        let token = check_token_request(&spec_request(), Some(&t)).unwrap();
        assert_eq!(token.expires_at_s, 1_569_397_773);
        assert_eq!(token.partnerid, "DE");
    }

    #[test]
    fn token_requests_are_refused_with_codes() {
        let t = tenant(false, true);
        let mut r = spec_request();
        r.sign = "0".repeat(32);
        assert_eq!(
            check_token_request(&r, Some(&t)).unwrap_err().ret_code,
            "100004"
        );
        let mut r = spec_request();
        r.ts = "soon".into();
        assert_eq!(
            check_token_request(&r, Some(&t)).unwrap_err().ret_code,
            "100002"
        );
        let mut r = spec_request();
        r.partnerid.clear();
        assert_eq!(
            check_token_request(&r, Some(&t)).unwrap_err().ret_code,
            "100001"
        );
        assert_eq!(
            check_token_request(&spec_request(), None)
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
