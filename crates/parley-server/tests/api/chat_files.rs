//! Files in chat (PDF, Office, text, ZIP): both directions, checked by content like
//! ticket attachments (a `.pdf` that is really HTML is refused and stores nothing), up
//! to the tenant's `chat_file_bytes`, downloaded with `Content-Disposition: attachment`.

use reqwest::Method;

use crate::helpers::{spawn_app, spawn_app_with, Store};
use crate::images::{files_stored, png_2x3, upload, visitor_for_alice};

crate::on_both_stores!(
    a_pdf_goes_both_ways_and_downloads_as_an_attachment,
    files_that_are_not_what_they_claim_are_refused_and_store_nothing,
    the_tenants_limit_bounds_a_file,
);

/// A small but well-formed PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

async fn a_pdf_goes_both_ways_and_downloads_as_an_attachment(store: Store) {
    let app = spawn_app(store).await;
    let (alice, visitor, conv) = visitor_for_alice(&app, "file-1").await;
    let path = "/api/chat/file?client_id=v-file-1&name=r%C3%A9sum%C3%A9%20%22Q3%22.pdf";
    let (status, body) = upload(&app, path, &visitor, "application/pdf", pdf()).await;
    assert_eq!(status, 409, "no agent yet: {body}");
    assert_eq!(app.accept(&conv, &alice).await.0, 200);

    let (status, sent) = upload(&app, path, &visitor, "application/pdf", pdf()).await;
    assert_eq!(status, 200, "{sent}");
    let m = &sent["message"];
    assert_eq!(m["kind"], "file");
    assert_eq!(m["text"], "résumé \"Q3\".pdf");
    assert_eq!(m["file"]["name"], "résumé \"Q3\".pdf");
    assert_eq!(m["file"]["content_type"], "application/pdf");
    assert_eq!(m["file"]["size"], pdf().len());
    // A re-send of the client id stores no second copy.
    let (status, again) = upload(&app, path, &visitor, "application/pdf", pdf()).await;
    assert_eq!(status, 200);
    assert_eq!(again["duplicate"], true);
    assert_eq!(files_stored(&app).await, 1);

    // The agent sees it in the conversation and downloads it.
    let (status, page) = app
        .call(
            Method::GET,
            &format!("/api/agent/conversations/{conv}/messages"),
            &alice,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let listed = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "file")
        .expect("the file message")
        .clone();
    assert_eq!(listed["file"], m["file"]);
    let id = m["file"]["id"].as_str().unwrap();
    let download = app
        .http
        .get(app.url(&format!("/api/files/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    let h = download.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"r_sum___Q3_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22Q3%22.pdf"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf().as_slice());

    // The agent sends a text file back; the visitor's history has it.
    let back = format!("/api/agent/conversations/{conv}/file?client_id=a-file-1&name=steps.txt");
    let (status, sent) = upload(
        &app,
        &back,
        &alice,
        "text/plain",
        "1. Open the box\n2. Enjoy\n".into(),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(
        sent["message"]["file"]["content_type"],
        "text/plain; charset=utf-8"
    );
    let (_, history) = app
        .call(Method::GET, "/api/chat/history", &visitor, None)
        .await;
    let names: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "file")
        .map(|m| m["file"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["résumé \"Q3\".pdf", "steps.txt"]);
}

/// From the visitor and from the agent: what a file's bytes are decides, not its name
/// or claimed type (HTML sent as a PDF would otherwise run in the site's origin when
/// opened).
async fn files_that_are_not_what_they_claim_are_refused_and_store_nothing(store: Store) {
    let app = spawn_app(store).await;
    let (alice, visitor, conv) = visitor_for_alice(&app, "file-2").await;
    assert_eq!(app.accept(&conv, &alice).await.0, 200);
    let html = b"<!doctype html><script>alert(document.cookie)</script>".to_vec();
    let cases: [(&str, &str, Vec<u8>, &str); 5] = [
        (
            "invoice.pdf",
            "application/pdf",
            html.clone(),
            "the content of \"invoice.pdf\" is not what its type says",
        ),
        (
            "invoice.pdf",
            "application/octet-stream",
            html.clone(),
            "the content of \"invoice.pdf\" is not what its type says",
        ),
        (
            "page.html",
            "text/html",
            html,
            "\"page.html\" is not a file type the chat takes (PDF, Office, text or ZIP)",
        ),
        (
            "tool.exe",
            "application/octet-stream",
            b"MZ\x90\x00".to_vec(),
            "\"tool.exe\" is not a file type the chat takes (PDF, Office, text or ZIP)",
        ),
        (
            "photo.png",
            "image/png",
            png_2x3(),
            "pictures are sent as pictures (POST /api/chat/image)",
        ),
    ];
    for (i, (name, content_type, bytes, message)) in cases.into_iter().enumerate() {
        let path = format!("/api/chat/file?client_id=bad-{i}&name={name}");
        let (status, body) = upload(&app, &path, &visitor, content_type, bytes).await;
        assert_eq!(status, 400, "{name}: {body}");
        assert_eq!(body["message"], message, "{name}");
    }
    // The agent's route sniffs the same way: HTML named and typed as a PDF, or as text,
    // is refused from the workbench too.
    let html = b"<!doctype html><script>alert(document.cookie)</script>".to_vec();
    for (i, (name, content_type, message)) in [
        (
            "invoice.pdf",
            "application/pdf",
            "the content of \"invoice.pdf\" is not what its type says",
        ),
        (
            "page.html",
            "text/html",
            "\"page.html\" is not a file type the chat takes (PDF, Office, text or ZIP)",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let path =
            format!("/api/agent/conversations/{conv}/file?client_id=agent-bad-{i}&name={name}");
        let (status, body) = upload(&app, &path, &alice, content_type, html.clone()).await;
        assert_eq!(status, 400, "agent {name}: {body}");
        assert_eq!(body["message"], message, "agent {name}");
    }
    let (status, body) = upload(
        &app,
        "/api/chat/file?client_id=bad-9&name=empty.txt",
        &visitor,
        "text/plain",
        Vec::new(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(files_stored(&app).await, 0);
    let (_, page) = app
        .call(
            Method::GET,
            &format!("/api/agent/conversations/{conv}/messages"),
            &alice,
            None,
        )
        .await;
    assert!(
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["kind"] != "file"),
        "{page}"
    );
    // Another visitor cannot send into this conversation: their session names their own.
    let other = app.init("sysnum=demo&type=1").await;
    let other = other["session_token"].as_str().unwrap();
    let (status, _) = upload(
        &app,
        "/api/chat/file?client_id=x&name=a.pdf",
        other,
        "application/pdf",
        pdf(),
    )
    .await;
    assert_eq!(status, 409, "their own bot conversation has no agent");
    assert_eq!(files_stored(&app).await, 0);
}

async fn the_tenants_limit_bounds_a_file(store: Store) {
    let app = spawn_app_with(store, |c| {
        let t = c.tenants.iter_mut().find(|t| t.sysnum == "demo").unwrap();
        t.limits.chat_file_bytes = Some(1024);
    })
    .await;
    let (alice, visitor, conv) = visitor_for_alice(&app, "file-3").await;
    assert_eq!(app.accept(&conv, &alice).await.0, 200);
    let mut big = pdf();
    big.resize(1025, b' ');
    let (status, body) = upload(
        &app,
        "/api/chat/file?client_id=big&name=big.pdf",
        &visitor,
        "application/pdf",
        big,
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["message"], "the file is larger than 1 KiB");
    let mut fits = pdf();
    fits.resize(1024, b' ');
    let (status, body) = upload(
        &app,
        "/api/chat/file?client_id=fits&name=fits.pdf",
        &visitor,
        "application/pdf",
        fits,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(files_stored(&app).await, 1);
}
