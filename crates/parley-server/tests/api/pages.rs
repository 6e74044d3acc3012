//! The page routes.

use crate::helpers::{spawn_app, Store};

#[tokio::test]
async fn every_spec_page_path_serves_the_client_and_others_are_404() {
    let app = spawn_app(Store::Sqlite).await;
    for path in parley_server::routes::pages::PAGE_PATHS {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        // Only the chat's own origin may frame a page of an unknown tenant.
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
        assert!(r.text().await.unwrap().contains("<title>client</title>"));
    }
    let r = app
        .http
        .get(app.url("/chat/pc/v9/index.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Not found"));
    let r = app.http.get(app.url("/api/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn a_reload_that_revalidates_the_page_gets_304_not_an_error() {
    let app = spawn_app(Store::Sqlite).await;
    let path = "/chat/h5/v2/index.html?sysnum=demo";
    let first = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .http
        .get(app.url(path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

/// Each page carries the messages of the language init will use (the link's `locale`,
/// else the tenant's default, else zh), read from the `locales/` folder of `dist/`, so
/// the client needs no other request for its text.
#[tokio::test]
async fn each_page_carries_the_language_init_will_use() {
    let app = spawn_app(Store::Sqlite).await;
    let dist = app
        .state
        .as_ref()
        .expect("in-process app")
        .dist
        .to_path_buf();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html><head><title>client</title></head><body></body></html>",
    )
    .unwrap();
    let get = |query: &'static str| {
        let url = app.url(&format!("/chat/h5/v2/index.html?{query}"));
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // Without the files the page is served as it is (the client then fetches them).
    let bare = get("sysnum=demo&locale=ar").await;
    assert!(!bare.contains("parley-locale"), "{bare}");

    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    for entry in std::fs::read_dir(&repo).unwrap() {
        let entry = entry.unwrap();
        let to = dist.join("locales").join(entry.file_name());
        std::fs::create_dir_all(&to).unwrap();
        for file in std::fs::read_dir(entry.path()).unwrap() {
            let file = file.unwrap();
            std::fs::copy(file.path(), to.join(file.file_name())).unwrap();
        }
    }
    let ar = get("sysnum=demo&locale=ar").await;
    assert!(
        ar.contains(r#"<script type="text/plain" id="parley-locale" data-locale="ar">"#),
        "{ar}"
    );
    assert!(ar.contains("loading = جارٍ التحميل…"));
    assert!(ar.contains("chat-attach = "), "every area is joined in");
    assert!(ar.find("parley-locale").unwrap() < ar.find("</head>").unwrap());
    // The spec's aliases, the tenant's default and the fallback.
    assert!(get("sysnum=demo&locale=tw")
        .await
        .contains(r#"data-locale="zh-Hant""#));
    assert!(get("sysnum=QUEUE").await.contains(r#"data-locale="en""#));
    assert!(get("sysnum=demo").await.contains(r#"data-locale="zh""#));
    assert!(get("sysnum=nobody&locale=xx")
        .await
        .contains(r#"data-locale="zh""#));
    // The files themselves are served too: the client fetches a language from there
    // when a page came without it (the dev loop's `trunk serve`).
    let file = app
        .http
        .get(app.url("/locales/ar/main.ftl"))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert!(file
        .text()
        .await
        .unwrap()
        .contains("loading = جارٍ التحميل…"));
    // Another language is another page for the cache.
    let etag = |query: &'static str| {
        let url = app.url(&format!("/chat/h5/v2/index.html?{query}"));
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap().headers()["etag"].clone() }
    };
    assert_ne!(
        etag("sysnum=demo&locale=ar").await,
        etag("sysnum=demo&locale=en").await
    );
}

/// The loader's visitor frame runs one script from this origin, may call only this
/// origin, and may be framed only where the chat may (here a tenant listing no site;
/// the shipped demo's `["*"]` is any site).
#[tokio::test]
async fn the_visitor_frame_is_locked_down_like_the_chat() {
    let app = spawn_app(Store::Sqlite).await;
    let csp_of = |path: &'static str| {
        let url = app.url(path);
        let http = app.http.clone();
        async move {
            let r = http.get(url).send().await.unwrap();
            r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    let demo = csp_of("/chat/frame/v2/visitor.html?sysnum=demo").await;
    assert!(demo.ends_with("frame-ancestors *"), "{demo}");
    let chat = csp_of("/chat/pc/v2/index.html?sysnum=demo").await;
    assert!(chat.ends_with("frame-ancestors *"), "{chat}");
    let r = app
        .http
        .get(app.url("/chat/frame/v2/visitor.html?sysnum=QUEUE&partnerid=p1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'; script-src 'self';"),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<script src=\"visitor.js\"></script>"),
        "{html}"
    );
}
