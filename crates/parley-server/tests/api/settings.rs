//! Settings in the database: the first import and the export, an admin's changes
//! (checked field by field, applied at once here and within a second elsewhere,
//! audited), and who may make them.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_config, spawn_app, Store, TestApp};

/// A signed-in admin (alice, `role = "admin"` in the demo) on an app whose settings
/// live in its database.
async fn admin_app(store: Store) -> (TestApp, String) {
    let app = spawn_app(store).await;
    app.store_settings().await;
    let token = app.agent_login("alice").await;
    (app, token)
}

async fn read(app: &TestApp, token: &str) -> Value {
    let (status, body) = app
        .call(Method::GET, "/api/admin/settings", token, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// PUTs the tenant table `tenant` (and new passwords); returns status and body.
async fn change(
    app: &TestApp,
    token: &str,
    tenant: &Value,
    passwords: Value,
) -> (reqwest::StatusCode, Value) {
    let body = json!({ "tenant": tenant, "passwords": passwords });
    app.call(Method::PUT, "/api/admin/settings", token, Some(&body))
        .await
}

/// The colour the loader gives pages of the demo tenant.
async fn loader_color(app: &TestApp) -> Value {
    let r = app
        .http
        .get(app.url("/api/loader/settings?sysnum=demo"))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    body["backend"]["color"].clone()
}

async fn the_file_round_trips_through_the_database(store: Store) {
    let app = spawn_app(store).await;
    let state = app.state.as_ref().unwrap();
    let config = demo_config();
    parley_server::live_config::import(&state.db, &config, "test")
        .await
        .unwrap();
    let exported = parley_server::live_config::export(&state.db).await.unwrap();
    // The export is a configuration file: it parses and checks on its own (the FAQ
    // files are inlined), and holds the same settings.
    let reread = parley_server::Config::parse(&exported).expect("the export parses");
    let as_json = |c: &parley_server::Config| {
        let mut tenants: Vec<Value> = c
            .tenants
            .iter()
            .map(|t| serde_json::to_value(t.for_storage()).unwrap())
            .collect();
        tenants.sort_by_key(|t| t["sysnum"].as_str().unwrap().to_owned());
        (tenants, serde_json::to_value(&c.retention).unwrap())
    };
    assert_eq!(as_json(&reread), as_json(&config));
    assert!(exported.contains("company_name = \"Parley Demo Shop\""));
    // Importing the export and exporting again changes nothing.
    parley_server::live_config::import(&state.db, &reread, "test")
        .await
        .unwrap();
    let again = parley_server::live_config::export(&state.db).await.unwrap();
    assert_eq!(again, exported);
}

async fn an_admin_change_applies_at_once_and_is_audited(store: Store) {
    let (app, token) = admin_app(store).await;
    let before = read(&app, &token).await;
    // Secrets never leave the server.
    assert_eq!(before["tenant"]["secret_key"], "");
    assert!(before["tenant"]["agent"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["password_hash"] == ""));
    assert_eq!(loader_color(&app).await, "04babc");
    let mut tenant = before["tenant"].clone();
    tenant["backend"]["color"] = json!("ff6600");
    tenant["company_name"] = json!("Parley New Shop");
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["generation"].as_i64().unwrap() > before["generation"].as_i64().unwrap());
    // At once on this instance, without a restart.
    assert_eq!(loader_color(&app).await, "ff6600");
    let init = app.init("sysnum=demo&locale=en").await;
    assert_eq!(init["company_name"], "Parley New Shop");
    // The key was kept: the demo's signed links still work.
    let signed = crate::helpers::signed("sysnum=demo&partnerid=u1");
    app.init(&signed).await;
    // Agents still sign in with their passwords.
    app.agent_login("bob").await;
    // The audit log names who changed what.
    let (status, audit) = app
        .call(Method::GET, "/api/admin/audit", &token, None)
        .await;
    assert_eq!(status, 200, "{audit}");
    let latest = &audit[0];
    assert_eq!(latest["actor"], "agent:alice");
    assert_eq!(latest["before"]["backend"]["color"], "04babc");
    assert_eq!(latest["after"]["backend"]["color"], "ff6600");
    assert_eq!(latest["after"]["secret_key"], "");
}

async fn bad_settings_are_refused_by_field_and_nothing_is_stored(store: Store) {
    let (app, token) = admin_app(store).await;
    let before = read(&app, &token).await;
    let tenant = before["tenant"].clone();
    let refused = |edit: &dyn Fn(&mut Value), passwords: Value| {
        let mut t = tenant.clone();
        edit(&mut t);
        let app = &app;
        let token = &token;
        async move {
            let (status, body) = change(app, token, &t, passwords).await;
            assert_eq!(status, 400, "{body}");
            body
        }
    };
    let body = refused(&|t| t["backend"]["color"] = json!("orange"), json!({})).await;
    assert_eq!(body["field"], "backend.color", "{body}");
    let body = refused(
        &|t| {
            let bob = t["agent"][1].clone();
            t["agent"].as_array_mut().unwrap().push(bob);
        },
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "agent", "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("repeated agent id"));
    let body = refused(&|t| t["secret_key"] = json!("0123456789abcdef"), json!({})).await;
    assert_eq!(body["field"], "secret_key", "{body}");
    let body = refused(
        &|t| {
            t["group"][0]["hours"] = json!([
                {"days": [1, 2], "from": "09:00", "to": "12:00"},
                {"days": [2], "from": "11:00", "to": "13:00"}
            ])
        },
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "group.sales", "{body}");
    let body = refused(
        &|t| t["group"][0]["hours"] = json!([{"days": [1], "from": "18:00", "to": "09:00"}]),
        json!({}),
    )
    .await;
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("end before they start"));
    let body = refused(
        &|t| t["group"][0]["time_zone"] = json!("Mars/Olympus_Mons"),
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "group.sales", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("time_zone"),
        "{body}"
    );
    let body = refused(
        &|t| t["group"][0]["holidays"] = json!(["2025-13-01"]),
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "group.sales", "{body}");
    let body = refused(
        &|t| t["bot"][0]["faq"] = json!("[[faq]]\nthis is not toml ="),
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "bot.1", "{body}");
    let body = refused(
        &|t| {
            t["agent"].as_array_mut().unwrap().push(json!({
                "id": "dave", "name": "Dave", "password_hash": "", "groups": ["support"]
            }))
        },
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "agent.dave.password", "{body}");
    let body = refused(&|_| {}, json!({"nobody": "long enough password"})).await;
    assert_eq!(body["field"], "agent.nobody.password", "{body}");
    let body = refused(&|t| t["colour"] = json!("ff0000"), json!({})).await;
    assert!(
        body["message"].as_str().unwrap().contains("colour"),
        "{body}"
    );
    // E-commerce partners: a tenant of this server, other than itself, with a code.
    let body = refused(
        &|t| t["partner"] = json!([{"sysnum": "nowhere", "union_code": "mall"}]),
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "partner.sysnum", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("\"nowhere\" is not a tenant of this server"),
        "{body}"
    );
    let body = refused(
        &|t| t["partner"] = json!([{"sysnum": "demo", "union_code": "mall"}]),
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "partner.sysnum", "{body}");
    let body = refused(
        &|t| t["partner"] = json!([{"sysnum": "QUEUE", "union_code": ""}]),
        json!({}),
    )
    .await;
    assert_eq!(body["field"], "partner.union_code", "{body}");
    // Nothing was stored: same generation, same settings, the old colour served.
    let after = read(&app, &token).await;
    assert_eq!(after, before);
    assert_eq!(loader_color(&app).await, "04babc");
}

async fn an_added_agent_signs_in_and_a_removed_one_cannot(store: Store) {
    let (app, token) = admin_app(store).await;
    let bob = app.agent_login("bob").await;
    let mut tenant = read(&app, &token).await["tenant"].clone();
    let agents = tenant["agent"].as_array_mut().unwrap();
    agents.retain(|a| a["id"] != "bob");
    agents.push(json!({
        "id": "dave", "name": "Dave", "password_hash": "", "groups": ["support"], "capacity": 3
    }));
    let (status, body) = change(&app, &token, &tenant, json!({"dave": "dave-new-password"})).await;
    assert_eq!(status, 200, "{body}");
    app.agent_login_at("demo", "dave", "dave-new-password")
        .await;
    let (status, _) = app.call(Method::GET, "/api/agent/me", &bob, None).await;
    assert_eq!(status, 401, "a removed agent's session ends");
}

async fn only_admins_read_or_change_settings(store: Store) {
    let (app, admin) = admin_app(store).await;
    let bob = app.agent_login("bob").await;
    let tenant = read(&app, &admin).await["tenant"].clone();
    let (status, _) = app
        .call(Method::GET, "/api/admin/settings", &bob, None)
        .await;
    assert_eq!(status, 403);
    let (status, _) = change(&app, &bob, &tenant, json!({})).await;
    assert_eq!(status, 403);
    let (status, _) = app.call(Method::GET, "/api/admin/audit", &bob, None).await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(Method::GET, "/api/admin/settings", "not-a-session", None)
        .await;
    assert_eq!(status, 401);
    // An admin changes only their own tenant.
    let mut other = tenant.clone();
    other["sysnum"] = json!("QUEUE");
    let (status, body) = change(&app, &admin, &other, json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "sysnum");
}

async fn a_change_through_one_instance_applies_on_another_within_a_second(store: Store) {
    let (a, token) = admin_app(store).await;
    let b = a.sibling_on_stored_settings().await;
    assert_eq!(loader_color(&b).await, "04babc");
    let mut tenant = read(&a, &token).await["tenant"].clone();
    tenant["backend"]["color"] = json!("123456");
    let (status, body) = change(&a, &token, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let changed = Instant::now();
    // The instance polls every 250 ms; the bound is the second, with room for
    // a loaded test machine.
    while loader_color(&b).await != "123456" {
        assert!(
            changed.elapsed() < Duration::from_secs(3),
            "instance B still serves the old colour"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Opens the chat with `query`; the status.
async fn init_status(app: &TestApp, query: &str) -> reqwest::StatusCode {
    app.post_json("/api/chat/init", &json!({ "query": query }))
        .await
        .0
}

fn link_signed_with(key: &str, partnerid: &str) -> String {
    let sign = parley_protocol::digest::link_sign("demo", key, partnerid);
    format!("sysnum=demo&partnerid={partnerid}&sign={sign}")
}

fn token_request(key: &str, partnerid: &str) -> Value {
    let ts = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600)
        .to_string();
    let sign = parley_protocol::digest::token_sign("demo", key, partnerid, &ts, None);
    json!({"sysnum": "demo", "partnerid": partnerid, "ts": ts, "sign": sign})
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn a_rotated_key_keeps_the_old_one_only_for_its_grace_period(store: Store) {
    let (app, token) = admin_app(store).await;
    let old = crate::helpers::DEMO_KEY;
    let new = "00112233445566778899aabbccddeeff0011";
    let planted = "ffffffffffffffffffffffffffffffff";
    let mut tenant = read(&app, &token).await["tenant"].clone();
    tenant["security"]["sign_required"] = json!(true);
    tenant["secret_key"] = json!(new);
    tenant["previous_key_until"] = json!(now_s() + 3600);
    // A client cannot name an old key of its own: the server keeps the one it had.
    tenant["previous_key"] = json!(planted);
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tenant"]["secret_key"], "");
    assert_eq!(
        body["tenant"]["previous_key"], "",
        "the old key is never sent out"
    );
    // Sign required: an unsigned link is refused at once.
    assert_eq!(init_status(&app, "sysnum=demo&partnerid=u1").await, 403);
    // During the grace period both keys open the chat and make tokens.
    assert_eq!(init_status(&app, &link_signed_with(new, "u1")).await, 200);
    assert_eq!(init_status(&app, &link_signed_with(old, "u2")).await, 200);
    assert_eq!(
        init_status(&app, &link_signed_with(planted, "u3")).await,
        403
    );
    for key in [old, new] {
        let (status, body) = app
            .post_json("/api/page/token", &token_request(key, "u4"))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    // A grace period may be shortened, not stretched.
    let mut tenant = read(&app, &token).await["tenant"].clone();
    tenant["previous_key_until"] = json!(now_s() + 7200);
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "previous_key_until", "{body}");
    // The admin ends the grace period: the old key is refused from then on.
    tenant["previous_key_until"] = json!(now_s() - 1);
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(init_status(&app, &link_signed_with(old, "u2")).await, 403);
    let (status, body) = app
        .post_json("/api/page/token", &token_request(old, "u5"))
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(init_status(&app, &link_signed_with(new, "u1")).await, 200);
    // A weak key is refused by field, and nothing changes.
    let mut tenant = read(&app, &token).await["tenant"].clone();
    tenant["secret_key"] = json!("0123456789abcdef0123");
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "secret_key", "{body}");
    assert_eq!(init_status(&app, &link_signed_with(new, "u1")).await, 200);
    // No key reaches the audit log.
    let (_, audit) = app
        .call(Method::GET, "/api/admin/audit", &token, None)
        .await;
    let text = audit.to_string();
    assert!(!text.contains(old) && !text.contains(new), "{text}");
}

async fn a_rotation_without_a_grace_period_retires_the_old_key_at_once(store: Store) {
    let (app, token) = admin_app(store).await;
    let mut tenant = read(&app, &token).await["tenant"].clone();
    tenant["secret_key"] = json!("aabbccddeeff00112233445566778899");
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app
        .post_json(
            "/api/page/token",
            &token_request(crate::helpers::DEMO_KEY, "u1"),
        )
        .await;
    assert_eq!(status, 403);
}

async fn a_disabled_agent_cannot_sign_in_and_their_session_ends(store: Store) {
    let (app, token) = admin_app(store).await;
    let bob = app.agent_login("bob").await;
    let mut tenant = read(&app, &token).await["tenant"].clone();
    for a in tenant["agent"].as_array_mut().unwrap() {
        if a["id"] == "bob" {
            a["disabled"] = json!(true);
        }
    }
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app.call(Method::GET, "/api/agent/me", &bob, None).await;
    assert_eq!(status, 401, "a disabled agent's session ends");
    let (status, _) = app
        .post_json(
            "/api/agent/login",
            &json!({"sysnum": "demo", "username": "bob", "password": "bob-demo"}),
        )
        .await;
    assert_eq!(status, 401);
    // Enabled again, bob signs in with the password he had.
    let mut tenant = read(&app, &token).await["tenant"].clone();
    for a in tenant["agent"].as_array_mut().unwrap() {
        a["disabled"] = json!(false);
    }
    let (status, body) = change(&app, &token, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    app.agent_login("bob").await;
}

async fn a_disabled_agents_conversations_go_back_to_their_group_and_their_socket_closes(
    store: Store,
) {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;

    let (app, alice) = admin_app(store).await;
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/agent/status",
            &alice,
            Some(&json!({"status": "busy"})),
        )
        .await;
    assert_eq!(status, 200);
    let bob = app.agent_busy("bob").await;
    let init = app
        .init(&crate::helpers::signed(
            "sysnum=demo&partnerid=h-1&type=2&groupid=support",
        ))
        .await;
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    assert_eq!(app.accept(&conv, &bob).await.0, 200);
    let mut bob_socket = app.ws(&format!("/ws/agent?token={bob}")).await;

    let mut tenant = read(&app, &alice).await["tenant"].clone();
    for a in tenant["agent"].as_array_mut().unwrap() {
        if a["id"] == "bob" {
            a["disabled"] = json!(true);
        }
    }
    let (status, body) = change(&app, &alice, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");

    // Bob's open socket is closed as "signed out" at once (events before it may come).
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = bob_socket.next().await {
            if let Ok(Message::Close(frame)) = frame {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .expect("the socket closes within 5 s");
    assert_eq!(closed, Some(parley_protocol::ws::CLOSE_UNAUTHORIZED));

    // The visitor waits in the support queue again, told by a transfer event.
    let (status, lists) = app
        .call(Method::GET, "/api/agent/conversations", &alice, None)
        .await;
    assert_eq!(status, 200, "{lists}");
    let waiting = lists["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == conv.as_str())
        .unwrap_or_else(|| panic!("not queued again: {lists}"));
    assert_eq!(waiting["group_id"], "support", "{waiting}");
    assert!(waiting["agent_id"].is_null(), "{waiting}");
    let (status, history) = app
        .call(Method::GET, "/api/chat/history", &vtoken, None)
        .await;
    assert_eq!(status, 200, "{history}");
    let events: Vec<&Value> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.get("event").filter(|e| !e.is_null()))
        .collect();
    let last = events.last().expect("system events");
    assert_eq!(last["type"], "transferred", "{history}");
    assert_eq!(last["from_agent"], "bob", "{last}");
    assert_eq!(last["to_group"], "support", "{last}");

    // The next agent of the group who is free takes it, as after any transfer.
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/agent/status",
            &alice,
            Some(&json!({"status": "online"})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, lists) = app
        .call(Method::GET, "/api/agent/conversations", &alice, None)
        .await;
    assert_eq!(lists["mine"][0]["id"], conv.as_str(), "{lists}");

    // Enabled again, Bob's old session stays ended: he signs in anew.
    let mut tenant = read(&app, &alice).await["tenant"].clone();
    for a in tenant["agent"].as_array_mut().unwrap() {
        a["disabled"] = json!(false);
    }
    let (status, body) = change(&app, &alice, &tenant, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app.call(Method::GET, "/api/agent/me", &bob, None).await;
    assert_eq!(status, 401);
}

async fn the_faq_editor_saves_a_new_entry_and_the_try_box_ranks_it(store: Store) {
    let (app, token) = admin_app(store).await;
    let (status, mut faq) = app
        .call(Method::GET, "/api/admin/faq/1", &token, None)
        .await;
    assert_eq!(status, 200, "{faq}");
    let question = "Do you sell gift cards for birthdays?";
    let entry = json!({
        "id": 990, "question": question, "similar": ["can I buy a gift card"],
        "answer": "Yes: gift cards from 10 to 500 euros, in the shop's Gifts page.",
        "related": [], "lang": "en"
    });
    faq["faq_groups"][0]["entries"]
        .as_array_mut()
        .unwrap()
        .push(entry);
    // The draft answers in the try box before it is saved; the stored bot does not.
    let ask = |draft: Option<&Value>| {
        let mut body = json!({"robotid": 1, "question": "do you sell gift cards", "locale": "en"});
        if let Some(d) = draft {
            body["faq"] = d.clone();
        }
        body
    };
    let (status, tried) = app
        .call(
            Method::POST,
            "/api/admin/faq/try",
            &token,
            Some(&ask(Some(&faq))),
        )
        .await;
    assert_eq!(status, 200, "{tried}");
    assert_eq!(tried["outcome"], "answer", "{tried}");
    assert_eq!(tried["answered"], 990);
    assert_eq!(tried["ranking"][0]["id"], 990);
    assert!(tried["ranking"][0]["score"].as_f64().unwrap() >= tried["answer_at"].as_f64().unwrap());
    let (_, stored) = app
        .call(Method::POST, "/api/admin/faq/try", &token, Some(&ask(None)))
        .await;
    assert_ne!(stored["answered"], 990, "{stored}");
    // A broken draft is refused by field, in the try box and on save.
    let mut broken = faq.clone();
    broken["faq_groups"][0]["entries"][0]["related"] = json!([123456]);
    let (status, body) = app
        .call(Method::PUT, "/api/admin/faq/1", &token, Some(&broken))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "bot.1", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("123456"),
        "{body}"
    );
    // Saved, a visitor asking gets the answer at once.
    let (status, body) = app
        .call(Method::PUT, "/api/admin/faq/1", &token, Some(&faq))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, again) = app
        .call(Method::GET, "/api/admin/faq/1", &token, None)
        .await;
    assert_eq!(again, faq);
    let (_, stored) = app
        .call(Method::POST, "/api/admin/faq/try", &token, Some(&ask(None)))
        .await;
    assert_eq!(stored["answered"], 990, "{stored}");
    // Agents who are not admins may not read or try the FAQ.
    let bob = app.agent_login("bob").await;
    let (status, _) = app.call(Method::GET, "/api/admin/faq/1", &bob, None).await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(Method::POST, "/api/admin/faq/try", &bob, Some(&ask(None)))
        .await;
    assert_eq!(status, 403);
}

crate::on_both_stores!(
    the_file_round_trips_through_the_database,
    an_admin_change_applies_at_once_and_is_audited,
    bad_settings_are_refused_by_field_and_nothing_is_stored,
    an_added_agent_signs_in_and_a_removed_one_cannot,
    only_admins_read_or_change_settings,
    a_change_through_one_instance_applies_on_another_within_a_second,
    a_rotated_key_keeps_the_old_one_only_for_its_grace_period,
    a_rotation_without_a_grace_period_retires_the_old_key_at_once,
    a_disabled_agent_cannot_sign_in_and_their_session_ends,
    a_disabled_agents_conversations_go_back_to_their_group_and_their_socket_closes,
    the_faq_editor_saves_a_new_entry_and_the_try_box_ranks_it,
);
