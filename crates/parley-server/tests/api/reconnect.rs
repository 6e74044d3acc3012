//! A reconnecting client gets exactly what it missed; a re-sent client id is stored once.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{messages_until, next_of, send_event, seqs, spawn_app, Store};

crate::on_both_stores!(
    reconnect_with_last_seq_gets_exactly_the_missed_messages,
    a_resent_client_message_id_is_stored_once,
);

async fn reconnect_with_last_seq_gets_exactly_the_missed_messages(store: Store) {
    let app = spawn_app(store).await;
    let atoken = app.agent_busy("alice").await;
    let init = app.init("sysnum=demo&type=2&groupid=sales").await;
    let token = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    app.accept(&conv, &atoken).await;
    let mut ws = app
        .ws(&format!("/ws/visitor?token={token}&last_seq=0"))
        .await;
    // Everything so far: queued (1), agent joined (2).
    let seen = messages_until(&mut ws, 2).await;
    assert_eq!(seen.iter().map(|m| m.0).collect::<Vec<_>>(), vec![1, 2]);
    drop(ws);
    // While the visitor is away, the agent writes three messages.
    for i in 0..3 {
        let (status, _) = app
            .call(
                Method::POST,
                &format!("/api/agent/conversations/{conv}/reply"),
                &atoken,
                Some(&json!({"client_id": format!("a{i}"), "text": format!("missed {i}")})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let mut ws = app
        .ws(&format!("/ws/visitor?token={token}&last_seq=2"))
        .await;
    let seen = messages_until(&mut ws, 5).await;
    assert_eq!(
        seen,
        vec![
            (3, "missed 0".to_owned()),
            (4, "missed 1".to_owned()),
            (5, "missed 2".to_owned())
        ]
    );
    // Live messages continue after the catch-up, with no repeats.
    send_event(
        &mut ws,
        json!({"type": "send", "client_id": "v1", "text": "back"}),
    )
    .await;
    let live = next_of(&mut ws, "message").await;
    assert_eq!(live["message"]["seq"], 6);
    // The history endpoint pages backwards.
    let (status, page) = app
        .call(
            Method::GET,
            "/api/chat/history?before_seq=6&limit=2",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let seqs: Vec<i64> = seqs(&page["messages"]);
    assert_eq!(seqs, vec![4, 5]);
    assert_eq!(page["has_more"], true);
}

async fn a_resent_client_message_id_is_stored_once(store: Store) {
    let app = spawn_app(store).await;
    // Agent only with nobody online: no bot replies interleave with the visitor's.
    let init = app.init("sysnum=demo&type=2").await;
    let token = init["session_token"].as_str().unwrap().to_owned();
    let body = json!({"client_id": "same-id", "text": "hello"});
    let (s1, first) = app
        .call(Method::POST, "/api/chat/send", &token, Some(&body))
        .await;
    let (s2, second) = app
        .call(Method::POST, "/api/chat/send", &token, Some(&body))
        .await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (200, 200));
    assert_eq!(first["duplicate"], false);
    assert_eq!(second["duplicate"], true);
    assert_eq!(first["message"]["seq"], second["message"]["seq"]);
    // And over the socket, concurrently with HTTP re-sends.
    let mut ws = app.ws(&format!("/ws/visitor?token={token}")).await;
    let ws_body = json!({"type": "send", "client_id": "race", "text": "once"});
    let http_body = json!({"client_id": "race", "text": "once"});
    let (a, b, _) = tokio::join!(
        app.call(Method::POST, "/api/chat/send", &token, Some(&http_body)),
        app.call(Method::POST, "/api/chat/send", &token, Some(&http_body)),
        send_event(&mut ws, ws_body),
    );
    let ack = next_of(&mut ws, "ack").await;
    assert_eq!(a.1["message"]["seq"], b.1["message"]["seq"]);
    assert_eq!(ack["seq"], a.1["message"]["seq"]);
    let (_, page) = app
        .call(Method::GET, "/api/chat/history?limit=100", &token, None)
        .await;
    let texts: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec!["hello", "once"]);
    let seqs: Vec<i64> = seqs(&page["messages"]);
    assert_eq!(seqs, vec![1, 2], "sequence numbers have no gaps");
}
