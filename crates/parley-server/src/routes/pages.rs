//! The visitor pages and the built client's assets.
//!
//! Every visitor page is the same Trunk-built `index.html`; the client routes by path.
//! Pages carry a Content-Security-Policy ([`page_csp`]): scripts only from this origin
//! (the start-up module Trunk inlines is allowed by its hash), no plugins, no `<base>`,
//! and `frame-ancestors` from the tenant's allowed host origins
//! ([`crate::embedding::frame_ancestors`]), so only sites the tenant lists can embed its
//! chat. Each page also carries its language's messages
//! ([`locale_element`]), so the client bundle holds none of the 17 languages.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parley_protocol::api::{ApiErrorBody, ErrorCode};
use parley_protocol::{ChatParams, Locale, Parsed};
use tower_http::services::ServeDir;

use crate::config::Tenant;
use crate::{admission, AppState};

/// The paths the spec's links use; each serves the client's `index.html`.
pub const PAGE_PATHS: [&str; 4] = [
    "/chat/pc/v2/index.html",
    "/chat/h5/v2/index.html",
    "/chat/h5/v2/leavemessage.html",
    "/ticketclient/index.html",
];

/// The loader's hidden visitor frame (`sdk/visitor.js`): a tiny page at this origin, so
/// it reads the visitor id the chat kept here, through which the host page asks for
/// `zc("offline_message_count")` and records browsing tracks. It loads no wasm; its
/// script, `visitor.js`, is served with the loader's (`routes::loader`).
pub const VISITOR_FRAME_PATH: &str = "/chat/frame/v2/visitor.html";

pub fn router(dist: &Path) -> Router<AppState> {
    let mut router = Router::new().route(VISITOR_FRAME_PATH, get(visitor_frame));
    for path in PAGE_PATHS {
        let dist = dist.to_path_buf();
        router = router.route(
            path,
            get(
                move |State(state): State<AppState>, request: Request<Body>| async move {
                    page(&state, &dist, request).await
                },
            ),
        );
    }
    let assets = ServeDir::new(dist).fallback(get(not_found));
    router.fallback_service(assets)
}

/// A visitor page: the client's `index.html` with the page's language put into it, a
/// CSP, `no-cache` (it names the hashed assets) and an ETag, so a reload revalidates to
/// a 304.
async fn page(state: &AppState, dist: &Path, request: Request<Body>) -> Response {
    let Ok(html) = tokio::fs::read_to_string(dist.join("index.html")).await else {
        return client_missing();
    };
    let query = request.uri().query().unwrap_or("");
    let parsed = ChatParams::from_query(query);
    let Ok(tenant) = page_tenant(state, &parsed) else {
        return two_tenants();
    };
    let csp = page_csp(&html, embedders(tenant.as_deref()));
    // The same resolution as init (the link's locale, else the tenant's default, else
    // zh), so the client has the language init will name.
    let backend = tenant.map(|t| t.backend_settings()).unwrap_or_default();
    let locale = parley_protocol::effective(&parsed.value, &backend).locale;
    let html = match locale_element(dist, locale).await {
        Some(element) => html.replacen("</head>", &format!("{element}</head>"), 1),
        None => html,
    };
    let etag = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(html.as_bytes());
        format!("\"{}\"", hex(&digest[..12]))
    };
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Html(html).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    no_cache_with_csp(response, &csp)
}

/// The visitor frame's page: one script from this origin, which may only call this
/// origin, framed only by the tenant's allowed origins (as the chat is).
async fn visitor_frame(State(state): State<AppState>, request: Request<Body>) -> Response {
    let query = request.uri().query().unwrap_or("");
    let Ok(tenant) = page_tenant(&state, &ChatParams::from_query(query)) else {
        return two_tenants();
    };
    let csp = format!(
        "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; \
         form-action 'none'; frame-ancestors {}",
        crate::embedding::frame_ancestors(embedders(tenant.as_deref()))
    );
    let response = Html(
        "<!doctype html><meta charset=utf-8><title>Parley</title>\
         <script src=\"visitor.js\"></script>",
    )
    .into_response();
    no_cache_with_csp(response, &csp)
}

/// The host origins a page's tenant lets embed it (none for an unknown tenant).
fn embedders(tenant: Option<&Tenant>) -> &[String] {
    tenant.map_or(&[], |t| t.security.allowed_origins.as_slice())
}

/// `no-cache` and the page's CSP on a page response.
fn no_cache_with_csp(mut response: Response, csp: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The page's language as an inert `text/plain` element (not a script: nothing runs it,
/// so the CSP does not apply), from the `locales/` folder Trunk copies into `dist/`.
/// `None` when the files are missing (the client then fetches them) or hold `</`, which
/// could end the element early.
pub async fn locale_element(dist: &Path, locale: Locale) -> Option<String> {
    let code = locale.code();
    let mut text = String::new();
    for area in parley_protocol::locale::MESSAGE_AREAS {
        let file = dist.join("locales").join(code).join(format!("{area}.ftl"));
        text.push_str(&tokio::fs::read_to_string(file).await.ok()?);
        text.push('\n');
    }
    if text.contains("</") {
        return None;
    }
    Some(format!(
        "<script type=\"text/plain\" id=\"parley-locale\" data-locale=\"{code}\">{text}</script>"
    ))
}

/// The tenant a page is for, read by the chat's own parser (`sysnum`, or the ticket
/// plug-in's `sysNum`), so that the page's CSP and the chat inside it always name the
/// same tenant; `Err` for a link whose `sysnum` and `sysNum` differ.
fn page_tenant(state: &AppState, parsed: &Parsed<ChatParams>) -> Result<Option<Arc<Tenant>>, ()> {
    if admission::names_two_tenants(parsed) {
        return Err(());
    }
    Ok(parsed
        .value
        .sysnum
        .as_deref()
        .and_then(|s| state.config.tenant(s)))
}

/// The answer to a link naming two tenants: a 400 that frames nowhere.
fn two_tenants() -> Response {
    let response = (StatusCode::BAD_REQUEST, admission::TWO_TENANTS).into_response();
    no_cache_with_csp(response, "default-src 'none'; frame-ancestors 'none'")
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
    let scripts = inline_script_hashes(html).join(" ");
    // Pictures come from anywhere on http(s) (avatars, card pictures), this origin
    // (sent pictures) and blob: (previews of pictures being sent). Styles allow
    // attributes: the theme colour is set as CSS variables on an element.
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' https: http: blob: data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {}",
        crate::embedding::frame_ancestors(ancestors)
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
        // `["*"]`: any site.
        let any = page_csp(html, &["*".into()]);
        assert!(any.ends_with("frame-ancestors *"), "{any}");
    }
}
