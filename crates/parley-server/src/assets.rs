//! What the built bundles' files share, whoever serves them (the visitor pages and the
//! workbench): the caching rules of hashed names and the CSP hashes of inline scripts.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::Response;

/// How long a browser may keep a file whose name carries its content's hash (Trunk's
/// `name-<hash>.ext`): a year, never revalidated, since a new build has new names.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The caching headers of a built file: [`IMMUTABLE`] for hashed names, `no-cache`
/// (revalidated with `If-Modified-Since`) for the others, such as the language files;
/// `Vary: Accept-Encoding` on a precompressed answer, since the same URL has other
/// representations.
pub async fn asset_headers(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let path = request.uri().path().to_owned();
    with_cache_headers(&path, next.run(request).await)
}

/// [`asset_headers`] on the answer for a file at `path`.
pub fn with_cache_headers(path: &str, mut response: Response) -> Response {
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        let cache = if hashed_path(path) {
            IMMUTABLE
        } else {
            "no-cache"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if headers.contains_key(header::CONTENT_ENCODING) {
            headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    response
}

/// Whether a path names a file by its content: one of its segments holds Trunk's
/// `-<hash>` (16 hex digits) before an extension, `_bg` or its end, as in
/// `parley-client-ccb9f3437aae31b8_bg.wasm`, `main-5072c5bb25f1a344.css` or
/// `snippets/parley-client-ccb9f3437aae31b8/inline0.js`.
pub fn hashed_path(path: &str) -> bool {
    path.split('/').any(|segment| {
        segment.match_indices('-').any(|(i, _)| {
            let rest = &segment.as_bytes()[i + 1..];
            let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
            digits == 16 && matches!(rest.get(16), None | Some(b'.' | b'_'))
        })
    })
}

/// The `'sha256-…'` sources of the page's inline scripts (Trunk inlines the module that
/// starts the client).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
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
