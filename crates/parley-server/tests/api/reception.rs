//! Reception over the real server: the FAQ bot, the trans-to-agent button, routing to
//! groups and agents, the queue and its positions, and the endings with reasons.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{next_of, spawn_app, Store, TestApp};

crate::on_both_stores!(
    bot_answers_faq_questions_in_english_and_chinese,
    agent_only_shows_no_guided_questions,
    a_tapped_suggestion_answers_that_entry,
    two_unknown_questions_then_the_transfer_button,
    an_unknown_question_offers_the_guided_questions,
    transfer_with_no_agent_online_offers_leave_message,
    the_visitor_picks_a_group_when_there_are_several,
    at_capacity_the_visitor_waits_first_in_line_then_is_accepted,
    a_vip_waits_ahead_and_positions_are_pushed,
    agent_first_falls_back_to_the_bot_and_agent_only_goes_to_humans,
    designated_agent_offline_is_reported_or_passed_on,
    to_customsys_redirects_instead_of_queueing,
    an_agent_going_offline_ends_the_chat_with_that_reason,
    an_idle_visitor_is_ended_with_that_reason,
    bot_only_never_offers_a_human,
    a_group_off_duty_is_reported,
    waiting_visitors_are_released_when_the_last_agent_leaves,
);

/// A visitor session: its token and conversation id.
struct Visitor {
    token: String,
    conversation: String,
    init: Value,
}

async fn visitor(app: &TestApp, query: &str) -> Visitor {
    let init = app.init(query).await;
    Visitor {
        token: init["session_token"].as_str().unwrap().to_owned(),
        conversation: init["conversation"]["id"].as_str().unwrap().to_owned(),
        init,
    }
}

/// Sends a text and returns the bot's reply message (the newest message after it).
async fn ask(app: &TestApp, v: &Visitor, id: &str, text: &str, faq_id: Option<u64>) -> Value {
    let mut body = json!({"client_id": id, "text": text});
    if let Some(f) = faq_id {
        body["faq_id"] = json!(f);
    }
    let (status, sent) = app
        .call(Method::POST, "/api/chat/send", &v.token, Some(&body))
        .await;
    assert_eq!(status, 200, "{sent}");
    let seq = sent["message"]["seq"].as_i64().unwrap();
    let (status, page) = app
        .call(Method::GET, "/api/chat/history", &v.token, None)
        .await;
    assert_eq!(status, 200, "{page}");
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["seq"].as_i64() == Some(seq + 1))
        .cloned()
        .unwrap_or_else(|| panic!("no reply after seq {seq}: {page}"))
}

async fn transfer(app: &TestApp, v: &Visitor, group: Option<&str>) -> Value {
    let body = match group {
        Some(g) => json!({"group_id": g}),
        None => json!({}),
    };
    let (status, answer) = app
        .call(Method::POST, "/api/chat/transfer", &v.token, Some(&body))
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// Waits for a queue-position event with `position` (earlier, stale ones are skipped:
/// a socket that connects while positions change may hear one twice).
async fn position_becomes(ws: &mut crate::helpers::Ws, position: u64) {
    loop {
        if next_of(ws, "queue_position").await["position"].as_u64() == Some(position) {
            return;
        }
    }
}

async fn solo(app: &TestApp) -> String {
    app.agent_login_at("QUEUE", "solo", "solo-demo").await
}

async fn history(app: &TestApp, v: &Visitor) -> Vec<Value> {
    let (status, page) = app
        .call(Method::GET, "/api/chat/history", &v.token, None)
        .await;
    assert_eq!(status, 200, "{page}");
    page["messages"].as_array().unwrap().clone()
}

async fn bot_answers_faq_questions_in_english_and_chinese(store: Store) {
    let app = spawn_app(store).await;
    let v = visitor(&app, "sysnum=demo&locale=en&guide_flag=1").await;
    assert_eq!(v.init["reception"]["type"], "bot");
    assert!(
        v.init["greeting"].as_str().unwrap().contains("assistant"),
        "{}",
        v.init["greeting"]
    );
    // robot_hello_word replaces the bot's greeting.
    let custom = app
        .init("sysnum=demo&locale=en&robot_hello_word=Hi%2C%20ask%20me%20anything")
        .await;
    assert_eq!(custom["greeting"], "Hi, ask me anything");
    // Guided questions in the page's language.
    let guide = v.init["guide"].as_array().unwrap();
    assert!(!guide.is_empty());
    assert!(guide.iter().all(|g| g["id"].as_u64().unwrap() < 200));

    let reply = ask(&app, &v, "q1", "what payment methods can I use?", None).await;
    assert_eq!(reply["sender"], "bot");
    assert_eq!(reply["bot"]["outcome"], "answer", "{reply}");
    assert_eq!(reply["bot"]["faq_id"], 102);
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("card"),
        "{reply}"
    );

    let reply = ask(&app, &v, "q2", "你们支持哪些付款方式", None).await;
    assert_eq!(reply["bot"]["outcome"], "answer", "{reply}");
    assert_eq!(reply["bot"]["faq_id"], 202);
    // A re-sent message is stored once and not answered twice.
    let before = history(&app, &v).await.len();
    let (status, again) = app
        .call(
            Method::POST,
            "/api/chat/send",
            &v.token,
            Some(&json!({"client_id": "q2", "text": "你们支持哪些付款方式"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(again["duplicate"], true);
    assert_eq!(history(&app, &v).await.len(), before);
}

async fn agent_only_shows_no_guided_questions(store: Store) {
    let app = spawn_app(store).await;
    // The same tenant and bot: bot first lists the guided questions...
    let bot = visitor(&app, "sysnum=demo&locale=en&guide_flag=1").await;
    assert!(!bot.init["guide"].as_array().unwrap().is_empty());
    // ...agent only (nobody online, so the conversation waits) lists none, and greets
    // without the bot.
    let only = visitor(&app, "sysnum=demo&locale=en&guide_flag=1&type=2").await;
    assert_eq!(only.init["guide"], json!([]), "{}", only.init);
    assert_ne!(only.init["greeting"], bot.init["greeting"]);
}

async fn a_tapped_suggestion_answers_that_entry(store: Store) {
    let app = spawn_app(store).await;
    let v = visitor(&app, "sysnum=demo&locale=en").await;
    let reply = ask(&app, &v, "t1", "Can I pay cash on delivery?", Some(104)).await;
    assert_eq!(reply["bot"]["outcome"], "answer");
    assert_eq!(reply["bot"]["faq_id"], 104);
    // Over the socket too.
    let mut ws = app
        .ws(&format!("/ws/visitor?token={}&last_seq=2", v.token))
        .await;
    crate::helpers::send_event(
        &mut ws,
        json!({"type": "send", "client_id": "t2", "text": "Which payment methods do you accept?", "faq_id": 102}),
    )
    .await;
    let bot = loop {
        let e = next_of(&mut ws, "message").await;
        if e["message"]["sender"] == "bot" {
            break e;
        }
    };
    assert_eq!(bot["message"]["bot"]["faq_id"], 102);
}

/// The unknown reply asks the visitor to rephrase "or pick one of the questions
/// below": the questions are the greeting's guided ones, in the page's language, and
/// none where the link turned the guide off (`guide_flag=0`).
async fn an_unknown_question_offers_the_guided_questions(store: Store) {
    let app = spawn_app(store).await;
    let questions = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["question"].as_str().unwrap().to_owned())
            .collect()
    };
    for locale in ["en", "zh"] {
        let v = visitor(&app, &format!("sysnum=demo&locale={locale}")).await;
        let guide = questions(&v.init["guide"]);
        assert!(
            !guide.is_empty(),
            "the demo has guided questions in {locale}"
        );
        let reply = ask(&app, &v, "u1", "who won the football game last night", None).await;
        assert_eq!(reply["bot"]["outcome"], "unknown", "{reply}");
        assert_eq!(questions(&reply["bot"]["suggestions"]), guide, "{locale}");
        // A tap on one answers it.
        let first = &reply["bot"]["suggestions"][0];
        let answer = ask(
            &app,
            &v,
            "u2",
            first["question"].as_str().unwrap(),
            first["id"].as_u64(),
        )
        .await;
        assert_eq!(answer["bot"]["outcome"], "answer", "{answer}");
    }
    let off = visitor(&app, "sysnum=demo&locale=en&guide_flag=0").await;
    assert_eq!(off.init["guide"], json!([]));
    let reply = ask(
        &app,
        &off,
        "u1",
        "who won the football game last night",
        None,
    )
    .await;
    assert_eq!(reply["bot"]["outcome"], "unknown", "{reply}");
    assert_eq!(reply["bot"]["suggestions"], json!([]), "{reply}");
}

async fn two_unknown_questions_then_the_transfer_button(store: Store) {
    let app = spawn_app(store).await;
    let v = visitor(&app, "sysnum=QUEUE&show_manual=1").await;
    assert_eq!(v.init["conversation"]["transfer_button"], false);
    let first = ask(&app, &v, "u1", "who won the football game last night", None).await;
    assert_eq!(first["bot"]["outcome"], "unknown", "{first}");
    assert_eq!(first["bot"]["transfer_button"], false);
    assert!(first["text"].as_str().unwrap().contains("Sorry"));
    let second = ask(&app, &v, "u2", "what is the weather like on mars", None).await;
    assert_eq!(second["bot"]["outcome"], "unknown", "{second}");
    assert_eq!(second["bot"]["transfer_button"], true);
    // A reload shows the button straight away.
    let again = app.init("sysnum=QUEUE&show_manual=1").await;
    assert_eq!(
        again["conversation"]["transfer_button"], false,
        "new visitor"
    );
    let (status, view) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=QUEUE", "visitor_id": v.init["visitor_id"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(view["conversation"]["transfer_button"], true, "{view}");
    // show_manual=0: the button shows at once.
    let now = visitor(&app, "sysnum=QUEUE&show_manual=0").await;
    assert_eq!(now.init["conversation"]["transfer_button"], true);
}

async fn transfer_with_no_agent_online_offers_leave_message(store: Store) {
    let app = spawn_app(store).await;
    let v = visitor(&app, "sysnum=QUEUE").await;
    let answer = transfer(&app, &v, None).await;
    assert_eq!(answer["reception"]["type"], "no_agent_online", "{answer}");
    // Still with the bot, so the visitor can go on asking or leave a message.
    assert_eq!(answer["conversation"]["state"], "bot");
    // An agent who signs out again changes nothing.
    let token = solo(&app).await;
    app.call(Method::POST, "/api/agent/logout", &token, None)
        .await;
    let answer = transfer(&app, &v, None).await;
    assert_eq!(answer["reception"]["type"], "no_agent_online");
}

async fn the_visitor_picks_a_group_when_there_are_several(store: Store) {
    let app = spawn_app(store).await;
    app.agent_login("bob").await;
    let v = visitor(&app, "sysnum=demo&locale=en").await;
    let answer = transfer(&app, &v, None).await;
    assert_eq!(answer["reception"]["type"], "choose_group", "{answer}");
    let ids: Vec<&str> = answer["reception"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sales", "support"]);
    // Sales has nobody online (bob is support only); support has bob.
    let answer = transfer(&app, &v, Some("sales")).await;
    assert_eq!(answer["reception"]["type"], "no_agent_online", "{answer}");
    let answer = transfer(&app, &v, Some("support")).await;
    assert_eq!(answer["reception"]["type"], "assigned", "{answer}");
    assert_eq!(answer["reception"]["agent"]["name"], "Bob");
    assert_eq!(answer["conversation"]["group_id"], "support");
    // An unknown group is a clear 400.
    let other = visitor(&app, "sysnum=demo").await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/transfer",
            &other.token,
            Some(&json!({"group_id": "nope"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("nope"));
    // groupid in the link skips the choice.
    let linked = visitor(&app, "sysnum=demo&groupid=support").await;
    let answer = transfer(&app, &linked, None).await;
    assert_eq!(answer["reception"]["type"], "assigned", "{answer}");
    assert_eq!(answer["conversation"]["group_id"], "support");
}

async fn at_capacity_the_visitor_waits_first_in_line_then_is_accepted(store: Store) {
    let app = spawn_app(store).await;
    solo(&app).await;
    let first = visitor(&app, "sysnum=QUEUE").await;
    let answer = transfer(&app, &first, None).await;
    assert_eq!(answer["reception"]["type"], "assigned", "{answer}");
    assert_eq!(answer["conversation"]["state"], "with_agent");

    let second = visitor(&app, "sysnum=QUEUE").await;
    let mut ws = app
        .ws(&format!("/ws/visitor?token={}&last_seq=0", second.token))
        .await;
    let answer = transfer(&app, &second, None).await;
    assert_eq!(answer["reception"]["type"], "queued", "{answer}");
    assert_eq!(answer["reception"]["position"], 1);
    assert_eq!(answer["conversation"]["queue_position"], 1);
    position_becomes(&mut ws, 1).await;
    // Pressing the button again changes nothing.
    let again = transfer(&app, &second, None).await;
    assert_eq!(again["reception"]["type"], "queued");

    // The first visitor leaves: the agent frees up and takes the second at once.
    let (status, _) = app
        .call(Method::POST, "/api/chat/leave", &first.token, None)
        .await;
    assert_eq!(status, 200);
    let joined = loop {
        let e = next_of(&mut ws, "message").await;
        if e["message"]["event"]["type"] == "agent_joined" {
            break e;
        }
    };
    assert_eq!(joined["message"]["event"]["agent_name"], "Solo");
    let view = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=QUEUE", "visitor_id": second.init["visitor_id"]}),
        )
        .await
        .1;
    assert_eq!(view["conversation"]["state"], "with_agent");
    assert_eq!(view["reception"]["type"], "assigned");
    assert_eq!(view["conversation"]["id"], second.conversation.as_str());
}

async fn a_vip_waits_ahead_and_positions_are_pushed(store: Store) {
    let app = spawn_app(store).await;
    solo(&app).await;
    let holder = visitor(&app, "sysnum=QUEUE").await;
    transfer(&app, &holder, None).await;
    let normal = visitor(&app, "sysnum=QUEUE").await;
    let mut ws = app
        .ws(&format!("/ws/visitor?token={}&last_seq=0", normal.token))
        .await;
    assert_eq!(
        transfer(&app, &normal, None).await["reception"]["position"],
        1
    );
    position_becomes(&mut ws, 1).await;
    let vip = visitor(&app, "sysnum=QUEUE&is_vip=1&vip_level=2").await;
    let answer = transfer(&app, &vip, None).await;
    assert_eq!(answer["reception"]["position"], 1, "{answer}");
    // The earlier, normal visitor is told they moved back.
    position_becomes(&mut ws, 2).await;
    let first = visitor(&app, "sysnum=QUEUE&queueFirst=1").await;
    assert_eq!(
        transfer(&app, &first, None).await["reception"]["position"],
        1
    );
    position_becomes(&mut ws, 3).await;
    // When the agent frees up, the queue-first visitor goes first.
    app.call(Method::POST, "/api/chat/leave", &holder.token, None)
        .await;
    let (_, view) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=QUEUE", "visitor_id": first.init["visitor_id"]}),
        )
        .await;
    assert_eq!(view["conversation"]["state"], "with_agent", "{view}");
    position_becomes(&mut ws, 2).await;
}

async fn agent_first_falls_back_to_the_bot_and_agent_only_goes_to_humans(store: Store) {
    let app = spawn_app(store).await;
    let v = visitor(&app, "sysnum=QUEUE&type=4").await;
    assert_eq!(v.init["reception"]["type"], "bot", "{}", v.init);
    assert_eq!(v.init["conversation"]["state"], "bot");
    let reply = ask(&app, &v, "a1", "which payment methods do you accept", None).await;
    assert_eq!(reply["sender"], "bot");
    // Agent only with nobody online: told so, and the bot stays silent.
    let only = visitor(&app, "sysnum=QUEUE&type=2").await;
    assert_eq!(only.init["reception"]["type"], "no_agent_online");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/chat/send",
            &only.token,
            Some(&json!({"client_id": "o1", "text": "hello?"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(history(&app, &only)
        .await
        .iter()
        .all(|m| m["sender"] != "bot"));
    // With the agent online, agent first goes straight to them.
    solo(&app).await;
    let w = visitor(&app, "sysnum=QUEUE&type=4").await;
    assert_eq!(w.init["reception"]["type"], "assigned", "{}", w.init);
    assert_eq!(w.init["conversation"]["state"], "with_agent");
}

async fn designated_agent_offline_is_reported_or_passed_on(store: Store) {
    let app = spawn_app(store).await;
    app.agent_login("bob").await;
    // alice is offline: agent_mode_flag=1 says so.
    let told = visitor(&app, "sysnum=demo&type=2&agentid=alice&agent_mode_flag=1").await;
    assert_eq!(
        told.init["reception"]["type"], "agent_offline",
        "{}",
        told.init
    );
    // agent_mode_flag=0 goes on to other agents (bob, via the support group).
    let passed = visitor(
        &app,
        "sysnum=demo&type=2&agentid=alice&agent_mode_flag=0&groupid=support",
    )
    .await;
    assert_eq!(
        passed.init["reception"]["type"], "assigned",
        "{}",
        passed.init
    );
    assert_eq!(passed.init["reception"]["agent"]["id"], "bob");
    // The spec's transfer_action: designated agent, overflow to a group when offline.
    let chain = r#"[{"actionType":"to_service","deciId":"alice","optionId":"1","spillId":"1"},{"actionType":"to_group","deciId":"support","optionId":"4"}]"#;
    let v = visitor(
        &app,
        &format!("sysnum=demo&type=2&transfer_action={}", urlencode(chain)),
    )
    .await;
    assert_eq!(v.init["reception"]["type"], "assigned", "{}", v.init);
    assert_eq!(v.init["reception"]["agent"]["id"], "bob");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn to_customsys_redirects_instead_of_queueing(store: Store) {
    let app = spawn_app(store).await;
    solo(&app).await;
    let v = visitor(
        &app,
        "sysnum=QUEUE&to_customsys_flag=1&to_customsys_url=https%3A%2F%2Fhelp.example.com%2Fchat&to_customsys_open_style=0",
    )
    .await;
    let answer = transfer(&app, &v, None).await;
    assert_eq!(answer["reception"]["type"], "redirect", "{answer}");
    assert_eq!(answer["reception"]["url"], "https://help.example.com/chat");
    assert_eq!(answer["reception"]["open_style"], "CurrentPage");
    assert_eq!(answer["conversation"]["state"], "bot");
    // A javascript: URL is never a redirect target: the visitor is routed normally.
    let w = visitor(
        &app,
        "sysnum=QUEUE&to_customsys_flag=1&to_customsys_url=javascript%3Aalert(1)",
    )
    .await;
    assert_eq!(
        transfer(&app, &w, None).await["reception"]["type"],
        "assigned"
    );
}

async fn an_agent_going_offline_ends_the_chat_with_that_reason(store: Store) {
    let app = spawn_app(store).await;
    let token = solo(&app).await;
    let v = visitor(&app, "sysnum=QUEUE").await;
    transfer(&app, &v, None).await;
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/agent/status",
            &token,
            Some(&json!({"status": "offline"})),
        )
        .await;
    assert_eq!(status, 200);
    let ended = history(&app, &v)
        .await
        .into_iter()
        .find(|m| m["event"]["type"] == "ended")
        .expect("an ended message");
    assert_eq!(ended["event"]["reason"], "agent_offline");
}

async fn an_idle_visitor_is_ended_with_that_reason(store: Store) {
    let app = spawn_app(store).await;
    let v = visitor(&app, "sysnum=QUEUE").await;
    let busy = visitor(&app, "sysnum=QUEUE").await;
    let state = app.state.as_ref().unwrap();
    let now = parley_server::store::now_ms();
    // Nobody is idle yet.
    assert_eq!(
        parley_server::reception::end_idle(state, now)
            .await
            .unwrap(),
        0
    );
    // Half an hour on, both are idle (demo tenants default to 30 minutes).
    ask(&app, &busy, "b1", "hello", None).await;
    let ended = parley_server::reception::end_idle(state, now + 31 * 60_000)
        .await
        .unwrap();
    assert!(ended >= 2, "{ended}");
    let last = history(&app, &v).await.pop().unwrap();
    assert_eq!(last["event"]["reason"], "visitor_idle", "{last}");
    // The next init starts a new conversation.
    let (_, again) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=QUEUE", "visitor_id": v.init["visitor_id"]}),
        )
        .await;
    assert_ne!(again["conversation"]["id"], v.conversation.as_str());
}

async fn bot_only_never_offers_a_human(store: Store) {
    let app = spawn_app(store).await;
    solo(&app).await;
    let v = visitor(&app, "sysnum=QUEUE&type=1&show_manual=0").await;
    assert_eq!(v.init["conversation"]["transfer_button"], false);
    let reply = ask(&app, &v, "x1", "blah blah unrelated nonsense words", None).await;
    assert_eq!(reply["bot"]["transfer_button"], false);
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/transfer",
            &v.token,
            Some(&json!({})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
}

async fn a_group_off_duty_is_reported(store: Store) {
    let app = spawn_app(store).await;
    app.agent_login_at("HOURS", "owl", "solo-demo").await;
    let v = visitor(&app, "sysnum=HOURS").await;
    assert_eq!(v.init["groups"][0]["open"], false);
    let answer = transfer(&app, &v, None).await;
    assert_eq!(answer["reception"]["type"], "off_duty", "{answer}");
    assert_eq!(answer["reception"]["group_id"], "night");
    assert_eq!(answer["conversation"]["state"], "bot");
}

async fn waiting_visitors_are_released_when_the_last_agent_leaves(store: Store) {
    let app = spawn_app(store).await;
    let token = solo(&app).await;
    let holder = visitor(&app, "sysnum=QUEUE").await;
    transfer(&app, &holder, None).await;
    let waiting = visitor(&app, "sysnum=QUEUE").await;
    assert_eq!(
        transfer(&app, &waiting, None).await["reception"]["type"],
        "queued"
    );
    let (status, _) = app
        .call(Method::POST, "/api/agent/logout", &token, None)
        .await;
    assert_eq!(status, 204);
    // The holder's chat ended with the reason; the waiting visitor is told nobody is
    // left, is back with the bot, and may ask again or leave a message.
    let held = history(&app, &holder).await;
    assert!(held.iter().any(|m| m["event"]["reason"] == "agent_offline"));
    let told = history(&app, &waiting).await;
    assert_eq!(
        told.last().unwrap()["event"]["type"],
        "no_agent_online",
        "{told:?}"
    );
    let (_, view) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=QUEUE", "visitor_id": waiting.init["visitor_id"]}),
        )
        .await;
    assert_eq!(view["conversation"]["state"], "bot");
    assert_eq!(
        transfer(&app, &waiting, None).await["reception"]["type"],
        "no_agent_online"
    );
}
