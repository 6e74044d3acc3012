//! The host-page loader's routes: its public settings per tenant and page origin, its
//! scripts (precompressed, ETag, cache lifetimes) and the demo shop of `--demo`.

use reqwest::header;

use crate::helpers::{spawn_app, spawn_app_tuned, spawn_app_with, Store};

async fn settings(
    app: &crate::helpers::TestApp,
    query: &str,
    origin: Option<&str>,
) -> (
    reqwest::StatusCode,
    reqwest::header::HeaderMap,
    serde_json::Value,
) {
    let mut request = app
        .http
        .get(app.url(&format!("/api/loader/settings?{query}")));
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    let r = request.send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.json().await.unwrap())
}

/// The shipped demo (`allowed_origins = ["*"]`) may be embedded by any site; a tenant's
/// list is exact; a page of an origin not listed is told what to change.
#[tokio::test]
async fn the_settings_say_whether_the_page_may_embed_the_chat() {
    let app = spawn_app_with(Store::Sqlite, |c| {
        for t in c.tenants.iter_mut().filter(|t| t.sysnum == "QUEUE") {
            t.security.allowed_origins = vec!["https://shop.example".into()];
        }
    })
    .await;
    let (status, headers, any) =
        settings(&app, "sysnum=demo&locale=en", Some("http://localhost:3000")).await;
    assert_eq!(status, 200, "{any}");
    assert_eq!(any["allowed"], true);
    assert_eq!(any["origin"], "http://localhost:3000");
    assert_eq!(headers["vary"], "origin");
    assert_eq!(headers["cache-control"], "public, max-age=60");
    assert_eq!(headers["access-control-allow-origin"], "*");

    let (_, _, listed) = settings(&app, "sysnum=QUEUE", Some("https://shop.example")).await;
    assert_eq!(listed["allowed"], true, "{listed}");
    let (_, _, other) = settings(&app, "sysnum=QUEUE", Some("https://other.example")).await;
    assert_eq!(other["allowed"], false, "{other}");
    let message = other["message"].as_str().unwrap();
    for part in [
        "https://other.example",
        "\"QUEUE\"",
        "allowed_origins",
        "[tenant.security]",
    ] {
        assert!(message.contains(part), "{message} names {part}");
    }
    // A page of Parley's own origin sends no Origin on this GET.
    let (_, _, own) = settings(&app, "sysnum=QUEUE", None).await;
    assert_eq!(own["allowed"], true);
    // A file:// page (origin "null") is no site.
    let (_, _, file) = settings(&app, "sysnum=demo", Some("null")).await;
    assert_eq!(file["allowed"], false);

    let (status, _, unknown) = settings(&app, "sysnum=nobody", Some("https://x.example")).await;
    assert_eq!(status, 404);
    assert_eq!(unknown["code"], "unknown_tenant");
    assert!(unknown["message"].as_str().unwrap().contains("\"nobody\""));
    let (status, _, none) = settings(&app, "sysnum=", None).await;
    assert_eq!(status, 400);
    assert!(none["message"].as_str().unwrap().contains("no sysnum"));
}

/// The tenant's backend values come under the zc names (only those set), and the
/// labels in the page's language, else the tenant's default one.
#[tokio::test]
async fn the_settings_carry_backend_values_and_labels() {
    let app = spawn_app_with(Store::Sqlite, |c| {
        for t in c.tenants.iter_mut().filter(|t| t.sysnum == "demo") {
            t.backend.location = Some(2);
            t.backend.agent_invite = Some(true);
            t.backend.invite = Some(true);
            t.backend.tip_title = Some("Tea?".into());
        }
    })
    .await;
    let (_, _, s) = settings(&app, "sysnum=demo&locale=tw", None).await;
    assert_eq!(
        s["backend"],
        serde_json::json!({"color": "04babc", "location": 2, "invite": true,
                           "tip_title": "Tea?", "invite_flag": true})
    );
    assert_eq!(s["locale"], "zh-Hant");
    assert_eq!(s["labels"]["open"], "開啟線上客服");
    assert_eq!(
        s["labels"]["open-unread"],
        "開啟線上客服（未讀：{ $count }）"
    );
    // No locale: the tenant's default (zh for the demo); an unknown one too.
    let (_, _, s) = settings(&app, "sysnum=demo&locale=xx", None).await;
    assert_eq!(s["locale"], "zh");
    assert_eq!(s["labels"]["open"], "打开在线客服");
    let (_, _, s) = settings(&app, "sysnum=QUEUE&locale=", None).await;
    assert_eq!(s["locale"], "en");
    assert_eq!(s["labels"]["close"], "Close chat");
}

/// The loader's files: the entry revalidates with an ETag (a 304 when unchanged) and is
/// kept five minutes; hashed parts are kept a year; each is sent as its precompressed
/// `.br` or `.gz` when the browser accepts it; other names are 404s.
#[tokio::test]
async fn the_loader_files_are_precompressed_and_cacheable() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = dir.path().to_path_buf();
    std::fs::write(sdk.join("entrance.js"), "/*entry*/").unwrap();
    std::fs::write(sdk.join("entrance.js.br"), "BROTLI").unwrap();
    std::fs::write(sdk.join("entrance.js.gz"), "GZIP").unwrap();
    std::fs::write(sdk.join("entrance-window.0123456789.js"), "/*part*/").unwrap();
    let tuned = sdk.clone();
    let app = spawn_app_tuned(
        Store::Sqlite,
        |_| {},
        move |s| {
            s.sdk = std::sync::Arc::new(tuned);
        },
    )
    .await;
    // reqwest here decodes nothing (no compression features), so the bytes are as sent.
    let get = |path: &'static str, encoding: &'static str, etag: Option<String>| {
        let mut r = app
            .http
            .get(app.url(path))
            .header(header::ACCEPT_ENCODING, encoding);
        if let Some(tag) = etag {
            r = r.header(header::IF_NONE_MATCH, tag);
        }
        r.send()
    };
    let br = get("/chat/frame/v2/entrance.js", "gzip, br", None)
        .await
        .unwrap();
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(
        br.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(br.headers()["cache-control"], "public, max-age=300");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    let tag = br.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(br.bytes().await.unwrap(), "BROTLI");
    let again = get("/chat/frame/v2/entrance.js", "gzip, br", Some(tag.clone()))
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], tag.as_str());
    let gz = get("/chat/frame/v2/entrance.js", "gzip", Some(tag.clone()))
        .await
        .unwrap();
    assert_eq!(gz.status(), 200, "another representation, another tag");
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.bytes().await.unwrap(), "GZIP");
    let plain = get("/chat/frame/v2/entrance.js", "identity", None)
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap(), "/*entry*/");

    let part = get("/chat/frame/v2/entrance-window.0123456789.js", "br", None)
        .await
        .unwrap();
    assert_eq!(part.status(), 200);
    assert_eq!(
        part.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    for missing in [
        "/chat/frame/v2/nothing.js",
        "/chat/frame/v2/entrance.js.br",
        "/chat/frame/v2/..%2Fsecret.js",
    ] {
        let r = get(missing, "br", None).await.unwrap();
        assert_eq!(r.status(), 404, "{missing}");
    }
}

/// The demo shop exists only in demo mode; it loads the loader from the other loopback
/// name of the server, so the chat is on another origin than the shop.
#[tokio::test]
async fn the_demo_shop_is_served_in_demo_mode_only() {
    let plain = spawn_app(Store::Sqlite).await;
    let r = plain
        .http
        .get(plain.url("/demo/shop.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let demo = spawn_app_tuned(Store::Sqlite, |_| {}, |s| s.demo = true).await;
    let port = demo.addr.port();
    let r = demo
        .http
        .get(format!("http://localhost:{port}/demo/shop.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "x.src = \"http://127.0.0.1:{port}/chat/frame/v2/entrance.js?sysnum=demo\";"
        )),
        "{html}"
    );
    assert!(html.contains("x.id = \"zhichiScript\";"));
    let r = demo
        .http
        .get(demo.url("/demo/shop.html"))
        .header(header::HOST, "evil\"><script>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
