//! Tickets: the leave-message page and the ticket plug-in against the real router and
//! both stores.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{signed, spawn_app, Store, TestApp};

crate::on_both_stores!(
    template_is_fetched_for_the_spec_link,
    bad_attachments_are_refused_and_nothing_is_stored,
    ticket_reaches_the_agent_and_the_reply_reaches_the_visitor,
    plugin_params_fill_declared_docking_fields_only,
    ticket_pages_honour_sign_like_init
);

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The spec's leave-message link, host swapped, sysnum the demo tenant's.
const SPEC_LINK: &str =
    "sysnum=demo&uid=xxx&source=9&uname=xxx&templateid=xxx&groupid=xx&locale=cn&t=xxx";

async fn session(app: &TestApp, query: &str) -> Value {
    let (status, body) = app
        .post_json("/api/ticket/session", &json!({ "query": query }))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn submit(app: &TestApp, token: &str, body: &Value) -> (reqwest::StatusCode, Value) {
    app.call(Method::POST, "/api/ticket/submit", token, Some(body))
        .await
}

async fn mine(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.call(Method::GET, "/api/ticket/mine", token, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn template_is_fetched_for_the_spec_link(store: Store) {
    let app = spawn_app(store).await;
    let s = session(&app, SPEC_LINK).await;
    // `locale=cn` is the spec's alias of zh; the unknown templateid falls back to the
    // default template, and the unknown group is not kept.
    assert_eq!(s["locale"], "zh");
    let t = &s["template"];
    assert_eq!(t["id"], "default");
    assert!(t["guidance"].as_str().unwrap().contains("请留言"), "{t}");
    let keys: Vec<_> = t["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["key"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        keys,
        [
            ("order_code", "text"),
            ("topic", "select"),
            ("order_date", "date"),
            ("amount", "number")
        ]
    );
    assert_eq!(t["fields"][0]["required"], true);
    assert_eq!(t["attachments"]["max_count"], 3);
    assert_eq!(s["group_id"], Value::Null);
    assert!(s["session_token"].as_str().unwrap().len() > 30);

    // The public template endpoint (for the form inside the chat page) agrees.
    let r = app
        .http
        .get(app.url("/api/ticket/template?sysnum=demo&locale=en&templateid=plugin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["id"], "plugin");
    assert_eq!(t["email"], "required");
    let r = app
        .http
        .get(app.url("/api/ticket/template?sysnum=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "unknown_tenant");

    // Only the submission accepts large bodies.
    let (status, _) = app
        .post_json(
            "/api/ticket/session",
            &json!({ "query": format!("sysnum=demo&uname={}", "x".repeat(100_000)) }),
        )
        .await;
    assert_eq!(status, 413);

    // A third-party form takes over when the link asks for it.
    let s = session(
        &app,
        "sysnum=demo&leave_customsys_flag=1&leave_customsys_url=https%3A%2F%2Fforms.example.com%2Fx",
    )
    .await;
    assert_eq!(s["redirect"], "https://forms.example.com/x");
    let s = session(
        &app,
        "sysnum=demo&leave_customsys_flag=1&leave_customsys_url=javascript:alert(1)",
    )
    .await;
    assert_eq!(s["redirect"], Value::Null);
}

async fn bad_attachments_are_refused_and_nothing_is_stored(store: Store) {
    let app = spawn_app(store).await;
    let s = session(&app, "sysnum=TICKETS&templateid=small&locale=en").await;
    let token = s["session_token"].as_str().unwrap();
    let big_png = [PNG, &[0u8; 1024]].concat();
    let form = |attachments: Value| {
        json!({
            "query": "sysnum=TICKETS&templateid=small",
            "content": "The parcel arrived broken.",
            "fields": {"order_code": "A-7"},
            "tel": "+44 20 7946 0000",
            "attachments": attachments,
        })
    };
    let (status, body) = submit(
        &app,
        token,
        &form(json!([
            {"name": "big.png", "content_type": "image/png", "data_base64": b64(&big_png)},
            {"name": "photo.png", "content_type": "image/png", "data_base64": b64(JPEG)},
        ])),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "bad_request");
    let problems: Vec<_> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        problems,
        [
            ("attachments[0]", "file_too_large"),
            ("attachments[1]", "content_mismatch")
        ]
    );
    assert_eq!(body["problems"][0]["limit"], 1024);
    // A good file beside a bad one is not stored either.
    let (status, _) = submit(
        &app,
        token,
        &form(json!([
            {"name": "ok.png", "content_type": "image/png", "data_base64": b64(PNG)},
            {"name": "run.exe", "content_type": "image/png", "data_base64": b64(b"MZ\x90\0\x03\0")},
        ])),
    )
    .await;
    assert_eq!(status, 422);
    // Required fields and too many files are refused the same way.
    let (status, body) = submit(
        &app,
        token,
        &json!({"query": "sysnum=TICKETS&templateid=small", "content": " ", "attachments": [
            {"name": "a.png", "content_type": "image/png", "data_base64": b64(PNG)},
            {"name": "b.png", "content_type": "image/png", "data_base64": b64(PNG)},
            {"name": "c.png", "content_type": "image/png", "data_base64": b64(PNG)},
        ]}),
    )
    .await;
    assert_eq!(status, 422);
    let codes: Vec<_> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["required", "required", "required", "too_many_files"]
    );
    assert_eq!(mine(&app, token).await["tickets"], json!([]));

    // The corrected form goes through, with the image stored as what it is.
    let (status, body) = submit(
        &app,
        token,
        &form(json!([{"name": "C:\\photos\\box.png", "content_type": "", "data_base64": format!("data:image/png;base64,{}", b64(PNG))}])),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["number"], 1);
    assert_eq!(body["attachments"][0]["name"], "box.png");
    assert_eq!(body["attachments"][0]["content_type"], "image/png");
    assert_eq!(body["attachments"][0]["size"], PNG.len());
    assert_eq!(
        mine(&app, token).await["tickets"].as_array().unwrap().len(),
        1
    );
}

async fn ticket_reaches_the_agent_and_the_reply_reaches_the_visitor(store: Store) {
    let app = spawn_app(store).await;
    let s = session(
        &app,
        &signed("sysnum=demo&partnerid=ann-1&uname=Ann&locale=en"),
    )
    .await;
    let token = s["session_token"].as_str().unwrap().to_owned();
    let (status, created) = submit(
        &app,
        &token,
        &json!({
            "query": signed("sysnum=demo&partnerid=ann-1&groupid=support"),
            "content": "Where is my refund?",
            "fields": {"order_code": "A-42", "topic": "Billing", "order_date": "2026-11-20", "amount": "19.90"},
            "email": "ann@example.com",
            "attachments": [{"name": "receipt.png", "content_type": "image/png", "data_base64": b64(PNG)}],
        }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["group_id"], "support");

    let agent = app.agent_login("bob").await;
    let (status, list) = app
        .call(Method::GET, "/api/agent/tickets?status=open", &agent, None)
        .await;
    assert_eq!(status, 200, "{list}");
    let t = &list["tickets"][0];
    assert_eq!(t["id"], id.as_str());
    assert_eq!(t["content"], "Where is my refund?");
    assert_eq!(t["email"], "ann@example.com");
    assert_eq!(t["fields"][1]["label"], "Topic");
    assert_eq!(t["fields"][1]["value"], "Billing");
    assert_eq!(t["visitor_id"], s["visitor_id"]);
    let (_, one) = app
        .call(
            Method::GET,
            &format!("/api/agent/tickets/{id}"),
            &agent,
            None,
        )
        .await;
    assert_eq!(one["attachments"][0]["name"], "receipt.png");
    // The stored bytes come back, served as the checked type.
    let r = app
        .http
        .get(app.url(&format!("/api/agent/tickets/{id}/attachments/0")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    // A visitor token is not an agent token.
    let (status, _) = app
        .call(Method::GET, "/api/agent/tickets", &token, None)
        .await;
    assert_eq!(status, 401);

    let (_, before) = app
        .call(Method::GET, "/api/ticket/unread", &token, None)
        .await;
    assert_eq!(before["leaveToTicket"], 0);
    let (status, replied) = app
        .call(
            Method::POST,
            &format!("/api/agent/tickets/{id}/reply"),
            &agent,
            Some(&json!({"text": "Your refund was sent today."})),
        )
        .await;
    assert_eq!(status, 200, "{replied}");
    assert_eq!(replied["status"], "replied");

    // The visitor is told (offline_message_count's leaveToTicket, also in init) and
    // reads it.
    let chat = app.init(&signed("sysnum=demo&partnerid=ann-1")).await;
    assert_eq!(chat["leave_to_ticket"], true, "{chat}");
    let (_, after) = app
        .call(Method::GET, "/api/ticket/unread", &token, None)
        .await;
    assert_eq!(after["leaveToTicket"], 1);
    assert_eq!(after["unread_replies"], 1);
    let m = mine(&app, &token).await;
    assert_eq!(m["unread_replies"], 1);
    assert_eq!(
        m["tickets"][0]["replies"][0]["text"],
        "Your refund was sent today."
    );
    assert_eq!(m["tickets"][0]["replies"][0]["agent_name"], "Bob");
    let (_, seen) = app
        .call(Method::GET, "/api/ticket/unread", &token, None)
        .await;
    assert_eq!(seen["leaveToTicket"], 0);

    // The same visitor's chat session reads the same tickets (the embedded form).
    let init = app.init(&signed("sysnum=demo&partnerid=ann-1")).await;
    assert_eq!(init["leave_to_ticket"], false, "read by now");
    let chat_token = init["session_token"].as_str().unwrap();
    assert_eq!(
        mine(&app, chat_token).await["tickets"][0]["id"],
        id.as_str()
    );
    // Another visitor sees none of it.
    let other = session(&app, "sysnum=demo&partnerid=someone-else").await;
    assert_eq!(
        mine(&app, other["session_token"].as_str().unwrap()).await["tickets"],
        json!([])
    );

    let (status, closed) = app
        .call(
            Method::POST,
            &format!("/api/agent/tickets/{id}/close"),
            &agent,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(closed["status"], "closed");
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/agent/tickets/{id}/reply"),
            &agent,
            Some(&json!({"text": "more"})),
        )
        .await;
    assert_eq!(status, 409);
    let (status, _) = app
        .call(Method::GET, "/api/agent/tickets/nope", &agent, None)
        .await;
    assert_eq!(status, 404);
}

async fn plugin_params_fill_declared_docking_fields_only(store: Store) {
    let app = spawn_app(store).await;
    // The spec's plug-in link and its params example, sysNum swapped for the demo's,
    // plus one undeclared field.
    let params = r#"{"card_title":"Sobot","card_url":"http://sg.sobot.io","card_desc":"Sobot,Online,Call,Robot,Integration","card_note":"$1500","card_picture":"https://img.sobot.io/console/common/face/admin.png","evil":"x"}"#;
    let query = format!(
        "sysNum=demo&deployId=84a3a0c2d3ea452a862a1ee6ed32cb8c&paramUnionId=yuzuu-RVVVB-www&params={}",
        urlencode(params)
    );
    let s = session(&app, &query).await;
    assert_eq!(s["template"]["id"], "plugin");
    assert_eq!(s["docking"]["card_title"], "Sobot");
    assert_eq!(s["docking"]["card_note"], "$1500");
    assert_eq!(s["docking"].as_object().unwrap().len(), 5);
    assert!(
        s["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["param"] == "params.evil"),
        "{s}"
    );
    let token = s["session_token"].as_str().unwrap();
    let big = [PNG, &vec![0u8; 300 * 1024]].concat();
    let (status, body) = submit(
        &app,
        token,
        &json!({"query": query, "content": "Is it in stock?", "email": "wx@example.com",
            "attachments": [{"name": "shelf.png", "content_type": "image/png", "data_base64": b64(&big)}]}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // A body far above the app-wide 64 KiB limit goes through to the submission.
    assert_eq!(body["attachments"][0]["size"], big.len());
    assert_eq!(body["source"], "ticket_plugin");
    assert_eq!(body["docking"]["card_url"], "http://sg.sobot.io");
    assert_eq!(body["docking"].get("evil"), None);

    // Nothing signs an identification field: it is a label agents see, marked
    // unverified, and another browser naming the same one is another visitor who sees
    // none of these tickets.
    let agent = app.agent_login("bob").await;
    let visitor = s["visitor_id"].as_str().unwrap();
    let (status, profile) = app
        .call(
            Method::GET,
            &format!("/api/agent/visitors/{visitor}"),
            &agent,
            None,
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["partnerid"], Value::Null);
    assert_eq!(profile["claimed_partnerid"], "paramUnionId:yuzuu-RVVVB-www");
    let again = session(
        &app,
        "sysNum=demo&deployId=84a3a0c2d3ea452a862a1ee6ed32cb8c&paramUnionId=yuzuu-RVVVB-www",
    )
    .await;
    assert_ne!(again["visitor_id"], s["visitor_id"]);
    let seen = mine(&app, again["session_token"].as_str().unwrap()).await;
    assert_eq!(seen["tickets"], json!([]));
    // The browser that kept its visitor id still sees its own.
    let (status, kept) = app
        .post_json(
            "/api/ticket/session",
            &json!({"query": query, "visitor_id": s["visitor_id"]}),
        )
        .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["visitor_id"], s["visitor_id"]);
    let seen = mine(&app, kept["session_token"].as_str().unwrap()).await;
    assert_eq!(seen["tickets"][0]["docking"]["card_title"], "Sobot");
}

async fn ticket_pages_honour_sign_like_init(store: Store) {
    let app = spawn_app(store).await;
    let (status, body) = app
        .post_json(
            "/api/ticket/session",
            &json!({"query": "sysnum=SIGNED&partnerid=u1&sign=bad"}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "illegal_user");
    // Identification fields do not get around the sign either.
    let (status, _) = app
        .post_json(
            "/api/ticket/session",
            &json!({"query": "sysNum=SIGNED&paramUnionId=u1"}),
        )
        .await;
    assert_eq!(status, 403);
    let sign = parley_protocol::digest::link_sign("SIGNED", "signed-tenant-key", "u1");
    let s = session(&app, &format!("sysnum=SIGNED&partnerid=u1&sign={sign}")).await;
    assert!(s["session_token"].is_string());
    // The token-API tenant refuses a page without a token.
    let (status, body) = app
        .post_json(
            "/api/ticket/session",
            &json!({"query": "sysnum=ABC&partnerid=u1"}),
        )
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "token_expired");
    // Submitting needs a session.
    let (status, _) = submit(&app, "nope", &json!({"query": "", "content": "x"})).await;
    assert_eq!(status, 401);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reloading the leave-message page (a conditional GET) must not turn into the
/// "client not built" page: a reload is how a draft is tested and restored.
#[tokio::test]
async fn a_reload_of_a_page_gets_not_modified() {
    let app = spawn_app(Store::Sqlite).await;
    let url = app.url("/chat/h5/v2/leavemessage.html?sysnum=demo");
    let first = app.http.get(&url).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].clone();
    let again = app
        .http
        .get(&url)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(!again.text().await.unwrap().contains("not built"));
}
