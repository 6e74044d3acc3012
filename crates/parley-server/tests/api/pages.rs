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
    let modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let again = app
        .http
        .get(app.url(path))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}
