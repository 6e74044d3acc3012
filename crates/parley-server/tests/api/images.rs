//! Pictures: an agent and a visitor send pictures both ways, the sockets and histories
//! carry them with their size, the file is served only as the picture it is, re-sends
//! store one copy, and bad uploads get a clear 4xx that stores nothing.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{next_of, spawn_app, Store, TestApp};

crate::on_both_stores!(
    pictures_go_both_ways_and_are_served_as_pictures,
    bad_pictures_are_refused_and_store_nothing,
    a_conversation_keeps_at_most_its_picture_allowance
);

/// A real 2×3 red PNG, so a browser could show it.
pub fn png_2x3() -> Vec<u8> {
    const B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEUlEQVR4nGP4z8DwH4QZMBgAoXkL9U3EmgcAAAAASUVORK5CYII=";
    base64_decode(B64)
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

pub async fn upload(
    app: &TestApp,
    path: &str,
    token: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("upload");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn files_stored(app: &TestApp) -> i64 {
    let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM chat_files")
        .fetch_one(app.state.as_ref().expect("in-process app").db.pool())
        .await
        .unwrap();
    row.0
}

/// A demo visitor in agent-only reception (`partnerid`), with Alice busy so that she
/// accepts by hand: (Alice's token, the visitor's token, the conversation id).
pub async fn visitor_for_alice(app: &TestApp, partnerid: &str) -> (String, String, String) {
    let atoken = app.agent_busy("alice").await;
    let init = app
        .init(&format!(
            "sysnum=demo&type=2&groupid=sales&partnerid={partnerid}"
        ))
        .await;
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    (atoken, vtoken, conv)
}

async fn pictures_go_both_ways_and_are_served_as_pictures(store: Store) {
    let app = spawn_app(store).await;
    let (atoken, vtoken, conv) = visitor_for_alice(&app, "pic-1").await;
    let mut visitor = app.ws(&format!("/ws/visitor?token={vtoken}")).await;

    // Before an agent has joined, the visitor cannot send pictures (photo_flag's rule).
    let (status, body) = upload(
        &app,
        "/api/chat/image?client_id=v-pic-0",
        &vtoken,
        "image/png",
        png_2x3(),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("agent"),
        "{body}"
    );

    let (status, _) = app.accept(&conv, &atoken).await;
    assert_eq!(status, 200);
    let mut agent = app.ws(&format!("/ws/agent?token={atoken}")).await;

    // The agent sends a picture; the visitor's socket hears it with its size.
    let path = format!("/api/agent/conversations/{conv}/image?client_id=a-pic-1&name=map.png");
    let (status, sent) = upload(&app, &path, &atoken, "image/png", png_2x3()).await;
    assert_eq!(status, 200, "{sent}");
    let m = &sent["message"];
    assert_eq!(m["kind"], "image");
    assert_eq!(m["sender"], "agent");
    assert_eq!(m["text"], "map.png");
    assert_eq!(m["image"]["content_type"], "image/png");
    assert_eq!(m["image"]["width"], 2);
    assert_eq!(m["image"]["height"], 3);
    let pushed = loop {
        let e = next_of(&mut visitor, "message").await;
        if e["message"]["kind"] == "image" {
            break e;
        }
    };
    assert_eq!(pushed["message"]["image"], m["image"]);

    // The file is served as the picture, and only as a picture.
    let id = m["image"]["id"].as_str().unwrap();
    let r = app
        .http
        .get(app.url(&format!("/api/files/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), png_2x3());

    // The visitor answers with a picture, sent twice with one client id (a retry after
    // a lost response): one message, one stored file.
    for _ in 0..2 {
        let (status, body) = upload(
            &app,
            "/api/chat/image?client_id=v-pic-1&name=..%2F..%2Fetc%2Fshot.png",
            &vtoken,
            "application/octet-stream",
            png_2x3(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        // The path in the name is dropped; the claimed type does not matter.
        assert_eq!(body["message"]["text"], "shot.png");
        assert_eq!(body["message"]["image"]["content_type"], "image/png");
    }
    assert_eq!(files_stored(&app).await, 2);
    let pushed = loop {
        let e = next_of(&mut agent, "message").await;
        if e["message"]["kind"] == "image" && e["message"]["sender"] == "visitor" {
            break e;
        }
    };
    assert_eq!(pushed["message"]["client_id"], "v-pic-1");

    // The visitor's history has both pictures, read back from the store.
    let (_, history) = app
        .call(Method::GET, "/api/chat/history", &vtoken, None)
        .await;
    let pictures: Vec<&Value> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "image")
        .collect();
    assert_eq!(pictures.len(), 2, "{history}");
    assert_eq!(pictures[0]["image"]["width"], 2);

    // An unknown file id is a clean 404.
    let r = app
        .http
        .get(app.url("/api/files/00000000000000000000000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

async fn bad_pictures_are_refused_and_store_nothing(store: Store) {
    let app = spawn_app(store).await;
    let (atoken, vtoken, conv) = visitor_for_alice(&app, "pic-2").await;
    assert_eq!(app.accept(&conv, &atoken).await.0, 200);

    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec();
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let too_big = {
        let mut b = png_2x3();
        b.resize(parley_protocol::api::MAX_IMAGE_BYTES as usize + 10, 0);
        b
    };
    for (i, (ty, bytes, status, says)) in [
        ("image/svg+xml", svg, 400, "PNG"),
        ("image/png", html, 400, "PNG"),
        ("image/png", Vec::new(), 400, "empty"),
        ("image/png", too_big, 413, "larger"),
    ]
    .into_iter()
    .enumerate()
    {
        let (got, body) = upload(
            &app,
            &format!("/api/chat/image?client_id=bad-{i}"),
            &vtoken,
            ty,
            bytes,
        )
        .await;
        assert_eq!(got, status, "{ty}: {body}");
        assert!(
            body["message"].as_str().unwrap_or("").contains(says),
            "{body}"
        );
    }
    // No client id: a 400 that names it.
    let (got, body) = upload(&app, "/api/chat/image", &vtoken, "image/png", png_2x3()).await;
    assert_eq!(got, 400, "{body}");
    // Another tenant's agent or no session at all cannot post into the conversation.
    let (got, _) = upload(
        &app,
        "/api/chat/image?client_id=x",
        "not-a-token",
        "image/png",
        png_2x3(),
    )
    .await;
    assert_eq!(got, 401);
    assert_eq!(files_stored(&app).await, 0);
    let (_, history) = app
        .call(Method::GET, "/api/chat/history", &vtoken, None)
        .await;
    assert!(history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["kind"] != "image"));
}

async fn a_conversation_keeps_at_most_its_picture_allowance(store: Store) {
    use parley_server::routes::image::MAX_PICTURES_PER_CONVERSATION;
    let app = spawn_app(store).await;
    let (atoken, vtoken, conv) = visitor_for_alice(&app, "pic-3").await;
    assert_eq!(app.accept(&conv, &atoken).await.0, 200);
    for i in 0..MAX_PICTURES_PER_CONVERSATION {
        let path = format!("/api/chat/image?client_id=many-{i}");
        let (status, body) = upload(&app, &path, &vtoken, "image/png", png_2x3()).await;
        assert_eq!(status, 200, "{i}: {body}");
    }
    let (status, body) = upload(
        &app,
        "/api/chat/image?client_id=one-too-many",
        &vtoken,
        "image/png",
        png_2x3(),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("no more"),
        "{body}"
    );
    // A retry of the last one that went through still gets its answer.
    let last = format!(
        "/api/chat/image?client_id=many-{}",
        MAX_PICTURES_PER_CONVERSATION - 1
    );
    let (status, body) = upload(&app, &last, &vtoken, "image/png", png_2x3()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duplicate"], true);
    assert_eq!(files_stored(&app).await, MAX_PICTURES_PER_CONVERSATION);
}
