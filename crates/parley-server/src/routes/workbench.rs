//! The agents' workbench (`crates/parley-workbench`), a Trunk bundle of its own built
//! into `<dist>/agent/` and served at `/agent/`.
//!
//! Every `/agent/…` path that is not one of the bundle's files gets the workbench's
//! `index.html` (the app routes by path), so a deep link such as
//! `/agent/conversations/{id}` or `/agent/tickets/{id}` loads directly. The page carries
//! a CSP like the visitor pages' (scripts from this origin plus Trunk's inline start-up
//! module by its hash) but may not be framed by anyone: agents sign in on it.
//! Visitors never load any of it: the visitor pages name only the visitor bundle.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

use crate::AppState;

/// Where the workbench lives, in the URL and under `dist`.
pub const BASE: &str = "/agent";

pub fn router(dist: &Path) -> Router<AppState> {
    let page = Arc::new(Page::new(dist.join("agent")));
    let index_page = Arc::clone(&page);
    let index = move || {
        let page = Arc::clone(&index_page);
        async move { page.response() }
    };
    Router::new()
        .route(BASE, get(|| async { Redirect::permanent("/agent/") }))
        .route("/agent/", get(index.clone()))
        .route(
            "/agent/{*path}",
            get(move |request: Request<Body>| {
                let page = Arc::clone(&page);
                async move { file_or_index(&page, request).await }
            }),
        )
}

/// The workbench's `index.html` and its CSP, read and hashed once, on the first request
/// that finds it built (a new build needs a restart, as for the visitor pages).
struct Page {
    dir: PathBuf,
    prepared: Mutex<Option<Arc<(String, String)>>>,
}

impl Page {
    fn new(dir: PathBuf) -> Page {
        Page {
            dir,
            prepared: Mutex::new(None),
        }
    }

    /// The page and its CSP; `None` while the workbench is not built.
    fn prepared(&self) -> Option<Arc<(String, String)>> {
        let mut slot = self.prepared.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            let html = std::fs::read_to_string(self.dir.join("index.html")).ok()?;
            let csp = csp(&html);
            *slot = Some(Arc::new((html, csp)));
        }
        slot.clone()
    }

    /// The workbench's page: never cached (it names the hashed assets), framed by no
    /// one.
    fn response(&self) -> Response {
        let Some(prepared) = self.prepared() else {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(
                    "<!doctype html><meta charset=utf-8><title>Parley</title>\
                     <h1>The agents' workbench is not built</h1>\
                     <p>Run <code>cargo xtask build-client</code>, which builds it.</p>",
                ),
            )
                .into_response();
        };
        let (html, csp) = &*prepared;
        let mut response = Html(html.clone()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(v) = HeaderValue::from_str(csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        response
    }
}

/// Whether the last segment of `path` names a file (has an extension), as the bundle's
/// files do; other paths are the app's own routes.
pub fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

async fn file_or_index(page: &Page, request: Request<Body>) -> Response {
    if !names_a_file(request.uri().path()) {
        return page.response();
    }
    // `/agent/x.wasm` → `x.wasm` under `dir`; ServeDir refuses `..` and friends.
    let rest = request
        .uri()
        .path()
        .strip_prefix(BASE)
        .unwrap_or("/")
        .to_owned();
    let path = rest.clone();
    let (mut parts, body) = request.into_parts();
    let Ok(uri) = rest.parse() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    parts.uri = uri;
    let request = Request::from_parts(parts, body);
    // Sent as the build precompressed them, with the caching rules of the visitor's
    // files (a year for hashed names).
    let files = ServeDir::new(&page.dir)
        .precompressed_br()
        .precompressed_gzip();
    let response = match tower::ServiceExt::oneshot(files, request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    crate::assets::with_cache_headers(&path, response)
}

/// The workbench page's Content-Security-Policy: scripts from this origin and the
/// inline start-up module Trunk writes (by its SHA-256), the origin's API and sockets,
/// pictures from anywhere on http(s) (visitors' avatars, card pictures) and `blob:`
/// (attachment previews), framed by no one.
pub fn csp(html: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' https: http: blob: data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        crate::assets::inline_script_hashes(html).join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_routes_are_not_files() {
        assert!(!names_a_file("/agent/conversations/abc"));
        assert!(!names_a_file("/agent/tickets/"));
        assert!(names_a_file("/agent/parley-workbench-1a2b.wasm"));
        assert!(names_a_file("/agent/style-9f.css"));
    }

    #[test]
    fn the_page_names_its_inline_module_and_frames_nowhere() {
        let html = "<script type=module>import init from '/agent/a.js';</script>\
                    <script src=/agent/x.js></script>";
        let csp = csp(html);
        assert_eq!(crate::assets::inline_script_hashes(html).len(), 1);
        assert!(csp.contains("'sha256-"), "{csp}");
        assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    }
}
