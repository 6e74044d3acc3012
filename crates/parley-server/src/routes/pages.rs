//! The visitor pages and the built client's assets.
//!
//! Every visitor page is the same Trunk-built `index.html`; the client routes by path.
//! Pages carry a Content-Security-Policy ([`page_csp`]): scripts only from this origin
//! (the start-up module Trunk inlines is allowed by its hash), no plugins, no `<base>`,
//! and `frame-ancestors` from the tenant's allowed host origins
//! ([`crate::embedding::frame_ancestors`]), so only sites the tenant lists can embed its
//! chat. Each page also carries its language's messages
//! ([`locale_element`]), so the client bundle holds none of the 17 languages. Pages are
//! prepared once per html file and language ([`Pages`]) and revalidated by ETag.
//!
//! The built files are sent as the build precompressed them (`.br`, `.gz` beside each),
//! kept a year when their name carries their hash ([`crate::assets::hashed_path`]) and revalidated
//! otherwise.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any_service, get};
use axum::Router;
use parley_protocol::api::{ApiErrorBody, ErrorCode};
use parley_protocol::{ChatParams, Locale, Parsed};
use tower_http::services::ServeDir;

use crate::config::Tenant;
use crate::{admission, AppState};

/// The paths the spec's links use; each serves one of the client's html files
/// ([`html_of`]).
pub const PAGE_PATHS: [&str; 4] = [
    "/chat/pc/v2/index.html",
    "/chat/h5/v2/index.html",
    "/chat/h5/v2/leavemessage.html",
    "/ticketclient/index.html",
];

/// The chat pages' bundle (`dist/index.html`).
pub const CHAT_HTML: &str = "index.html";
/// The leave-message and ticket pages' bundle (`dist/leave/index.html`, its files under
/// `/leave/`), built apart so a chat visitor does not download those pages.
pub const LEAVE_HTML: &str = "leave/index.html";

/// The html file that serves a page path: the leave pages' bundle for the
/// leave-message and ticket pages, the chat's for the others. A build with one bundle
/// (the dev loop's, which holds every page) has no `leave/`; its `index.html` serves
/// every path then.
pub fn html_of(path: &str) -> &'static str {
    if path.ends_with("/leavemessage.html") || path.starts_with("/ticketclient/") {
        LEAVE_HTML
    } else {
        CHAT_HTML
    }
}

/// The loader's hidden visitor frame (`sdk/visitor.js`): a tiny page at this origin, so
/// it reads the visitor id the chat kept here, through which the host page asks for
/// `zc("offline_message_count")` and records browsing tracks. It loads no wasm; its
/// script, `visitor.js`, is served with the loader's (`routes::loader`).
pub const VISITOR_FRAME_PATH: &str = "/chat/frame/v2/visitor.html";

pub fn router(dist: &Path) -> Router<AppState> {
    let pages = Arc::new(Pages::new(dist));
    let mut router = Router::new().route(VISITOR_FRAME_PATH, get(visitor_frame));
    for path in PAGE_PATHS {
        let pages = Arc::clone(&pages);
        router = router.route(
            path,
            get(
                move |State(state): State<AppState>, request: Request<Body>| async move {
                    page(&state, &pages, html_of(path), request).await
                },
            ),
        );
    }
    // The `.br` / `.gz` files `cargo xtask build-client` wrote beside each file are sent
    // as they are; the compression layer leaves a response that has a Content-Encoding
    // alone, so nothing is compressed twice.
    let assets = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(get(not_found));
    router.fallback_service(
        any_service(assets).layer(axum::middleware::from_fn(crate::assets::asset_headers)),
    )
}

/// The visitor pages, prepared once: each html file of the client read once (with the
/// hashes of its inline scripts for the CSP), and once per language with that
/// language's messages put in and its ETag computed. Nothing is read from disk or hashed
/// for a page after its first request; a new client build needs a restart (as the
/// hashed asset names in the pages change with it).
struct Pages {
    dist: PathBuf,
    templates: Mutex<HashMap<&'static str, Arc<Template>>>,
}

/// One html file of the client.
struct Template {
    html: String,
    /// The CSP sources of its inline scripts.
    scripts: String,
    /// The page per language; a language whose files were missing is not kept (the page
    /// is then served without it and the files are looked for again next time).
    variants: Mutex<HashMap<Locale, Arc<Prepared>>>,
}

/// A page ready to send.
struct Prepared {
    html: axum::body::Bytes,
    etag: HeaderValue,
}

impl Pages {
    fn new(dist: &Path) -> Pages {
        Pages {
            dist: dist.to_path_buf(),
            templates: Mutex::default(),
        }
    }

    /// The template of `file`, read on first use; `None` while the client is not built
    /// (not kept, so a build made later is found).
    async fn template(&self, file: &'static str) -> Option<Arc<Template>> {
        if let Some(t) = lock(&self.templates).get(file) {
            return Some(Arc::clone(t));
        }
        let html = match tokio::fs::read_to_string(self.dist.join(file)).await {
            Ok(html) => html,
            // One bundle (see [`html_of`]).
            Err(_) if file != CHAT_HTML => tokio::fs::read_to_string(self.dist.join(CHAT_HTML))
                .await
                .ok()?,
            Err(_) => return None,
        };
        let template = Arc::new(Template {
            scripts: crate::assets::inline_script_hashes(&html).join(" "),
            html,
            variants: Mutex::default(),
        });
        Some(Arc::clone(
            lock(&self.templates).entry(file).or_insert(template),
        ))
    }
}

impl Template {
    /// The page in `locale`, prepared on first use.
    async fn page(&self, dist: &Path, locale: Locale) -> Arc<Prepared> {
        if let Some(p) = lock(&self.variants).get(&locale) {
            return Arc::clone(p);
        }
        let element = locale_element(dist, locale).await;
        let html = match &element {
            Some(element) => self
                .html
                .replacen("</head>", &format!("{element}</head>"), 1),
            None => self.html.clone(),
        };
        let etag = {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(html.as_bytes());
            format!("\"{}\"", hex(&digest[..12]))
        };
        let prepared = Arc::new(Prepared {
            html: html.into(),
            etag: HeaderValue::from_str(&etag).expect("hex is a header value"),
        });
        if element.is_none() {
            return prepared;
        }
        Arc::clone(lock(&self.variants).entry(locale).or_insert(prepared))
    }
}

/// Locks a cache; a panic while it was held left nothing half-written (inserts only).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A visitor page: the client's html file `file` with the page's language put into it,
/// a CSP, `no-cache` (it names the hashed assets) and an ETag, so a reload revalidates
/// to a 304.
async fn page(
    state: &AppState,
    pages: &Pages,
    file: &'static str,
    request: Request<Body>,
) -> Response {
    let Some(template) = pages.template(file).await else {
        return client_missing();
    };
    let query = request.uri().query().unwrap_or("");
    let parsed = ChatParams::from_query(query);
    let Ok(tenant) = page_tenant(state, &parsed) else {
        return two_tenants();
    };
    let csp = csp_with(&template.scripts, embedders(tenant.as_deref()));
    // The same resolution as init (the link's locale, else the tenant's default, else
    // zh), so the client has the language init will name.
    let backend = tenant.map(|t| t.backend_settings()).unwrap_or_default();
    let locale = parley_protocol::effective(&parsed.value, &backend).locale;
    let prepared = template.page(&pages.dist, locale).await;
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().as_bytes() == prepared.etag.as_bytes())
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Html(prepared.html.clone()).into_response()
    };
    response
        .headers_mut()
        .insert(header::ETAG, prepared.etag.clone());
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

/// The Content-Security-Policy of a visitor page made from `html`, embeddable by the
/// page's own origin and `ancestors`.
pub fn page_csp(html: &str, ancestors: &[String]) -> String {
    csp_with(
        &crate::assets::inline_script_hashes(html).join(" "),
        ancestors,
    )
}

/// [`page_csp`] from the page's inline scripts' sources, already computed.
fn csp_with(scripts: &str, ancestors: &[String]) -> String {
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
    fn only_trunk_hashed_names_are_immutable() {
        for path in [
            "/parley-client-ccb9f3437aae31b8_bg.wasm",
            "/parley-client-ccb9f3437aae31b8.js",
            "/main-5072c5bb25f1a344.css",
            "/snippets/parley-client-ccb9f3437aae31b8/inline0.js",
            "/agent/parley-workbench-0123456789abcdef_bg.wasm",
        ] {
            assert!(crate::assets::hashed_path(path), "{path}");
        }
        for path in [
            "/locales/en/main.ftl",
            "/index.html",
            "/main-5072c5bb25f1a34.css",
            "/main-5072c5bb25f1a3445.css",
            "/parley-client.js",
            "/ccb9f3437aae31b8.js",
        ] {
            assert!(!crate::assets::hashed_path(path), "{path}");
        }
    }

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
        assert_eq!(crate::assets::inline_script_hashes(html).len(), 1);
        assert!(csp.contains("'sha256-"));
        assert!(csp.contains("object-src 'none'"));
        // `["*"]`: any site.
        let any = page_csp(html, &["*".into()]);
        assert!(any.ends_with("frame-ancestors *"), "{any}");
    }
}
