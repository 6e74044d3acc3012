//! The visitor pages and the built client's assets.
//!
//! Every visitor page is the same Trunk-built `index.html`; the client routes by path.
//! Pages carry a Content-Security-Policy ([`page_csp`]): scripts only from this origin
//! (the start-up module Trunk inlines is allowed by its hash), no plugins, no `<base>`,
//! and `frame-ancestors` from the tenant's allowed host origins, so only sites the
//! tenant lists can embed its chat.

use std::path::Path;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parley_protocol::api::{ApiErrorBody, ErrorCode};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

/// The paths the spec's links use; each serves the client's `index.html`.
pub const PAGE_PATHS: [&str; 4] = [
    "/chat/pc/v2/index.html",
    "/chat/h5/v2/index.html",
    "/chat/h5/v2/leavemessage.html",
    "/ticketclient/index.html",
];

/// Where the host-page loader is served (the spec's access code loads it from here).
pub const ENTRANCE_PATH: &str = "/chat/frame/v2/entrance.js";

pub fn router(dist: &Path, sdk: &Path) -> Router<AppState> {
    let entrance = sdk.join("entrance.js");
    let mut router = Router::new().route_service(
        ENTRANCE_PATH,
        ServeFile::new_with_mime(
            entrance,
            &"text/javascript; charset=utf-8".parse().expect("mime"),
        ),
    );
    for path in PAGE_PATHS {
        let index = dist.join("index.html");
        router = router.route(
            path,
            get(
                move |State(state): State<AppState>, request: Request<Body>| async move {
                    let ancestors = request
                        .uri()
                        .query()
                        .and_then(page_sysnum)
                        .and_then(|sysnum| state.config.tenant(&sysnum))
                        .map(|t| t.security.allowed_origins.clone())
                        .unwrap_or_default();
                    // The policy names the inline module by hash, so it is made from
                    // the page as it is now (a rebuild changes it).
                    let Ok(html) = tokio::fs::read_to_string(&index).await else {
                        return client_missing();
                    };
                    let csp = page_csp(&html, &ancestors);
                    match ServeFile::new(&index).oneshot(request).await {
                        // A reload revalidates ("no-cache"): 304 Not Modified is a good
                        // answer too, not a missing client.
                        Ok(response)
                            if response.status().is_success()
                                || response.status() == StatusCode::NOT_MODIFIED =>
                        {
                            let mut response = response.into_response();
                            let headers = response.headers_mut();
                            // The page must always be fresh: it names the hashed assets.
                            headers.insert(
                                header::CACHE_CONTROL,
                                HeaderValue::from_static("no-cache"),
                            );
                            if let Ok(v) = HeaderValue::from_str(&csp) {
                                headers.insert(header::CONTENT_SECURITY_POLICY, v);
                            }
                            response
                        }
                        _ => client_missing(),
                    }
                },
            ),
        );
    }
    let assets = ServeDir::new(dist).fallback(get(not_found));
    router.fallback_service(assets)
}

/// The tenant a page is for: `sysnum` (the chat and leave-message links) or `sysNum`
/// (the ticket plug-in's links) in the raw query.
pub fn page_sysnum(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "sysnum" || k == "sysNum")
            .then(|| v.to_owned())
            .filter(|v| {
                !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
    })
}

/// `scheme://host[:port]` of an allowed origin when it is exactly that (anything that
/// could break out of the header value is dropped).
fn clean_origin(origin: &str) -> Option<&str> {
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

/// The `'sha256-…'` sources of the page's inline scripts (Trunk inlines the module that
/// starts the client).
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine;
    use sha2::Digest;
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let digest = sha2::Sha256::digest(&body.as_bytes()[..close]);
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body[close..];
    }
    out
}

/// The Content-Security-Policy of a visitor page made from `html`, embeddable by the
/// page's own origin and `ancestors`.
pub fn page_csp(html: &str, ancestors: &[String]) -> String {
    let mut frame = vec!["'self'"];
    frame.extend(ancestors.iter().filter_map(|o| clean_origin(o)));
    let scripts = inline_script_hashes(html).join(" ");
    // Pictures come from anywhere on http(s) (avatars, card pictures), this origin
    // (sent pictures) and blob: (previews of pictures being sent). Styles allow
    // attributes: the theme colour is set as CSS variables on an element.
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' https: http: blob: data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {}",
        frame.join(" ")
    )
}

/// The client has not been built (`dist/index.html` is missing).
fn client_missing() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><meta charset=utf-8><title>Parley</title>\
              <h1>The visitor client is not built</h1>\
              <p>Run <code>cargo xtask serve</code>, which builds it.</p>",
        ),
    )
        .into_response()
}

/// A clean 404: JSON under `/api/`, a small page elsewhere.
async fn not_found(request: Request<Body>) -> Response {
    if request.uri().path().starts_with("/api/") {
        let body = ApiErrorBody {
            code: ErrorCode::NotFound,
            message: "no such endpoint".into(),
        };
        return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
    }
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html><meta charset=utf-8><title>Not found · Parley</title>\
              <h1>Not found</h1><p>There is no page at this address.</p>",
        ),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_names_the_inline_module_and_the_allowed_embedders() {
        let html = "<html><script type=module>import init from '/a.js';</script>\
                    <script src=/x.js></script></html>";
        let csp = page_csp(
            html,
            &[
                "https://shop.example".into(),
                "https://evil.example; script-src *".into(),
                "http://127.0.0.1:8081/".into(),
            ],
        );
        assert!(
            csp.contains("frame-ancestors 'self' https://shop.example http://127.0.0.1:8081"),
            "{csp}"
        );
        assert!(!csp.contains("evil"), "{csp}");
        assert_eq!(inline_script_hashes(html).len(), 1);
        assert!(csp.contains("'sha256-"));
        assert!(csp.contains("object-src 'none'"));
        assert_eq!(page_sysnum("a=1&sysnum=demo&x"), Some("demo".into()));
        assert_eq!(page_sysnum("sysNum=T1"), Some("T1".into()));
        assert_eq!(page_sysnum("sysnum=a%20b"), None);
    }
}
