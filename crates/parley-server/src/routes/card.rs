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
use crate::AppState;

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
    let a = chat::append(
        &state,
        &who.conversation_id,
        NewMessage {
            client_id: Some(request.client_id),
            sender: Sender::Visitor,
            sender_id: Some(who.visitor_id.clone()),
            sender_name: None,
            kind: MessageKind::Card,
            text: request.card.summary(),
            event: None,
            bot: None,
            card: Some(request.card),
            image: None,
        },
    )
    .await?;
    Ok(Json(SendResponse {
        message: a.message,
        duplicate: a.duplicate,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::MAX_CLIENT_ID;
    use parley_protocol::card::ProductInfo;

    #[test]
    fn client_ids_and_cards_are_checked() {
        let card = Card::Product(ProductInfo {
            card_title: "T".into(),
            ..Default::default()
        });
        assert!(check("c1", &card).is_ok());
        assert!(check("", &card).is_err());
        assert!(check(&"x".repeat(MAX_CLIENT_ID + 1), &card).is_err());
        let blank = Card::Product(ProductInfo::default());
        assert!(check("c1", &blank).is_err());
    }
}
