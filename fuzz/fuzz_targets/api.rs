//! Feeds arbitrary bytes to the HTTP API's JSON endpoints through the real router (the
//! same `parley_server::app` the binary serves, on a SQLite file): init, send, card,
//! transfer, read, the ticket session and submission, the token API and sign-in.
//!
//! The first byte picks the endpoint; the rest is the body. Checks that nothing panics
//! and that no input makes the server fail (a 5xx): bad input must be a 4xx.

#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct World {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    visitor: String,
    ticket: String,
    _dir: tempfile::TempDir,
}

const ENDPOINTS: &[(&str, Session)] = &[
    ("/api/chat/init", Session::None),
    ("/api/chat/send", Session::Visitor),
    ("/api/chat/card", Session::Visitor),
    ("/api/chat/transfer", Session::Visitor),
    ("/api/chat/read", Session::Visitor),
    ("/api/chat/offline", Session::None),
    ("/api/ticket/session", Session::None),
    ("/api/ticket/submit", Session::Ticket),
    ("/api/page/token", Session::None),
    ("/api/agent/login", Session::None),
];

#[derive(Clone, Copy)]
enum Session {
    None,
    Visitor,
    Ticket,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let config = parley_server::Config::load(&root.join("config/demo.toml")).expect("demo");
        let url = format!("sqlite://{}/fuzz.db", dir.path().display());
        let (router, visitor, ticket) = runtime.block_on(async {
            let db = parley_server::Db::connect(&url).await.expect("store");
            let state = parley_server::AppState::new(config, db, dir.path().join("dist"));
            let router = parley_server::app(state);
            let visitor = session(&router, "/api/chat/init").await;
            let ticket = session(&router, "/api/ticket/session").await;
            (router, visitor, ticket)
        });
        World {
            runtime,
            router,
            visitor,
            ticket,
            _dir: dir,
        }
    })
}

/// A session token from `path` for an anonymous demo visitor.
async fn session(router: &axum::Router, path: &str) -> String {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"query":"sysnum=demo"}"#))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    json["session_token"].as_str().expect("a session").to_owned()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let world = world();
    let (path, session) = ENDPOINTS[usize::from(pick) % ENDPOINTS.len()];
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    match session {
        Session::None => {}
        Session::Visitor => {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", world.visitor))
        }
        Session::Ticket => {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", world.ticket))
        }
    }
    let request = request.body(Body::from(body.to_vec())).expect("request");
    let status = world.runtime.block_on(async {
        world
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible")
            .status()
    });
    assert!(
        !status.is_server_error(),
        "{path} answered {status} for {:?}",
        String::from_utf8_lossy(body)
    );
});
