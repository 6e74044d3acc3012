//! Satisfaction evaluation: a visitor rates their conversation with an agent once, the
//! tenant's rules refuse bad ratings (storing nothing), nobody else can rate it, the
//! agent's end and invitation follow the flags, and bot answers are marked once.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{next_of, spawn_app, spawn_app_with, Store, TestApp};
use parley_protocol::evaluation::ScoreKind;

crate::on_both_stores!(
    a_rating_is_stored_once_and_agents_see_it,
    bad_ratings_are_refused_with_a_clear_4xx_and_store_nothing,
    another_visitor_cannot_rate_the_conversation,
    the_agents_end_invites_a_rating_only_as_the_flags_say,
    init_carries_the_tenants_form_with_the_links_flags,
    an_agent_invites_a_rating_of_their_own_conversation_until_it_is_rated,
    a_zero_to_ten_scale_takes_zero_and_refuses_eleven,
    bot_answers_are_marked_helpful_or_not_once,
    tags_show_in_the_pages_language_and_are_stored_in_the_tenants_words,
);

/// A visitor of the demo tenant served by alice (busy, so the test accepts by hand),
/// on an English page (the demo's own language, Chinese, has its tags translated).
/// Returns (alice's token, the visitor's session token, the conversation id).
async fn served(app: &TestApp, extra: &str) -> (String, String, String) {
    served_in(app, "en", extra).await
}

async fn served_in(app: &TestApp, locale: &str, extra: &str) -> (String, String, String) {
    let alice = app.agent_busy("alice").await;
    let init = app
        .init(&format!(
            "sysnum=demo&type=2&groupid=sales&locale={locale}{extra}"
        ))
        .await;
    let visitor = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let (status, body) = app.accept(&conv, &alice).await;
    assert_eq!(status, 200, "{body}");
    (alice, visitor, conv)
}

async fn end(app: &TestApp, agent: &str, conv: &str) {
    let path = format!("/api/agent/conversations/{conv}/end");
    let (status, body) = app.call(Method::POST, &path, agent, None).await;
    assert_eq!(status, 200, "{body}");
}

async fn rate(app: &TestApp, visitor: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/api/chat/evaluation", visitor, Some(&body))
        .await
}

/// The system events of a conversation, as the agent API lists them.
async fn events(app: &TestApp, agent: &str, conv: &str) -> Vec<Value> {
    let path = format!("/api/agent/conversations/{conv}/messages");
    let (status, page) = app.call(Method::GET, &path, agent, None).await;
    assert_eq!(status, 200, "{page}");
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.get("event").filter(|e| !e.is_null()).cloned())
        .collect()
}

fn count(events: &[Value], kind: &str) -> usize {
    events.iter().filter(|e| e["type"] == kind).count()
}

async fn stored(app: &TestApp, agent: &str, conv: &str) -> Value {
    let path = format!("/api/agent/conversations/{conv}/evaluation");
    let (status, body) = app.call(Method::GET, &path, agent, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn a_rating_is_stored_once_and_agents_see_it(store: Store) {
    let app = spawn_app(store).await;
    let (alice, visitor, conv) = served(&app, "").await;
    let mut socket = app.ws(&format!("/ws/agent?token={alice}")).await;
    end(&app, &alice, &conv).await;
    assert_eq!(
        count(&events(&app, &alice, &conv).await, "evaluation_invited"),
        1
    );

    let (status, first) = rate(
        &app,
        &visitor,
        json!({"score": 4, "tags": ["Friendly"], "solved": true, "comment": " Thanks! "}),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["duplicate"], false);
    let e = &first["evaluation"];
    assert_eq!(
        (e["score"].as_u64(), &e["tags"], &e["solved"], &e["comment"]),
        (
            Some(4),
            &json!(["Friendly"]),
            &json!(true),
            &json!("Thanks!")
        )
    );
    assert_eq!(e["agent_id"], "alice");
    assert_eq!(e["kind"], "stars");

    // A second submit is answered with the first, whatever it says.
    let (status, again) = rate(&app, &visitor, json!({"score": 5, "comment": ""})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["evaluation"]["score"], 4);

    // The agent sees it: on the conversation, once in its history, and live.
    let view = stored(&app, &alice, &conv).await;
    assert_eq!(view["evaluation"]["score"], 4, "{view}");
    assert_eq!(view["evaluation"]["tags"], json!(["Friendly"]));
    let evs = events(&app, &alice, &conv).await;
    assert_eq!(count(&evs, "evaluated"), 1, "{evs:?}");
    let live = loop {
        let m = next_of(&mut socket, "message").await;
        if m["message"]["event"]["type"] == "evaluated" {
            break m;
        }
    };
    assert_eq!(live["message"]["event"]["evaluation"]["comment"], "Thanks!");
    assert_eq!(live["message"]["sender"], "system");
}

async fn bad_ratings_are_refused_with_a_clear_4xx_and_store_nothing(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo&type=1").await;
    let bot_only = init["session_token"].as_str().unwrap().to_owned();
    let (status, body) = rate(&app, &bot_only, json!({"score": 5})).await;
    assert_eq!(status, 409, "a conversation nobody served: {body}");
    assert_eq!(body["message"], "no agent has served this conversation yet");

    let (alice, visitor, conv) = served(&app, "").await;
    let long = "x".repeat(501);
    let cases = [
        (json!({"score": 6}), "score must be from 1 to 5"),
        (
            json!({"score": 0, "comment": "x"}),
            "score must be from 1 to 5",
        ),
        (
            json!({"score": 4, "tags": ["Impolite"]}),
            "tag \"Impolite\" is not offered with this score",
        ),
        (
            json!({"score": 5, "tags": ["Friendly", "Friendly"]}),
            "tag \"Friendly\" is given twice",
        ),
        (
            json!({"score": 2, "comment": "   "}),
            "a comment is required with this score",
        ),
        (
            json!({"score": 5, "comment": long}),
            "the comment is longer than 500 characters",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = rate(&app, &visitor, body.clone()).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["message"], message, "{body}");
        assert_eq!(answer["code"], "bad_request");
    }
    let (status, answer) = rate(&app, &visitor, json!({"score": "five"})).await;
    assert_eq!(status, 400, "not even the right shape: {answer}");
    assert_eq!(stored(&app, &alice, &conv).await["evaluation"], Value::Null);
    assert_eq!(count(&events(&app, &alice, &conv).await, "evaluated"), 0);

    // A low score with its comment passes.
    let (status, ok) = rate(
        &app,
        &visitor,
        json!({"score": 2, "tags": ["Slow reply"], "comment": "Waited long"}),
    )
    .await;
    assert_eq!(status, 200, "{ok}");
}

async fn another_visitor_cannot_rate_the_conversation(store: Store) {
    let app = spawn_app(store).await;
    let (alice, _visitor, conv) = served(&app, "").await;
    let other = app.init("sysnum=demo&type=1").await;
    let other = other["session_token"].as_str().unwrap().to_owned();
    let (status, body) = rate(
        &app,
        &other,
        json!({"conversation_id": conv, "score": 1, "comment": "bad"}),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/chat/evaluation",
            "not-a-session",
            Some(&json!({"score": 5})),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(stored(&app, &alice, &conv).await["evaluation"], Value::Null);
    // Another tenant's agent cannot read it either.
    let solo = app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    let path = format!("/api/agent/conversations/{conv}/evaluation");
    assert_eq!(app.call(Method::GET, &path, &solo, None).await.0, 404);
}

async fn the_agents_end_invites_a_rating_only_as_the_flags_say(store: Store) {
    let app = spawn_app(store).await;
    for (extra, invited) in [("", 1), ("&satDegree_A=0", 0), ("&satDegree_A=1", 1)] {
        let (alice, _, conv) = served(&app, extra).await;
        end(&app, &alice, &conv).await;
        let evs = events(&app, &alice, &conv).await;
        assert_eq!(count(&evs, "ended"), 1);
        assert_eq!(count(&evs, "evaluation_invited"), invited, "link {extra:?}");
    }
    // The visitor's own close asks in the page (show_evaluate); nothing is stored.
    let (alice, visitor, conv) = served(&app, "").await;
    let (status, _) = app
        .call(Method::POST, "/api/chat/leave", &visitor, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        count(&events(&app, &alice, &conv).await, "evaluation_invited"),
        0
    );
    let (status, body) = rate(&app, &visitor, json!({"score": 5})).await;
    assert_eq!(status, 200, "rated after closing: {body}");

    // A tenant that does not invite on the end, unless the link asks; and one that
    // takes no evaluations at all.
    let quiet = spawn_app_with(store, |c| {
        let t = c.tenants.iter_mut().find(|t| t.sysnum == "demo").unwrap();
        t.evaluation.invite_on_agent_end = false;
    })
    .await;
    for (extra, invited) in [("", 0), ("&satDegree_A=1", 1)] {
        let (alice, _, conv) = served(&quiet, extra).await;
        end(&quiet, &alice, &conv).await;
        let evs = events(&quiet, &alice, &conv).await;
        assert_eq!(count(&evs, "evaluation_invited"), invited, "link {extra:?}");
    }
    let off = spawn_app_with(store, |c| {
        let t = c.tenants.iter_mut().find(|t| t.sysnum == "demo").unwrap();
        t.evaluation.enabled = false;
    })
    .await;
    let (alice, visitor, conv) = served(&off, "&satDegree_A=1").await;
    end(&off, &alice, &conv).await;
    assert_eq!(
        count(&events(&off, &alice, &conv).await, "evaluation_invited"),
        0
    );
    let (status, body) = rate(&off, &visitor, json!({"score": 5})).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["message"], "this service takes no evaluations");
}

async fn init_carries_the_tenants_form_with_the_links_flags(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo&locale=en").await;
    let e = &init["evaluation"];
    assert_eq!(e["enabled"], true);
    assert_eq!(e["kind"], "stars");
    assert_eq!(e["comment_required_below"], 3);
    assert_eq!(e["options"][3]["score"], 4);
    assert_eq!(e["options"][3]["label"], "Satisfied");
    assert_eq!(e["options"][3]["tags"][1], "Friendly");
    assert_eq!((&e["button"], &e["on_close"]), (&json!(true), &json!(true)));
    let zh = app.init("sysnum=demo&locale=zh").await;
    assert_eq!(zh["evaluation"]["options"][3]["label"], "满意");
    let ja = app.init("sysnum=demo&locale=ja").await;
    assert_eq!(
        ja["evaluation"]["options"][3].get("label"),
        None,
        "no Japanese label: the page uses its own words"
    );
    let flags = app
        .init("sysnum=demo&feedback_flag=0&show_evaluate=0&satDegree_A=0")
        .await;
    let e = &flags["evaluation"];
    assert_eq!(
        (&e["button"], &e["on_close"], &e["after_agent_end"]),
        (&json!(false), &json!(false), &json!(false))
    );
}

async fn an_agent_invites_a_rating_of_their_own_conversation_until_it_is_rated(store: Store) {
    let app = spawn_app(store).await;
    let (alice, visitor, conv) = served(&app, "").await;
    let mut socket = app
        .ws(&format!("/ws/visitor?token={visitor}&last_seq=0"))
        .await;
    let path = format!("/api/agent/conversations/{conv}/evaluation/invite");
    let bob = app.agent_login("bob").await;
    let (status, body) = app.call(Method::POST, &path, &bob, None).await;
    assert_eq!(status, 403, "not bob's conversation: {body}");
    let (status, body) = app.call(Method::POST, &path, &alice, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"]["event"]["type"], "evaluation_invited");
    let live = loop {
        let m = next_of(&mut socket, "message").await;
        if m["message"]["event"]["type"] == "evaluation_invited" {
            break m;
        }
    };
    assert_eq!(live["message"]["seq"], body["message"]["seq"]);
    let (status, _) = rate(&app, &visitor, json!({"score": 5, "tags": ["Quick reply"]})).await;
    assert_eq!(status, 200);
    let (status, body) = app.call(Method::POST, &path, &alice, None).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["message"],
        "the visitor already rated this conversation"
    );
}

async fn a_zero_to_ten_scale_takes_zero_and_refuses_eleven(store: Store) {
    let app = spawn_app_with(store, |c| {
        let t = c.tenants.iter_mut().find(|t| t.sysnum == "demo").unwrap();
        t.evaluation.kind = ScoreKind::ZeroToTen;
        t.evaluation.scores.clear();
        t.evaluation.comment_required_below = None;
    })
    .await;
    let (alice, visitor, conv) = served(&app, "").await;
    assert_eq!(
        app.init("sysnum=demo").await["evaluation"]["kind"],
        "zero_to_ten"
    );
    let (status, body) = rate(&app, &visitor, json!({"score": 11})).await;
    assert_eq!(status, 422);
    assert_eq!(body["message"], "score must be from 0 to 10");
    let (status, body) = rate(&app, &visitor, json!({"score": 0})).await;
    assert_eq!(status, 200, "{body}");
    let view = stored(&app, &alice, &conv).await;
    assert_eq!(view["evaluation"]["score"], 0);
    assert_eq!(view["evaluation"]["kind"], "zero_to_ten");
}

async fn bot_answers_are_marked_helpful_or_not_once(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo&type=1&locale=en").await;
    let visitor = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let (status, sent) = app
        .call(
            Method::POST,
            "/api/chat/send",
            &visitor,
            Some(&json!({"client_id": "q-1", "text": "How long does shipping take?"})),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let asked = sent["message"]["seq"].as_i64().unwrap();
    let (status, page) = app
        .call(Method::GET, "/api/chat/history", &visitor, None)
        .await;
    assert_eq!(status, 200);
    let answer = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["sender"] == "bot" && m["seq"].as_i64() > Some(asked))
        .expect("the bot answered")["seq"]
        .as_i64()
        .unwrap();
    let mark = |seq: i64, helpful: bool| json!({"seq": seq, "helpful": helpful});
    let (status, first) = app
        .call(
            Method::POST,
            "/api/chat/bot-feedback",
            &visitor,
            Some(&mark(answer, true)),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["duplicate"], false);
    let (status, again) = app
        .call(
            Method::POST,
            "/api/chat/bot-feedback",
            &visitor,
            Some(&mark(answer, false)),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["feedback"]["helpful"], true, "the first mark stays");
    // Only bot answers can be marked, and only by their visitor.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/bot-feedback",
            &visitor,
            Some(&mark(asked, true)),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let other = app.init("sysnum=demo&type=1").await;
    let other = other["session_token"].as_str().unwrap();
    let theirs = json!({"conversation_id": conv, "seq": answer, "helpful": false});
    let (status, _) = app
        .call(Method::POST, "/api/chat/bot-feedback", other, Some(&theirs))
        .await;
    assert_eq!(status, 404);
    let alice = app.agent_login("alice").await;
    let view = stored(&app, &alice, &conv).await;
    assert_eq!(view["bot_feedback"].as_array().unwrap().len(), 1, "{view}");
    assert_eq!(view["bot_feedback"][0]["seq"], answer);
    assert_eq!(view["bot_feedback"][0]["helpful"], true);
}

async fn tags_show_in_the_pages_language_and_are_stored_in_the_tenants_words(store: Store) {
    let app = spawn_app(store).await;
    let zh = app.init("sysnum=demo&locale=zh").await;
    assert_eq!(
        zh["evaluation"]["options"][3]["tags"],
        json!(["回复快", "态度友好", "问题已解决"])
    );
    let ja = app.init("sysnum=demo&locale=ja").await;
    assert_eq!(
        ja["evaluation"]["options"][3]["tags"][1], "Friendly",
        "no Japanese tags: the tenant's own words"
    );
    let (alice, visitor, conv) = served_in(&app, "zh", "").await;
    end(&app, &alice, &conv).await;
    // A Chinese page offered the Chinese words: the English ones are not its tags.
    let (status, body) = rate(&app, &visitor, json!({"score": 4, "tags": ["Friendly"]})).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = rate(
        &app,
        &visitor,
        json!({"score": 4, "tags": ["态度友好", "回复快"], "comment": ""}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let view = stored(&app, &alice, &conv).await;
    assert_eq!(
        view["evaluation"]["tags"],
        json!(["Friendly", "Quick reply"]),
        "stored in the tenant's words, in the visitor's order"
    );
}
