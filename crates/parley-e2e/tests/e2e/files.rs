//! Files in chat end to end: the visitor attaches a PDF with the composer's attach
//! button, the agent finds it through the agent API and downloads it as an attachment;
//! the visitor's page shows it as a card with its name and size that downloads.

use fantoccini::Locator;
use parley_e2e::{Agent, Browser, Server, Viewport};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test]
async fn a_pdf_goes_from_the_visitor_to_the_agent_and_downloads() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    browser
        .client
        .goto(&server.url(
            "/chat/pc/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales&partnerid=files",
        ))
        .await
        .unwrap();
    let id = alice.take_next().await;
    browser
        .wait_until(
            "!!document.querySelector('.composer .attach')",
            20,
            "the attach button",
        )
        .await;
    // Chromium can capture the screen, and cut_flag is not hidden: the tool shows.
    assert_eq!(
        browser
            .eval("!!document.querySelector('.composer button.screenshot')")
            .await,
        true
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("order-1234.pdf");
    std::fs::write(&path, PDF).unwrap();
    let input = browser
        .client
        .find(Locator::Css(".composer input[type=file]"))
        .await
        .expect("file input");
    input
        .send_keys(path.to_str().unwrap())
        .await
        .expect("pick the file");
    browser
        .wait_until(
            "[...document.querySelectorAll('.msg-visitor a.file-card')]\
             .some(a => a.textContent.includes('order-1234.pdf') && a.textContent.includes('B'))",
            20,
            "the visitor's file card",
        )
        .await;
    let href = browser
        .eval("document.querySelector('.msg-visitor a.file-card').getAttribute('href')")
        .await;
    let download = browser
        .eval("document.querySelector('.msg-visitor a.file-card').getAttribute('download')")
        .await;
    assert_eq!(download, "order-1234.pdf");
    browser.screenshot("file-card-pc").await;

    // The agent sees the file in the conversation and downloads it.
    let (status, page) = alice
        .call(
            "GET",
            &format!("/api/agent/conversations/{id}/messages"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let file = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "file" && m["sender"] == "visitor")
        .unwrap_or_else(|| panic!("no file message: {page}"))["file"]
        .clone();
    assert_eq!(file["name"], "order-1234.pdf");
    assert_eq!(file["content_type"], "application/pdf");
    let url = format!("/api/files/{}", file["id"].as_str().unwrap());
    assert_eq!(href.as_str(), Some(url.as_str()));
    let got = reqwest::Client::new()
        .get(server.url(&url))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.headers()["content-disposition"],
        "attachment; filename=\"order-1234.pdf\"; filename*=UTF-8''order-1234.pdf"
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);

    // In the page, the card's link fetches the same bytes (same origin, no token).
    let fetched = browser
        .eval(&format!(
            "(async () => {{ const r = await fetch('{url}'); \
             window.__pdf = [r.headers.get('content-disposition'), (await r.text()).slice(0, 8)]; }})(), true"
        ))
        .await;
    assert_eq!(fetched, true);
    browser
        .wait_until("window.__pdf", 10, "the page's own download")
        .await;
    let seen = browser.eval("window.__pdf").await;
    assert_eq!(seen[1], "%PDF-1.4");
    assert!(seen[0].as_str().unwrap().starts_with("attachment"));
    browser.close().await;
}
