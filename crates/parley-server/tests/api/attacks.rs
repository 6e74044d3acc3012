//! What attackers try, each as a test that failed before its fix: guessing passwords,
//! and (as the security work goes on) the other findings of the security review.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    next_of, send_event, signed, spawn_app, spawn_app_tuned, spawn_app_with, with_ticket, Store,
    TestApp, DEMO_KEY,
};

crate::on_both_stores!(
    guessing_an_agents_password_closes_the_account_for_a_while,
    an_unsigned_partnerid_does_not_open_someone_elses_chat,
    an_email_in_a_ticket_link_does_not_open_someone_elses_tickets,
    a_link_sign_is_not_a_token_sign,
    expired_tokens_and_sessions_are_deleted,
    a_link_cannot_jump_the_queue_where_tokens_are_required,
    racing_uploads_at_the_picture_cap_store_one,
    a_visitor_cannot_grow_their_profile_without_end,
    a_ticket_flood_stops_at_the_daily_quota,
    a_message_flood_is_slowed_over_http_and_the_socket,
    uploads_stop_at_the_visitors_day_and_the_tenants_storage,
    a_copy_of_the_sessions_table_opens_no_session,
    a_changed_password_ends_the_old_sessions_and_signing_out_ends_them_all,
    a_signed_out_device_stops_hearing_visitors_at_once,
    one_session_cannot_open_sockets_without_end,
    a_socket_opens_with_a_one_time_ticket_not_the_session_token,
);

/// Signs in; returns the status, the `Retry-After` header and the body.
async fn sign_in(app: &TestApp, user: &str, password: &str) -> (StatusCode, Option<u64>, Value) {
    let response = app
        .http
        .post(app.url("/api/agent/login"))
        .json(&json!({"sysnum": "demo", "username": user, "password": password}))
        .send()
        .await
        .expect("request");
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (
        status,
        retry_after,
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn guessing_an_agents_password_closes_the_account_for_a_while(store: Store) {
    let app = spawn_app(store).await;
    for guess in ["123456", "password", "alice"] {
        let (status, _, body) = sign_in(&app, "alice", guess).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    // Closed now: even the right password is not checked, and the answer says when to
    // come back.
    let (status, retry_after, body) = sign_in(&app, "alice", "alice-demo").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "rate_limited");
    assert!(
        retry_after.is_some_and(|s| s >= 1),
        "Retry-After: {retry_after:?}"
    );
    // Another account of the same tenant signs in as usual.
    let (status, _, body) = sign_in(&app, "bob", "bob-demo").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Once the lock has passed, the right password works and opens the account again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _, body) = sign_in(&app, "alice", "alice-demo").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn an_unsigned_partnerid_does_not_open_someone_elses_chat(store: Store) {
    let app = spawn_app(store).await;
    // The victim chats from a link their site signed, and an agent answers.
    let alice = app.agent_busy("alice").await;
    let victim = app
        .init(&signed(
            "sysnum=demo&partnerid=victim-7&uname=Vera&tel=555-0100&type=2&groupid=sales",
        ))
        .await;
    let conversation = victim["conversation"]["id"].as_str().unwrap();
    let (status, _) = app.accept(conversation, &alice).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            &format!("/api/agent/conversations/{conversation}/reply"),
            &alice,
            Some(&json!({"client_id": "a1", "text": "Your card ending 4242 is refunded."})),
        )
        .await;
    assert_eq!(status, 200);

    // The attacker names the victim's partnerid without a sign.
    let query = "sysnum=demo&partnerid=victim-7&time=2880&uname=Mallory&tel=555-6666";
    let attacker = app.init(query).await;
    assert_ne!(attacker["visitor_id"], victim["visitor_id"]);
    assert_ne!(attacker["conversation"]["id"], victim["conversation"]["id"]);
    // The phrase, not its digits: a random id or token in the answer may hold "4242".
    let leaked = attacker.to_string();
    assert!(
        !leaked.contains("ending 4242 is refunded"),
        "the victim's messages leaked: {leaked}"
    );
    assert_eq!(attacker["unread_offline"], json!([]));
    // The loader's offline count tells nothing either.
    let (status, count) = app
        .post_json("/api/chat/offline", &json!({"query": query}))
        .await;
    assert_eq!(status, 200, "{count}");
    assert_eq!(count["unAckSize"], 0, "{count}");
    assert!(!count.to_string().contains("Your card ending"), "{count}");
    // And the victim's profile keeps its own fields; the claim is the attacker's, as a
    // label agents see as unverified.
    let victim_id = victim["visitor_id"].as_str().unwrap();
    let (_, profile) = app
        .call(
            reqwest::Method::GET,
            &format!("/api/agent/visitors/{victim_id}"),
            &alice,
            None,
        )
        .await;
    assert_eq!(profile["uname"], "Vera", "{profile}");
    assert_eq!(profile["tel"], "555-0100");
    assert_eq!(profile["partnerid"], "victim-7");
    let attacker_id = attacker["visitor_id"].as_str().unwrap();
    let (_, claimed) = app
        .call(
            reqwest::Method::GET,
            &format!("/api/agent/visitors/{attacker_id}"),
            &alice,
            None,
        )
        .await;
    assert_eq!(claimed["partnerid"], Value::Null, "{claimed}");
    assert_eq!(claimed["claimed_partnerid"], "victim-7");
}

async fn an_email_in_a_ticket_link_does_not_open_someone_elses_tickets(store: Store) {
    let app = spawn_app(store).await;
    let session = |query: &str| {
        let body = json!({"query": query});
        let app = &app;
        async move {
            let (status, s) = app.post_json("/api/ticket/session", &body).await;
            assert_eq!(status, 200, "{s}");
            s
        }
    };
    let victim = session("sysNum=demo&email=victim@example.com&tel=555-0100").await;
    let token = victim["session_token"].as_str().unwrap();
    let (status, body) = app
        .call(
            reqwest::Method::POST,
            "/api/ticket/submit",
            token,
            Some(&json!({"query": "sysNum=demo&email=victim@example.com",
                "content": "My address is 1 Secret Lane", "email": "victim@example.com",
                "fields": {"order_code": "A-1"},
                "tel": "555-0100"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let attacker = session("sysNum=demo&email=victim@example.com").await;
    let (status, mine) = app
        .call(
            reqwest::Method::GET,
            "/api/ticket/mine",
            attacker["session_token"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(mine["tickets"], json!([]), "{mine}");
}

async fn a_link_sign_is_not_a_token_sign(store: Store) {
    let app = spawn_app(store).await;
    let token_request = |partnerid: &str, ts: &str, sign: &str| {
        let body = json!({"sysnum": "demo", "partnerid": partnerid, "ts": ts, "sign": sign});
        let app = &app;
        async move { app.post_json("/api/page/token", &body).await }
    };
    // The review's forgery: the link sign of a phone number is the token sign of its
    // first digit with the other ten as ts (the year 2090).
    let phone_sign = parley_protocol::digest::link_sign("demo", DEMO_KEY, "13812345678");
    let (status, body) = token_request("1", "3812345678", &phone_sign).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["ret_code"], "100002");
    assert!(body.get("token").is_none());
    // A partnerid that ends in a time of the next hour: its link sign, once its owner
    // has chatted, is refused as a token sign for the shorter id.
    let ts = (parley_server::store::now_ms() / 1000 + 3600).to_string();
    let victim = format!("user{ts}");
    app.init(&signed(&format!("sysnum=demo&partnerid={victim}")))
        .await;
    let victims_link_sign = parley_protocol::digest::link_sign("demo", DEMO_KEY, &victim);
    let (status, body) = token_request("user", &ts, &victims_link_sign).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["ret_code"], "100004");
    // The site's own token request for another user still works.
    let sign = parley_protocol::digest::token_sign("demo", DEMO_KEY, "someone", &ts, None);
    let (status, body) = token_request("someone", &ts, &sign).await;
    assert_eq!(status, 200, "{body}");
}

async fn expired_tokens_and_sessions_are_deleted(store: Store) {
    let app = spawn_app(store).await;
    let state = app.state.as_ref().expect("in-process app");
    let now = parley_server::store::now_ms();
    let ts = (now / 1000 + 60).to_string();
    let sign = parley_protocol::digest::token_sign("demo", DEMO_KEY, "p", &ts, None);
    let (status, body) = app
        .post_json(
            "/api/page/token",
            &json!({"sysnum": "demo", "partnerid": "p", "ts": ts, "sign": sign}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let init = app.init("sysnum=demo").await;
    let count = |table: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(state.db.pool())
            .await
            .unwrap();
        n
    };
    assert_eq!(count("page_tokens").await, 1);
    // A sweep now deletes nothing that still works.
    let swept = parley_server::housekeeping::sweep(state, now)
        .await
        .unwrap();
    assert_eq!((swept.page_tokens, swept.sessions), (0, 0));
    // Two days later the token (a minute) and the visitor session (a day) are gone.
    let later = now + 2 * 24 * 3600 * 1000;
    let swept = parley_server::housekeeping::sweep(state, later)
        .await
        .unwrap();
    assert_eq!(swept.page_tokens, 1);
    assert!(swept.sessions >= 1, "{swept:?}");
    assert_eq!(count("page_tokens").await, 0);
    let token = init["session_token"].as_str().unwrap();
    let (status, _) = app
        .call(reqwest::Method::GET, "/api/chat/history", token, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// A token of the VIPQ tenant for `partnerid`, with `fields` as customized_fields.
async fn vipq_token(app: &TestApp, partnerid: &str, fields: Option<&str>) -> String {
    const KEY: &str = "7f3c2a9e51d84b06a1e2c3d4f5a6b7c8";
    let ts = (parley_server::store::now_ms() / 1000 + 3600).to_string();
    let sign = parley_protocol::digest::token_sign("VIPQ", KEY, partnerid, &ts, fields);
    let mut body = json!({"sysnum": "VIPQ", "partnerid": partnerid, "ts": ts, "sign": sign});
    if let Some(f) = fields {
        body["customized_fields"] = json!(f);
    }
    let (status, answer) = app.post_json("/api/page/token", &body).await;
    assert_eq!(status, 200, "{answer}");
    answer["token"].as_str().unwrap().to_owned()
}

async fn a_link_cannot_jump_the_queue_where_tokens_are_required(store: Store) {
    let app = spawn_app(store).await;
    let solo = app.agent_login_at("VIPQ", "solo", "solo-demo").await;
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            "/api/agent/status",
            &solo,
            Some(&json!({"status": "busy"})),
        )
        .await;
    assert_eq!(status, 200);
    let first = vipq_token(&app, "first", None).await;
    let first = app.init(&format!("sysnum=VIPQ&token={first}")).await;
    assert_eq!(first["conversation"]["queue_position"], 1, "{first}");
    // The attacker's own valid token, and priority added to the link.
    let token = vipq_token(&app, "mallory", None).await;
    let jumper = app
        .init(&format!(
            "sysnum=VIPQ&token={token}&queueFirst=1&is_vip=1&vip_level=1"
        ))
        .await;
    assert_eq!(jumper["conversation"]["queue_position"], 2, "{jumper}");
    let ignored: Vec<&str> = jumper["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["param"].as_str())
        .collect();
    for param in ["queueFirst", "is_vip", "vip_level"] {
        assert!(
            ignored.contains(&param),
            "{param} not reported: {ignored:?}"
        );
    }
    // The site's backend puts priority in the token: that counts.
    let vip = vipq_token(&app, "vip", Some(r#"{"queueFirst":"1","is_vip":1}"#)).await;
    let vip = app.init(&format!("sysnum=VIPQ&token={vip}")).await;
    assert_eq!(vip["conversation"]["queue_position"], 1, "{vip}");
}

#[tokio::test]
async fn no_referer_leaves_a_chat_page_and_hsts_follows_tls() {
    let app = spawn_app(Store::Sqlite).await;
    let page = app.url("/chat/pc/v2/index.html?sysnum=demo&partnerid=p&sign=x");
    let plain = app.http.get(&page).send().await.unwrap();
    assert_eq!(plain.headers()["referrer-policy"], "no-referrer");
    assert!(plain.headers().get("strict-transport-security").is_none());
    let behind_tls = app
        .http
        .get(&page)
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        behind_tls.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let api = app
        .http
        .post(app.url("/api/chat/init"))
        .json(&json!({"query": "sysnum=demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["referrer-policy"], "no-referrer");
}

#[tokio::test]
async fn a_link_naming_two_tenants_is_refused_by_the_page_and_by_init() {
    let app = spawn_app(Store::Sqlite).await;
    let query = "sysNum=ABC&sysnum=demo";
    let page = app
        .http
        .get(app.url(&format!("/chat/pc/v2/index.html?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let (status, body) = app
        .post_json("/api/chat/init", &json!({ "query": query }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("sysNum"),
        "{body}"
    );
    // The same tenant under both spellings is one tenant.
    let same = app
        .http
        .get(app.url("/chat/pc/v2/index.html?sysNum=demo&sysnum=demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::OK);
}

#[tokio::test]
async fn photo_flag_off_means_no_visitor_pictures_whatever_the_client_does() {
    use crate::images::{png_2x3, upload};
    let app = spawn_app(Store::Sqlite).await;
    let alice = app.agent_busy("alice").await;
    let init = app
        .init("sysnum=demo&type=2&groupid=sales&photo_flag=0")
        .await;
    let visitor = init["session_token"].as_str().unwrap();
    let conversation = init["conversation"]["id"].as_str().unwrap();
    assert_eq!(app.accept(conversation, &alice).await.0, 200);
    let (status, body) = upload(
        &app,
        "/api/chat/image?client_id=p1",
        visitor,
        "image/png",
        png_2x3(),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("photo_flag"),
        "{body}"
    );
    // The agent may still send one.
    let path = format!("/api/agent/conversations/{conversation}/image?client_id=a1");
    let (status, body) = upload(&app, &path, &alice, "image/png", png_2x3()).await;
    assert_eq!(status, 200, "{body}");
}

async fn racing_uploads_at_the_picture_cap_store_one(store: Store) {
    use crate::images::{files_stored, png_2x3, upload, visitor_for_alice};
    use parley_server::routes::image::MAX_PICTURES_PER_CONVERSATION;
    let app = spawn_app(store).await;
    let (alice, visitor, conversation) = visitor_for_alice(&app, "racer").await;
    assert_eq!(app.accept(&conversation, &alice).await.0, 200);
    for i in 0..MAX_PICTURES_PER_CONVERSATION - 1 {
        let path = format!("/api/chat/image?client_id=fill-{i}");
        assert_eq!(
            upload(&app, &path, &visitor, "image/png", png_2x3())
                .await
                .0,
            200
        );
    }
    let racers = (0..5).map(|i| {
        let path = format!("/api/chat/image?client_id=race-{i}");
        let (app, visitor) = (&app, &visitor);
        async move { upload(app, &path, visitor, "image/png", png_2x3()).await.0 }
    });
    let statuses = futures_util::future::join_all(racers).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    assert_eq!(files_stored(&app).await, MAX_PICTURES_PER_CONVERSATION);
}

async fn a_visitor_cannot_grow_their_profile_without_end(store: Store) {
    let app = spawn_app(store).await;
    let first = app.init("sysnum=demo").await;
    let visitor = first["visitor_id"].as_str().unwrap().to_owned();
    for round in 0..12 {
        let fields: Vec<String> = (0..10)
            .map(|i| format!("%22r{round}k{i}%22%3A%22{}%22", "v".repeat(100)))
            .collect();
        let query = format!("sysnum=demo&params=%7B{}%7D", fields.join("%2C"));
        let (status, body) = app
            .post_json(
                "/api/chat/init",
                &json!({"query": query, "visitor_id": visitor}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["visitor_id"], visitor.as_str());
    }
    let alice = app.agent_login("alice").await;
    let (status, profile) = app
        .call(
            reqwest::Method::GET,
            &format!("/api/agent/visitors/{visitor}"),
            &alice,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let kept = profile["params"].as_object().unwrap().len();
    assert_eq!(kept, parley_server::profile::MAX_FIELD_KEYS, "{profile}");
}

/// A ticket session of an anonymous demo visitor; returns its token.
async fn ticket_session(app: &TestApp) -> String {
    let (status, s) = app
        .post_json("/api/ticket/session", &json!({"query": "sysnum=demo"}))
        .await;
    assert_eq!(status, 200, "{s}");
    s["session_token"].as_str().unwrap().to_owned()
}

/// Submits a ticket (with `attachment` bytes as a PNG when given); returns the
/// status, `Retry-After` and body.
async fn submit_ticket(
    app: &TestApp,
    token: &str,
    attachment: Option<Vec<u8>>,
) -> (StatusCode, Option<u64>, Value) {
    use base64::Engine;
    let mut form =
        json!({"query": "sysnum=demo", "content": "Help", "fields": {"order_code": "A-1"}});
    if let Some(bytes) = attachment {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        form["attachments"] =
            json!([{"name": "a.png", "content_type": "image/png", "data_base64": data}]);
    }
    let response = app
        .http
        .post(app.url("/api/ticket/submit"))
        .bearer_auth(token)
        .json(&form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    (
        status,
        retry_after,
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn count_rows(app: &TestApp, table: &str) -> i64 {
    let state = app.state.as_ref().expect("in-process app");
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(state.db.pool())
        .await
        .unwrap();
    n
}

async fn a_ticket_flood_stops_at_the_daily_quota(store: Store) {
    let app = spawn_app(store).await;
    let token = ticket_session(&app).await;
    for i in 0..10 {
        let (status, _, body) = submit_ticket(&app, &token, None).await;
        assert_eq!(status, StatusCode::CREATED, "ticket {i}: {body}");
    }
    let (status, retry_after, body) = submit_ticket(&app, &token, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "rate_limited");
    assert!(
        retry_after.is_some_and(|s| s > 23 * 3600),
        "{retry_after:?}"
    );
    assert_eq!(count_rows(&app, "tickets").await, 10, "nothing more stored");
}

async fn a_message_flood_is_slowed_over_http_and_the_socket(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo").await;
    let token = init["session_token"].as_str().unwrap();
    let mut refused = None;
    for i in 0..12 {
        let response = app
            .http
            .post(app.url("/api/chat/send"))
            .bearer_auth(token)
            .json(&json!({"client_id": format!("m{i}"), "text": "buy now"}))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((i, response.headers().get("retry-after").cloned()));
            break;
        }
        assert_eq!(response.status(), StatusCode::OK);
    }
    let (at, retry_after) = refused.expect("the flood was never slowed");
    assert_eq!(
        at, 10,
        "a burst of 10 (a third of 30 a minute) goes through"
    );
    assert!(retry_after.is_some());
    // A re-send of a stored message is still answered, as the duplicate it is.
    let (status, again) = app
        .call(
            reqwest::Method::POST,
            "/api/chat/send",
            token,
            Some(&json!({"client_id": "m3", "text": "buy now"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["duplicate"], true);
    // Over the socket the refusal is an error event, in order with the sends.
    let mut ws = app
        .ws(&format!("/ws/visitor?token={token}&last_seq=0"))
        .await;
    send_event(
        &mut ws,
        json!({"type": "send", "client_id": "w1", "text": "more"}),
    )
    .await;
    let error = next_of(&mut ws, "error").await;
    assert_eq!(error["code"], "rate_limited", "{error}");
}

async fn uploads_stop_at_the_visitors_day_and_the_tenants_storage(store: Store) {
    let png = crate::images::png_2x3();
    let size = png.len() as u64;
    // A day's allowance of three such files, and room for five in the whole tenant.
    let app = spawn_app_with(store, |config| {
        let demo = config
            .tenants
            .iter_mut()
            .find(|t| t.sysnum == "demo")
            .unwrap();
        demo.limits.upload_bytes_per_day = Some(3 * size);
        demo.limits.storage_bytes = Some(5 * size);
    })
    .await;
    let first = ticket_session(&app).await;
    for _ in 0..3 {
        let (status, _, body) = submit_ticket(&app, &first, Some(png.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, retry_after, body) = submit_ticket(&app, &first, Some(png.clone())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(retry_after.is_some());
    // Another visitor fills the tenant's storage.
    let second = ticket_session(&app).await;
    for _ in 0..2 {
        let (status, _, body) = submit_ticket(&app, &second, Some(png.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, retry_after, body) = submit_ticket(&app, &second, Some(png.clone())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(retry_after.is_some());
    assert_eq!(count_rows(&app, "ticket_attachments").await, 5);
    assert_eq!(
        count_rows(&app, "tickets").await,
        5,
        "no ticket without its files"
    );
}

async fn a_copy_of_the_sessions_table_opens_no_session(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo").await;
    let token = init["session_token"].as_str().unwrap();
    let state = app.state.as_ref().unwrap();
    let kept: Vec<(String,)> = sqlx::query_as("SELECT token FROM sessions")
        .fetch_all(state.db.pool())
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_ne!(kept[0].0, token, "the token itself is not stored");
    let (status, _) = app
        .call(reqwest::Method::GET, "/api/chat/history", &kept[0].0, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(reqwest::Method::GET, "/api/chat/history", token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// The status of `GET /api/agent/me` with `token`.
async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.call(reqwest::Method::GET, "/api/agent/me", token, None)
        .await
        .0
}

async fn a_changed_password_ends_the_old_sessions_and_signing_out_ends_them_all(store: Store) {
    let app = spawn_app(store).await;
    let laptop = app.agent_login("alice").await;
    let phone = app.agent_login("alice").await;
    assert_eq!(me(&app, &laptop).await, StatusCode::OK);
    // The same store, with alice's password changed in the configuration.
    let new_hash = parley_server::password::hash("a-new-password");
    let changed = app
        .sibling(|config| {
            let demo = config
                .tenants
                .iter_mut()
                .find(|t| t.sysnum == "demo")
                .unwrap();
            let alice = demo.agents.iter_mut().find(|a| a.id == "alice").unwrap();
            alice.password_hash = new_hash;
        })
        .await;
    assert_eq!(me(&changed, &laptop).await, StatusCode::UNAUTHORIZED);
    // Sign out everywhere: one call ends the laptop's and the phone's sessions.
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/agent/logout-everywhere",
            &phone,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
}

/// How an agent socket ends within `secs` seconds: its close code, or `None` if it was
/// still open. Events before the close are skipped.
pub(crate) async fn close_code_within(ws: &mut crate::helpers::Ws, secs: u64) -> Option<u16> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    tokio::time::timeout(std::time::Duration::from_secs(secs), async {
        while let Some(frame) = ws.next().await {
            match frame {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Err(_) => return None,
                Ok(_) => {}
            }
        }
        None
    })
    .await
    .unwrap_or(None)
}

/// A stolen laptop's workbench: its owner signs out everywhere from her phone, and the
/// laptop's open socket must stop receiving visitors' messages then, not keep them
/// flowing until it happens to reconnect. Signing out one device closes that one only.
async fn a_signed_out_device_stops_hearing_visitors_at_once(store: Store) {
    let app = spawn_app(store).await;
    let laptop = app.agent_login("alice").await;
    let tablet = app.agent_login("alice").await;
    let phone = app.agent_login("alice").await;
    let mut laptop_ws = app.ws(&format!("/ws/agent?token={laptop}")).await;
    let mut tablet_ws = app.ws(&format!("/ws/agent?token={tablet}")).await;
    let mut phone_ws = app.ws(&format!("/ws/agent?token={phone}")).await;

    // Signing out on the tablet closes the tablet's socket, and only that one.
    let (status, _) = app
        .call(reqwest::Method::POST, "/api/agent/logout", &tablet, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        close_code_within(&mut tablet_ws, 5).await,
        Some(parley_protocol::ws::CLOSE_UNAUTHORIZED)
    );
    assert_eq!(
        close_code_within(&mut laptop_ws, 1).await,
        None,
        "the laptop was closed too"
    );

    // Everywhere, from the phone: the laptop's socket closes as signed out (and the
    // phone's own).
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/agent/logout-everywhere",
            &phone,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        close_code_within(&mut laptop_ws, 5).await,
        Some(parley_protocol::ws::CLOSE_UNAUTHORIZED)
    );
    assert_eq!(
        close_code_within(&mut phone_ws, 5).await,
        Some(parley_protocol::ws::CLOSE_UNAUTHORIZED)
    );
    // And it cannot come back with the old session.
    let (status, _) = app
        .call(reqwest::Method::POST, "/api/ws/ticket", &laptop, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn one_session_cannot_open_sockets_without_end(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo").await;
    let token = init["session_token"].as_str().unwrap();
    let path = format!("/ws/visitor?token={token}&last_seq=0");
    let mut open = Vec::new();
    for _ in 0..parley_server::routes::ws::MAX_SOCKETS_PER_SESSION {
        open.push(app.ws(&path).await);
    }
    let url = || async { format!("ws://{}{}", app.addr, with_ticket(app.addr, &path).await) };
    match tokio_tungstenite::connect_async(url().await).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        }
        other => panic!("a socket too many was not refused: {:?}", other.map(|_| ())),
    }
    // A closed socket frees its place.
    let mut first = open.remove(0);
    first.close(None).await.unwrap();
    drop(first);
    let mut reopened = false;
    for _ in 0..50 {
        if tokio_tungstenite::connect_async(url().await).await.is_ok() {
            reopened = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(reopened, "the closed socket's place was not freed");
}

#[tokio::test]
async fn a_request_that_trickles_in_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_tuned(
        Store::Sqlite,
        |_| {},
        |state| {
            state.request_timeout = std::time::Duration::from_millis(500);
        },
    )
    .await;
    // A body announced and never sent: the server answers 408 and moves on.
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(
            b"POST /api/chat/init HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"query\":",
        )
        .await
        .unwrap();
    let mut answer = vec![0u8; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("the server answered within the timeout")
        .unwrap();
    let head = String::from_utf8_lossy(&answer[..read]);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
}

async fn a_socket_opens_with_a_one_time_ticket_not_the_session_token(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo").await;
    let token = init["session_token"].as_str().unwrap();
    let buy = |bearer: &str| {
        let (app, bearer) = (&app, bearer.to_owned());
        async move {
            let (status, body) = app
                .call(reqwest::Method::POST, "/api/ws/ticket", &bearer, None)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["expires_in"], 60);
            body["ticket"].as_str().unwrap().to_owned()
        }
    };
    let refused = |path: String| {
        let url = format!("ws://{}{path}", app.addr);
        async move {
            match tokio_tungstenite::connect_async(&url).await {
                Err(tokio_tungstenite::tungstenite::Error::Http(r)) => r.status(),
                other => panic!("{url} opened: {:?}", other.map(|_| ())),
            }
        }
    };
    let ticket = buy(token).await;
    assert_ne!(ticket, token);
    let mut ws = app
        .ws(&format!("/ws/visitor?ticket={ticket}&last_seq=0"))
        .await;
    send_event(
        &mut ws,
        json!({"type": "send", "client_id": "t1", "text": "hello"}),
    )
    .await;
    assert_eq!(next_of(&mut ws, "ack").await["client_id"], "t1");
    // Used once, gone: the same URL (from a proxy's log, say) opens nothing.
    let again = refused(format!("/ws/visitor?ticket={ticket}&last_seq=0")).await;
    assert_eq!(again, StatusCode::UNAUTHORIZED);
    // The session token itself opens nothing in a URL.
    let with_token = refused(format!("/ws/visitor?token={token}&last_seq=0")).await;
    assert_eq!(with_token, StatusCode::UNAUTHORIZED);
    // A visitor's ticket does not open an agent's socket, and no ticket is not one.
    let other = buy(token).await;
    let wrong = refused(format!("/ws/agent?ticket={other}")).await;
    assert_eq!(wrong, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused("/ws/visitor?ticket=nope".into()).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/ws/ticket",
            "not-a-session",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Agents buy theirs the same way.
    let alice = app.agent_login("alice").await;
    let agent_ticket = buy(&alice).await;
    let _agent = app.ws(&format!("/ws/agent?ticket={agent_ticket}")).await;
}

#[tokio::test]
async fn uploads_past_the_instances_slots_wait_outside() {
    use crate::images::{png_2x3, upload};
    // No free slot at all: every large upload is turned away before its body is read.
    let app = spawn_app_tuned(
        Store::Sqlite,
        |_| {},
        |state| {
            state.quotas = std::sync::Arc::new(parley_server::quota::Quotas::with_upload_slots(0));
        },
    )
    .await;
    let init = app.init("sysnum=demo").await;
    let visitor = init["session_token"].as_str().unwrap();
    let (status, body) = upload(
        &app,
        "/api/chat/image?client_id=p1",
        visitor,
        "image/png",
        png_2x3(),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("uploads at once"),
        "{body}"
    );
    let token = ticket_session(&app).await;
    let (status, retry_after, _) = submit_ticket(&app, &token, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after, Some(1));
}

#[tokio::test]
async fn sign_ins_past_the_password_checks_get_a_503() {
    // No password check free: a sign-in waits its two seconds, then is told to retry,
    // without an Argon2 verification (and its 19 MiB) ever starting.
    let app = spawn_app_tuned(
        Store::Sqlite,
        |_| {},
        |state| {
            state.signin = std::sync::Arc::new(parley_server::signin::SignInGuard::new(0));
        },
    )
    .await;
    let (status, retry_after, body) = sign_in(&app, "alice", "alice-demo").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry_after, Some(1));
}
