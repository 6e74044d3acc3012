//! The visitor pages and the built client's assets.
//!
//! Every visitor page is the same Trunk-built `index.html`; the client routes by path.

use std::path::Path;

use axum::body::Body;
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
            get(move |request: Request<Body>| async move {
                match ServeFile::new(&index).oneshot(request).await {
                    // 304 is success too: the browser revalidates (no-cache) on reload.
                    Ok(response)
                        if response.status().is_success()
                            || response.status() == StatusCode::NOT_MODIFIED =>
                    {
                        let mut response = response.into_response();
                        // The page must always be fresh: it names the hashed assets.
                        response
                            .headers_mut()
                            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                        response
                    }
                    _ => client_missing(),
                }
            }),
        );
    }
    let assets = ServeDir::new(dist).fallback(get(not_found));
    router.fallback_service(assets)
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
