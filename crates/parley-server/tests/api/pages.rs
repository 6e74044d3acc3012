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

/// A hashed build file is sent as the `.br` (or `.gz`) the build wrote beside it, byte
/// for byte (the compression layer does not compress it again), which decompresses to
/// the file; it may be kept a year. A file without a hash in its name is revalidated.
#[tokio::test]
async fn built_files_are_sent_precompressed_and_hashed_ones_kept_a_year() {
    use std::io::{Read, Write};
    let app = spawn_app(Store::Sqlite).await;
    let dist = app.state.as_ref().expect("in-process").dist.to_path_buf();
    let name = "parley-client-0123456789abcdef_bg.wasm";
    let raw: Vec<u8> = (0..20_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &raw[..], &mut br, &params).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dist.join(name), &raw).unwrap();
    std::fs::write(dist.join(format!("{name}.br")), &br).unwrap();
    std::fs::write(dist.join(format!("{name}.gz")), &gz).unwrap();

    let get = |accept: &'static str| {
        let url = app.url(&format!("/{name}"));
        let http = app.http.clone();
        async move {
            http.get(url)
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap()
        }
    };
    let r = get("gzip, deflate, br").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(r
        .headers()
        .get_all("vary")
        .iter()
        .any(|v| v.to_str().unwrap().contains("accept-encoding")));
    let body = r.bytes().await.unwrap();
    assert_eq!(&body[..], &br[..], "the build's file, not compressed again");
    let mut unpacked = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, raw);

    let r = get("gzip").await;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let body = r.bytes().await.unwrap();
    assert_eq!(&body[..], &gz[..]);
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, raw);

    let r = get("identity").await;
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(&r.bytes().await.unwrap()[..], &raw[..]);

    // A language file keeps its name across builds: revalidated, not kept.
    std::fs::create_dir_all(dist.join("locales/en")).unwrap();
    std::fs::write(dist.join("locales/en/main.ftl"), "loading = Loading…\n").unwrap();
    let r = app
        .http
        .get(app.url("/locales/en/main.ftl"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    // A missing file is a 404 nobody keeps.
    let r = app
        .http
        .get(app.url("/parley-client-fedcba9876543210.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_ne!(
        r.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("public, max-age=31536000, immutable")
    );
}

/// A page is `no-cache` with an ETag, a revalidation with that tag is a 304 with no
/// body, and the page is prepared once: changing the file under a running server does
/// not change what it serves (a new build needs a restart, as its asset names change).
#[tokio::test]
async fn pages_are_prepared_once_and_revalidated_by_etag() {
    let app = spawn_app(Store::Sqlite).await;
    let dist = app.state.as_ref().expect("in-process").dist.to_path_buf();
    let path = "/chat/pc/v2/index.html?sysnum=demo&locale=en";
    let first = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(first
        .text()
        .await
        .unwrap()
        .contains("<title>client</title>"));

    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>other</title>",
    )
    .unwrap();
    let again = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("<title>client</title>"));

    let revalidated = app
        .http
        .get(app.url(path))
        .header("if-none-match", format!("\"nope\", {etag}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"].to_str().unwrap(), etag);
    assert!(revalidated.bytes().await.unwrap().is_empty());
    let stale = app
        .http
        .get(app.url(path))
        .header("if-none-match", "\"nope\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}

/// The leave-message and ticket pages come from their own bundle (`dist/leave/`), the
/// chat pages from the chat's; each with its own inline-script hash in its CSP.
#[tokio::test]
async fn leave_and_ticket_pages_use_their_own_bundle() {
    let app = spawn_app(Store::Sqlite).await;
    let dist = app.state.as_ref().expect("in-process").dist.to_path_buf();
    std::fs::create_dir_all(dist.join("leave")).unwrap();
    std::fs::write(
        dist.join("leave/index.html"),
        "<!doctype html><title>leave</title><script type=module>import '/leave/x.js'</script>",
    )
    .unwrap();
    let get = |path: &'static str| {
        let url = app.url(path);
        let http = app.http.clone();
        async move {
            let r = http.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            let csp = r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned();
            (csp, r.text().await.unwrap())
        }
    };
    for path in [
        "/chat/h5/v2/leavemessage.html?sysnum=demo",
        "/ticketclient/index.html?sysNum=demo",
    ] {
        let (csp, body) = get(path).await;
        assert!(body.contains("<title>leave</title>"), "{path}: {body}");
        assert!(csp.contains("'sha256-"), "{csp}");
    }
    for path in [
        "/chat/pc/v2/index.html?sysnum=demo",
        "/chat/h5/v2/index.html?sysnum=demo",
    ] {
        let (csp, body) = get(path).await;
        assert!(body.contains("<title>client</title>"), "{path}: {body}");
        assert!(!csp.contains("'sha256-"), "{csp}");
    }
}
