//! Which sites may embed a tenant's chat: `[tenant.security] allowed_origins`.
//!
//! The list names host origins (`scheme://host[:port]`). The chat's own origin may always
//! embed it. A list that is exactly `["*"]` means any site (the demo tenant's setting,
//! for trying Parley from any page); `"*"` anywhere else is refused at load, so a
//! wildcard is never half-meant. The same rule gives the pages' CSP `frame-ancestors`
//! ([`frame_ancestors`]), the loader's check ([`may_embed`], through
//! `GET /api/loader/settings`) and the chat's `postMessage` target (the client's
//! `bridge::trusted_parent`).

/// The whole-list wildcard.
pub const ANY_SITE: &str = "*";

/// Whether `allowed` is the wildcard list `["*"]`.
pub fn any_site(allowed: &[String]) -> bool {
    matches!(allowed, [only] if only == ANY_SITE)
}

/// `scheme://host[:port]` of an allowed origin when it is exactly that (a trailing `/`
/// is dropped; anything that could break out of a header value makes it `None`).
pub fn clean_origin(origin: &str) -> Option<&str> {
    let origin = origin.trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    ok.then_some(origin)
}

/// Checks a configured list: `["*"]` alone, or origins `http(s)://host[:port]`.
pub fn check(allowed: &[String]) -> Result<(), String> {
    if any_site(allowed) {
        return Ok(());
    }
    for origin in allowed {
        if origin == ANY_SITE {
            return Err(format!(
                "allowed_origins: \"*\" (any site) must be the only entry, not one of {allowed:?}"
            ));
        }
        if clean_origin(origin).is_none() {
            return Err(format!(
                "allowed_origins: {origin:?} is not an origin like \"https://shop.example\" \
                 (scheme, host and port only)"
            ));
        }
    }
    Ok(())
}

/// The sources of `frame-ancestors`: this origin and the allowed host origins, or any
/// site for `["*"]`.
pub fn frame_ancestors(allowed: &[String]) -> String {
    if any_site(allowed) {
        return "*".into();
    }
    let mut frame = vec!["'self'"];
    frame.extend(allowed.iter().filter_map(|o| clean_origin(o)));
    frame.join(" ")
}

/// Whether a page of `origin` may embed the chat. `None` is a request with no `Origin`
/// (a page of the chat's own origin: browsers send none on a same-origin `GET`).
pub fn may_embed(allowed: &[String], origin: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Some(origin) = clean_origin(origin) else {
        // `null` (a file:// page, a sandboxed frame) or anything else: CSP's `*` does not
        // match such a parent either.
        return false;
    };
    any_site(allowed)
        || allowed
            .iter()
            .filter_map(|a| clean_origin(a))
            .any(|a| a.eq_ignore_ascii_case(origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_lone_star_means_any_site_and_nothing_else_does() {
        let any = list(&["*"]);
        assert!(check(&any).is_ok());
        assert_eq!(frame_ancestors(&any), "*");
        assert!(may_embed(&any, Some("http://localhost:3000")));
        assert!(may_embed(&any, Some("https://anything.example")));
        assert!(
            !may_embed(&any, Some("null")),
            "an opaque origin is no site"
        );
        let mixed = list(&["https://shop.example", "*"]);
        let err = check(&mixed).unwrap_err();
        assert!(err.contains("only entry"), "{err}");
        assert!(!frame_ancestors(&mixed).contains('*'));
        assert!(!may_embed(&mixed, Some("https://other.example")));
    }

    #[test]
    fn listed_origins_embed_and_others_do_not() {
        let shop = list(&["https://shop.example", "http://127.0.0.1:8081/"]);
        assert!(check(&shop).is_ok());
        assert_eq!(
            frame_ancestors(&shop),
            "'self' https://shop.example http://127.0.0.1:8081"
        );
        assert!(may_embed(&shop, Some("https://shop.example")));
        assert!(may_embed(&shop, Some("http://127.0.0.1:8081")));
        assert!(!may_embed(&shop, Some("https://evil.example")));
        assert!(may_embed(&shop, None), "the chat's own origin");
        assert!(!may_embed(&[], Some("http://localhost:3000")));
        assert_eq!(frame_ancestors(&[]), "'self'");
    }

    #[test]
    fn a_list_entry_that_is_no_origin_is_refused() {
        for bad in [
            "shop.example",
            "https://shop.example/path",
            "ftp://x",
            "https://a b",
        ] {
            let err = check(&list(&[bad])).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }
}
