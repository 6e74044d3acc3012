//! A visitor and an agent exchange messages over HTTP and WebSocket.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{messages_until, next_of, send_event, signed, spawn_app, Store, ALICE_AVATAR};

crate::on_both_stores!(
    visitor_and_agent_exchange_messages,
    offline_message_reaches_a_returning_visitor,
    offline_count_reports_what_agents_left_without_touching_anything
);

async fn visitor_and_agent_exchange_messages(store: Store) {
    let app = spawn_app(store).await;
    let atoken = app.agent_busy("alice").await;
    let init = app
        .init(&signed(
            "sysnum=demo&partnerid=p1&uname=Ann&type=2&groupid=sales",
        ))
        .await;
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let mut visitor = app
        .ws(&format!("/ws/visitor?token={vtoken}&last_seq=1"))
        .await;
    assert_eq!(next_of(&mut visitor, "queue_position").await["position"], 1);

    let mut agent = app.ws(&format!("/ws/agent?token={atoken}")).await;
    let (status, list) = app
        .call(Method::GET, "/api/agent/conversations", &atoken, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["waiting"][0]["id"], conv.as_str());
    assert_eq!(list["waiting"][0]["visitor_name"], "Ann");

    let (status, accepted) = app.accept(&conv, &atoken).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["state"], "with_agent");
    let joined = next_of(&mut visitor, "message").await;
    assert_eq!(joined["message"]["event"]["type"], "agent_joined");
    assert_eq!(joined["message"]["event"]["agent_name"], "Alice");
    assert_eq!(joined["message"]["event"]["agent_avatar"], ALICE_AVATAR);
    // A second accept is refused.
    let (status, _) = app.accept(&conv, &atoken).await;
    assert_eq!(status, 409);

    // Visitor → agent over the socket, with an ack.
    send_event(
        &mut visitor,
        json!({"type": "send", "client_id": "v-1", "text": "Where is my order?"}),
    )
    .await;
    let ack = next_of(&mut visitor, "ack").await;
    assert_eq!(ack["client_id"], "v-1");
    let seq = ack["seq"].as_i64().unwrap();
    // The agent's socket also carries the "agent joined" system message first.
    let got = loop {
        let e = next_of(&mut agent, "message").await;
        if e["message"]["kind"] == "text" {
            break e;
        }
    };
    assert_eq!(got["message"]["text"], "Where is my order?");
    assert_eq!(got["message"]["seq"], seq);
    assert_eq!(got["message"]["sender"], "visitor");

    // Agent → visitor over HTTP.
    let (status, reply) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/reply"),
            &atoken,
            Some(&json!({"client_id": "a-1", "text": "It ships today."})),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["message"]["seq"], seq + 1);
    let seen = messages_until(&mut visitor, seq + 1).await;
    assert_eq!(seen.last().unwrap().1, "It ships today.");
    // Agent → visitor over the agent socket.
    send_event(
        &mut agent,
        json!({"type": "send", "conversation_id": conv, "client_id": "a-2", "text": "Anything else?"}),
    )
    .await;
    assert_eq!(next_of(&mut agent, "ack").await["seq"], seq + 2);
    let seen = messages_until(&mut visitor, seq + 2).await;
    assert_eq!(seen, vec![(seq + 2, "Anything else?".to_owned())]);

    // The agent sees the visitor's profile.
    let visitor_id = init["visitor_id"].as_str().unwrap();
    let (status, profile) = app
        .call(
            Method::GET,
            &format!("/api/agent/visitors/{visitor_id}"),
            &atoken,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(profile["uname"], "Ann");
    assert_eq!(profile["partnerid"], "p1");

    // The agent ends it: the visitor hears why and is invited to rate.
    let (status, ended) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/end"),
            &atoken,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ended["end_reason"], "agent_ended");
    let e = next_of(&mut visitor, "message").await;
    assert_eq!(e["message"]["event"]["type"], "ended");
    assert_eq!(e["message"]["event"]["reason"], "agent_ended");
    let e = next_of(&mut visitor, "message").await;
    assert_eq!(e["message"]["event"]["type"], "evaluation_invited");
    // Sending into an ended conversation is refused.
    let (status, _) = app
        .call(
            Method::POST,
            "/api/chat/send",
            &vtoken,
            Some(&json!({"client_id": "v-2", "text": "hello?"})),
        )
        .await;
    assert_eq!(status, 409);
}

async fn offline_message_reaches_a_returning_visitor(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init(&signed("sysnum=demo&partnerid=p2&type=2")).await;
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    let visitor_id = init["visitor_id"].as_str().unwrap().to_owned();
    let atoken = app.agent_login("bob").await;
    let path = format!("/api/agent/visitors/{visitor_id}/offline-message");
    let body = json!({"client_id": "off-1", "text": "Your refund is done."});
    // Not while the visitor is still in a conversation.
    let (status, _) = app.call(Method::POST, &path, &atoken, Some(&body)).await;
    assert_eq!(status, 409);
    let (status, _) = app
        .call(Method::POST, "/api/chat/leave", &vtoken, None)
        .await;
    assert_eq!(status, 200);
    let (status, sent) = app.call(Method::POST, &path, &atoken, Some(&body)).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["message"]["kind"], "offline");
    let back = app.init(&signed("sysnum=demo&partnerid=p2&type=2")).await;
    assert_ne!(back["conversation"]["id"], init["conversation"]["id"]);
    let unread = back["unread_offline"].as_array().unwrap();
    assert_eq!(unread.len(), 1, "{back}");
    assert_eq!(unread[0]["text"], "Your refund is done.");
    // Once read, it is no longer unread.
    let token = back["session_token"].as_str().unwrap();
    let (status, _) = app
        .call(
            Method::POST,
            "/api/chat/read",
            token,
            Some(
                &json!({"conversation_id": unread[0]["conversation_id"], "seq": unread[0]["seq"]}),
            ),
        )
        .await;
    assert_eq!(status, 204);
    let later = app.init(&signed("sysnum=demo&partnerid=p2&type=2")).await;
    assert_eq!(later["unread_offline"].as_array().unwrap().len(), 0);
}

/// `POST /api/chat/offline`, what the loader's visitor frame asks for
/// `zc("offline_message_count")`.
async fn offline_count_reports_what_agents_left_without_touching_anything(store: Store) {
    let app = spawn_app(store).await;
    let offline = |query: &str, visitor_id: Option<&str>| {
        let body = json!({"query": query, "visitor_id": visitor_id});
        let app = &app;
        async move { app.post_json("/api/chat/offline", &body).await }
    };
    // Nobody known: zeros, and no visitor is made (init then makes a fresh one).
    let (status, none) = offline(&signed("sysnum=demo&partnerid=p-new"), None).await;
    assert_eq!(status, 200, "{none}");
    assert_eq!(none["size"], 0);
    assert_eq!(none["unAckSize"], 0);
    assert_eq!(none["offlineMsg"], json!([]));
    let (_, none) = offline("sysnum=demo", Some("not-a-visitor")).await;
    assert_eq!(none["size"], 0);
    // Bad links are refused like init refuses them.
    let (status, body) = offline("partnerid=p4", None).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("sysnum"));
    let (status, _) = offline("sysnum=nobody", None).await;
    assert_eq!(status, 404);

    // An agent writes while the visitor is away from the page: unacknowledged.
    let atoken = app.agent_busy("alice").await;
    let init = app
        .init(&signed("sysnum=demo&partnerid=p4&type=2&groupid=sales"))
        .await;
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let (status, _) = app.accept(&conv, &atoken).await;
    assert_eq!(status, 200);
    // Visitors see the agent with their picture.
    let resumed = app.init(&signed("sysnum=demo&partnerid=p4")).await;
    assert_eq!(resumed["conversation"]["agent"]["avatar"], ALICE_AVATAR);
    assert_eq!(resumed["reception"]["agent"]["avatar"], ALICE_AVATAR);
    let reply = json!({"client_id": "a-1", "text": "Any **news** on your side?"});
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/reply"),
            &atoken,
            Some(&reply),
        )
        .await;
    assert_eq!(status, 200);
    let (status, count) = offline(&signed("sysnum=demo&partnerid=p4"), None).await;
    assert_eq!(status, 200, "{count}");
    assert_eq!(count["unAckSize"], 1, "{count}");
    assert_eq!(count["unAckMsg"][0]["msg"], "Any news on your side?");
    assert_eq!(count["unAckMsg"][0]["name"], "Alice");
    assert_eq!(count["unAckMsg"][0]["img"], ALICE_AVATAR);
    assert!(count["unAckMsg"][0]["t"].as_i64().unwrap() > 0);
    assert_eq!(count["size"], 0);
    assert_eq!(count["groupId"], "sales");
    assert_eq!(count["leaveToTicket"], 0);

    // The chat ends; the agent leaves an offline message.
    let vtoken = init["session_token"].as_str().unwrap();
    let (status, _) = app
        .call(Method::POST, "/api/chat/leave", vtoken, None)
        .await;
    assert_eq!(status, 200);
    let visitor_id = init["visitor_id"].as_str().unwrap();
    let (status, sent) = app
        .call(
            Method::POST,
            &format!("/api/agent/visitors/{visitor_id}/offline-message"),
            &atoken,
            Some(&json!({"client_id": "off-1", "text": "Your refund is done."})),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let (_, count) = offline(&signed("sysnum=demo&partnerid=p4"), None).await;
    assert_eq!(count["size"], 1, "{count}");
    assert_eq!(count["offlineMsg"][0]["msg"], "Your refund is done.");
    assert_eq!(count["offlineMsg"][0]["img"], ALICE_AVATAR);
    // Asking twice changes nothing: asking marks nothing read.
    let (_, again) = offline(&signed("sysnum=demo&partnerid=p4"), None).await;
    assert_eq!(again, count);

    // An anonymous visitor is found by the id the browser kept, within its tenant only.
    let anon = app.init("sysnum=demo&type=2&groupid=sales").await;
    let anon_id = anon["visitor_id"].as_str().unwrap();
    let conv = anon["conversation"]["id"].as_str().unwrap();
    let (status, _) = app.accept(conv, &atoken).await;
    assert_eq!(status, 200);
    let reply = json!({"client_id": "a-2", "text": "Hello there"});
    let path = format!("/api/agent/conversations/{conv}/reply");
    let (status, _) = app.call(Method::POST, &path, &atoken, Some(&reply)).await;
    assert_eq!(status, 200);
    let (status, mine) = offline("sysnum=demo", Some(anon_id)).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["unAckMsg"][0]["msg"], "Hello there", "{mine}");
    let (_, nobody) = offline("sysnum=demo", None).await;
    assert_eq!(nobody["unAckSize"], 0);
    let (status, long) = offline("sysnum=demo", Some(&"x".repeat(65))).await;
    assert_eq!(status, 400, "{long}");
}
