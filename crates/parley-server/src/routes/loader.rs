//! The host-page loader's routes: its scripts, its public settings, and the demo shop.
//!
//! - `/chat/frame/v2/{file}.js`: the loader built into `--sdk` (`dist/sdk/` by `cargo
//!   xtask build-client`): `entrance.js` (the URL the spec's access code names),
//!   `entrance-<part>.<hash>.js` (lazy parts) and `visitor.js` (the visitor frame's
//!   script). Each is sent as its precompressed `.br` or `.gz` beside it when the browser
//!   accepts that, with an ETag per representation. Hashed names may be kept a year
//!   (`immutable`); the others are kept [`SHORT_CACHE_SECS`] and then revalidated (a 304
//!   when unchanged).
//! - `GET /api/loader/settings?sysnum&locale`: [`crate::loader::settings`] for the page's
//!   `Origin`; public, cacheable for [`SETTINGS_CACHE_SECS`] per origin (`Vary: Origin`).
//!   An unknown sysnum is a 404 whose message the loader writes to the console.
//! - `GET /demo/shop.html` (only with `--demo`): a shop page with the spec's access code,
//!   which loads the loader from the other loopback name of this server, so the chat is
//!   cross-origin to it as on a real site (`http://localhost:8080/demo/shop.html` loads
//!   `http://127.0.0.1:8080/chat/frame/v2/entrance.js`).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use parley_protocol::api::{ApiErrorBody, ErrorCode};
use serde::Deserialize;

use crate::AppState;

/// Where the loader's entry is served (the spec's access code loads it from here).
pub const ENTRANCE_PATH: &str = "/chat/frame/v2/entrance.js";
/// The loader's public settings.
pub const SETTINGS_PATH: &str = "/api/loader/settings";
/// The demo shop page (with `--demo` only).
pub const DEMO_SHOP_PATH: &str = "/demo/shop.html";
/// How long a browser may use the entry (and the visitor frame's script) before it
/// revalidates it.
pub const SHORT_CACHE_SECS: u32 = 300;
/// How long a browser may use the settings of one tenant for one origin.
pub const SETTINGS_CACHE_SECS: u32 = 60;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/chat/frame/v2/{file}", get(script))
        .route(SETTINGS_PATH, get(settings))
        .route(DEMO_SHOP_PATH, get(demo_shop))
}

/// A file name of the loader: lowercase letters, digits, `-` and `.`, ending in `.js`.
fn script_name(file: &str) -> bool {
    file.ends_with(".js")
        && !file.starts_with('.')
        && file
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.'))
}

/// `name.<hex>.js`: a name that changes with the content.
fn hashed(file: &str) -> bool {
    let stem = file.trim_end_matches(".js");
    stem.rsplit_once('.')
        .is_some_and(|(_, h)| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the request's `Accept-Encoding` names `coding` (without `q=0`).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding))
                && !parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        == Some(0.0)
                })
        })
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such file").into_response()
}

async fn script(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !script_name(&file) {
        return not_found();
    }
    let path = state.sdk.join(&file);
    let Ok(raw) = tokio::fs::read(&path).await else {
        return not_found();
    };
    let digest = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(&raw);
        d[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let mut encoding = None;
    let mut body = raw;
    for (coding, ext) in [("br", "br"), ("gzip", "gz")] {
        if accepts(&headers, coding) {
            if let Ok(bytes) = tokio::fs::read(state.sdk.join(format!("{file}.{ext}"))).await {
                encoding = Some(coding);
                body = bytes;
                break;
            }
        }
    }
    // One ETag per representation. Without a precompressed file the response may still
    // be compressed on the way out, so the tag is weak.
    let etag = match encoding {
        Some(coding) => format!("\"{digest}-{coding}\""),
        None => format!("W/\"{digest}\""),
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = response.headers_mut();
    let cache = if hashed(&file) {
        "public, max-age=31536000, immutable".to_owned()
    } else {
        format!("public, max-age={SHORT_CACHE_SECS}")
    };
    let set = |h: &mut HeaderMap, name, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(h, header::CACHE_CONTROL, &cache);
    set(h, header::ETAG, &etag);
    set(h, header::VARY, "accept-encoding");
    // Pages that isolate themselves (COEP require-corp) may still load the loader.
    set(
        h,
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "cross-origin",
    );
    if !fresh {
        set(h, header::CONTENT_TYPE, "text/javascript; charset=utf-8");
        if let Some(coding) = encoding {
            set(h, header::CONTENT_ENCODING, coding);
        }
    }
    response
}

#[derive(Debug, Deserialize)]
struct SettingsQuery {
    #[serde(default)]
    sysnum: String,
    #[serde(default)]
    locale: Option<String>,
}

async fn settings(
    State(state): State<AppState>,
    Query(query): Query<SettingsQuery>,
    headers: HeaderMap,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let mut response = match state.config.tenant(&query.sysnum) {
        Some(tenant) => Json(crate::loader::settings(
            &tenant,
            query.locale.as_deref().filter(|l| !l.is_empty()),
            origin,
        ))
        .into_response(),
        None => {
            let (status, code) = if query.sysnum.is_empty() {
                (StatusCode::BAD_REQUEST, ErrorCode::BadRequest)
            } else {
                (StatusCode::NOT_FOUND, ErrorCode::UnknownTenant)
            };
            let body = ApiErrorBody {
                code,
                message: crate::loader::unknown_tenant(&query.sysnum),
            };
            (status, Json(body)).into_response()
        }
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_str(&format!("public, max-age={SETTINGS_CACHE_SECS}"))
            .expect("a header value"),
    );
    h.insert(header::VARY, HeaderValue::from_static("origin"));
    // Public data, read without credentials from any page.
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The other loopback name of `host` (`localhost:P` ⇄ `127.0.0.1:P`), or `host` itself.
fn other_loopback_name(host: &str) -> String {
    if let Some(port) = host.strip_prefix("localhost") {
        format!("127.0.0.1{port}")
    } else if let Some(port) = host.strip_prefix("127.0.0.1") {
        format!("localhost{port}")
    } else {
        host.to_owned()
    }
}

async fn demo_shop(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.demo {
        return (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>Not found</title>"),
        )
            .into_response();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let clean = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !clean {
        return (
            StatusCode::BAD_REQUEST,
            "a Host header of a name and a port",
        )
            .into_response();
    }
    let src = format!(
        "http://{}{ENTRANCE_PATH}?sysnum=demo",
        other_loopback_name(host)
    );
    let page = DEMO_SHOP.replace("{src}", &src);
    let mut response = Html(page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The demo shop: the spec's access code verbatim (only its `src` names this server),
/// then the spec's "Add by Codes" call for English texts.
const DEMO_SHOP: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Parley Demo Shop</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 720px; padding: 24px; color: #1a1a1a; }
      .goods { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 16px; padding: 0; list-style: none; }
      .goods li { border: 1px solid #ddd; border-radius: 8px; padding: 16px; }
    </style>
  </head>
  <body>
    <h1>Parley Demo Shop</h1>
    <p>A page on another origin than the chat, with the access code pasted in: the launcher at the bottom right opens the chat.</p>
    <ul class="goods">
      <li><strong>Green tea</strong><br>$12.00</li>
      <li><strong>Tea pot</strong><br>$35.00</li>
      <li><strong>Two cups</strong><br>$18.00</li>
    </ul>
  <!--html tag-->
    <script>
      (function (w, d, e, x) {
        w[e] = function () {
          w.cbk = w.cbk || []
          w.cbk.push(arguments);
        }
        x = d.createElement("script");
        x.async = true;
        x.id = "zhichiScript";
        x.src = "{src}";
        d.body.appendChild(x);
      })(window, document, "zc");
    </script>
  <!--html tag-->
    <script>
      zc("config", {
        "locale": "en"
      })
    </script>
  </body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_encodings() {
        assert!(script_name("entrance.js") && script_name("entrance-window.0a1b2c3d4e.js"));
        assert!(!script_name("../x.js") && !script_name(".js") && !script_name("a.js.br"));
        assert!(hashed("entrance-window.0a1b2c3d4e.js"));
        assert!(!hashed("entrance.js") && !hashed("entrance-window.js"));
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br;q=0"),
        );
        assert!(accepts(&h, "gzip") && !accepts(&h, "br"));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("br;q=0.5"),
        );
        assert!(accepts(&h, "br"));
        assert_eq!(other_loopback_name("localhost:8080"), "127.0.0.1:8080");
        assert_eq!(other_loopback_name("127.0.0.1:8080"), "localhost:8080");
        assert_eq!(other_loopback_name("shop.example"), "shop.example");
    }
}
