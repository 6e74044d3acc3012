//! Product and order cards: a visitor sends the card their link carried, the agent API
//! and sockets receive it with every field, the visitor's history shows it, and bad
//! cards are refused with a clear 400 that stores nothing.

use parley_protocol::card::Card;
use parley_protocol::ChatParams;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{next_of, signed, spawn_app, Store, TestApp};

crate::on_both_stores!(
    a_card_sent_by_the_visitor_reaches_the_agent_with_every_field,
    invalid_cards_get_a_400_and_store_nothing
);

/// The spec's order link (raw JSON `goods` in the query) plus a product card, for the
/// demo tenant in agent-only mode.
const LINK: &str = "sysnum=demo&type=2&groupid=sales&partnerid=card-buyer&order_status=1\
&create_time=1586414406391&order_code=121212&order_url=http://sg.sobot.io&goods_count=2\
&total_fee=1000&goods=[{\"name\":\"saaadad\",\"pictureUrl\":\"https://img.sobot.io/console/common/face/admin.png\"}]\
&card_title=Sobot&card_url=http%3A%2F%2Fsg.sobot.io&card_desc=Sobot%2COnline\
&card_note=1500%2C2000&card_picture=https%3A%2F%2Fimg.sobot.io%2Fconsole%2Fcommon%2Fface%2Fadmin.png";

/// The cards the client builds from [`LINK`], as JSON.
fn link_cards() -> Vec<Value> {
    Card::from_params(&ChatParams::from_query(LINK).value)
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect()
}

async fn send_card(app: &TestApp, token: &str, client_id: &str, card: &Value) -> (u16, Value) {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/card",
            token,
            Some(&json!({"client_id": client_id, "card": card})),
        )
        .await;
    (status.as_u16(), body)
}

async fn a_card_sent_by_the_visitor_reaches_the_agent_with_every_field(store: Store) {
    let app = spawn_app(store).await;
    let atoken = app.agent_busy("alice").await;
    let init = app.init(&signed(LINK)).await;
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let (status, _) = app.accept(&conv, &atoken).await;
    assert_eq!(status, 200);
    let mut agent = app.ws(&format!("/ws/agent?token={atoken}")).await;

    let cards = link_cards();
    assert_eq!(cards.len(), 2, "{cards:?}");
    let (product, order) = (&cards[0], &cards[1]);
    // Every field of the spec's order card is on the wire, as the spec names it.
    assert_eq!(order["type"], "order");
    assert_eq!(order["order_status"], 1);
    assert_eq!(order["create_time"], 1586414406391_u64);
    assert_eq!(order["order_code"], "121212");
    assert_eq!(order["order_url"], "http://sg.sobot.io");
    assert_eq!(order["goods_count"], 2);
    assert_eq!(order["total_fee"], 1000);
    assert_eq!(order["goods"][0]["name"], "saaadad");
    assert_eq!(
        order["goods"][0]["picture_url"],
        "https://img.sobot.io/console/common/face/admin.png"
    );
    assert_eq!(product["card_note"], "1500,2000");

    let (status, sent) = send_card(&app, &vtoken, "card-order-1", order).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["duplicate"], false);
    assert_eq!(sent["message"]["kind"], "card");
    assert_eq!(sent["message"]["sender"], "visitor");
    assert_eq!(&sent["message"]["card"], order);
    assert_eq!(sent["message"]["text"], "[Order] 121212");
    let seq = sent["message"]["seq"].as_i64().unwrap();

    // The agent's socket hears it with the card.
    let pushed = loop {
        let e = next_of(&mut agent, "message").await;
        if e["message"]["kind"] == "card" {
            break e;
        }
    };
    assert_eq!(pushed["message"]["seq"], seq);
    assert_eq!(&pushed["message"]["card"], order);

    // Sending the same client id again stores nothing new.
    let (status, again) = send_card(&app, &vtoken, "card-order-1", order).await;
    assert_eq!(status, 200);
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["message"]["seq"], seq);

    let (status, sent_product) = send_card(&app, &vtoken, "card-product-1", product).await;
    assert_eq!(status, 200, "{sent_product}");

    // The agent API's listing carries both cards with every field, read back from the
    // store.
    let (status, page) = app
        .call(
            Method::GET,
            &format!("/api/agent/conversations/{conv}/messages"),
            &atoken,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let listed: Vec<&Value> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "card")
        .collect();
    assert_eq!(listed.len(), 2, "{page}");
    assert_eq!(&listed[0]["card"], order);
    assert_eq!(&listed[1]["card"], product);
    // Text messages carry no card field at all.
    assert!(page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] != "card")
        .all(|m| m.get("card").is_none()));

    // The visitor's history shows them, now and after a new init.
    let (_, history) = app
        .call(Method::GET, "/api/chat/history", &vtoken, None)
        .await;
    let cards_in = |messages: &Value| -> Vec<Value> {
        messages
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "card")
            .map(|m| m["card"].clone())
            .collect()
    };
    let in_sent_order = vec![order.clone(), product.clone()];
    assert_eq!(cards_in(&history["messages"]), in_sent_order);
    let again = app.init(&signed(LINK)).await;
    assert_eq!(cards_in(&again["history"]), in_sent_order);
}

async fn invalid_cards_get_a_400_and_store_nothing(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo&type=2").await;
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    let long = "x".repeat(2001);
    let cases = [
        (json!({"type": "product", "card_title": "  "}), "card_title"),
        (json!({"type": "product", "card_title": long}), "card_title"),
        (json!({"type": "product"}), "card_title"),
        (
            json!({"type": "product", "card_title": "T", "card_url": "javascript:alert(1)"}),
            "card_url",
        ),
        (
            json!({"type": "product", "card_title": "T", "card_picture": "data:image/png;base64,AAAA"}),
            "card_picture",
        ),
        (
            json!({"type": "order", "order_url": "//evil.example/x"}),
            "order_url",
        ),
        (json!({"type": "order", "order_status": 9}), "order_status"),
        (json!({"type": "order"}), "at least one field"),
        (
            json!({"type": "order", "order_status": 2, "status_custom": "Mine"}),
            "status_custom",
        ),
        (
            json!({"type": "order", "total_fee": 9007199254740993_u64}),
            "total_fee",
        ),
        (
            json!({"type": "order", "goods": [{"name": "a", "picture_url": "javascript:x"}]}),
            "goods.pictureUrl",
        ),
        (json!({"type": "coupon", "card_title": "T"}), "coupon"),
    ];
    for (i, (card, field)) in cases.iter().enumerate() {
        let (status, body) = send_card(&app, &vtoken, &format!("bad-{i}"), card).await;
        assert_eq!(status, 400, "{card}: {body}");
        assert_eq!(body["code"], "bad_request", "{body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(field),
            "{card}: {message:?} should name {field}"
        );
    }
    // A bad client id, and no session at all.
    let ok = json!({"type": "product", "card_title": "T"});
    let (status, _) = send_card(&app, &vtoken, "", &ok).await;
    assert_eq!(status, 400);
    let (status, _) = send_card(&app, "not-a-token", "c", &ok).await;
    assert_eq!(status, 401);
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/card",
            &vtoken,
            Some(&json!({"client_id": "c"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    // Nothing was stored.
    let (_, history) = app
        .call(Method::GET, "/api/chat/history", &vtoken, None)
        .await;
    assert!(
        history["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["kind"] != "card"),
        "{history}"
    );
}
