//! `POST /api/chat/card`: the visitor sends the product or order card their link carried.
//!
//! The card is re-checked here with the protocol's own rules ([`Card::validate`]: title
//! required, lengths bounded, links http/https or a mini-program path, pictures
//! http/https), never trusted from the client's parse. It is stored as a message of kind
//! `card` with the card on it, so the agent API, the sockets and the visitor's history
//! carry every field, and it is exactly-once on its client id like a text message.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use parley_protocol::api::{MessageKind, SendCardRequest, SendResponse, Sender};
use parley_protocol::card::Card;

use crate::auth::{JsonBody, VisitorAuth};
use crate::chat::{self, NewMessage};
use crate::error::ApiError;
use crate::{admission, quota, AppState};

/// The card endpoint (session-bound, like the other visitor calls).
pub fn router() -> Router<AppState> {
    Router::new().route("/api/chat/card", post(send_card))
}

/// Checks a client-sent card and its client id; the error says which field is wrong.
pub fn check(client_id: &str, card: &Card) -> Result<(), ApiError> {
    chat::check_client_id(client_id)?;
    card.validate().map_err(ApiError::bad_request)
}

async fn send_card(
    State(state): State<AppState>,
    who: VisitorAuth,
    JsonBody(request): JsonBody<SendCardRequest>,
) -> Result<Json<SendResponse>, ApiError> {
    check(&request.client_id, &request.card)?;
    let tenant = admission::session_tenant(&state, &who.sysnum)?;
    quota::message(&state, &tenant, &who.visitor_id)?;
    let m = NewMessage {
        card: Some(request.card.clone()),
        ..NewMessage::from_person(
            &request.client_id,
            Sender::Visitor,
            Some(who.visitor_id.clone()),
            None,
            MessageKind::Card,
            request.card.summary(),
        )
    };
    let a = chat::append(&state, &who.conversation_id, m).await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::model::MAX_CLIENT_ID;
    use parley_protocol::card::ProductInfo;

    #[test]
    fn client_ids_and_cards_are_checked() {
        let card = Card::Product(ProductInfo {
            card_title: "T".into(),
            ..Default::default()
        });
        let refused = |r: Result<(), ApiError>| match r {
            Err(ApiError::Client {
                status, message, ..
            }) => (status.as_u16(), message),
            other => panic!("expected a client error, got {other:?}"),
        };
        assert!(check("c1", &card).is_ok());
        assert_eq!(refused(check("", &card)).0, 400);
        assert_eq!(refused(check(&"x".repeat(MAX_CLIENT_ID + 1), &card)).0, 400);
        let blank = Card::Product(ProductInfo::default());
        let (status, message) = refused(check("c1", &blank));
        assert_eq!(status, 400);
        assert!(message.contains("card_title"), "names the field: {message}");
    }
}
