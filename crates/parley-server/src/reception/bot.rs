//! The FAQ bot in conversations: every tenant's bots indexed once, and the bot's
//! answer to each visitor message in a bot conversation.

use std::collections::HashMap;
use std::sync::Arc;

use parley_protocol::api::{
    BotOutcome, BotReply, ChatMessage, ConversationState, MessageKind, Sender,
};
use parley_protocol::params::ReceptionType;
use parley_reception::bot::Lang;
use parley_reception::{MatchOutcome, Matcher};

use super::{suggestion, transfer_button, Context};
use crate::auth::VisitorAuth;
use crate::chat::{self, Appended, Conversation, NewMessage};
use crate::config::Tenant;
use crate::error::ApiError;
use crate::store;
use crate::AppState;

/// The bots of every tenant, indexed once at start: (sysnum, robotid) to matcher.
#[derive(Default)]
pub struct Bots(HashMap<(String, u64), Arc<Matcher>>);

impl Bots {
    /// Indexes every tenant's loaded bots.
    pub fn new(config: &crate::config::Config) -> Bots {
        let mut map = HashMap::new();
        for t in &config.tenants {
            for b in &t.bots {
                if let Some(bot) = &b.bot {
                    map.insert(
                        (t.sysnum.clone(), b.id),
                        Arc::new(Matcher::new((**bot).clone())),
                    );
                }
            }
        }
        Bots(map)
    }

    /// The matcher of a tenant's bot.
    pub fn get(&self, sysnum: &str, robotid: Option<u64>) -> Option<&Arc<Matcher>> {
        self.0.get(&(sysnum.to_owned(), robotid?))
    }
}

/// The bot's answer to a visitor message just stored in a bot conversation: an
/// answer, "did you mean" suggestions or the unknown reply, stored as a bot message.
/// `None` when nobody automatic answers (not a bot conversation, agent-only, no bot).
pub async fn bot_reply(
    state: &AppState,
    tenant: &Tenant,
    c: &Conversation,
    question: &str,
    faq_id: Option<u64>,
) -> Result<Option<ChatMessage>, ApiError> {
    let ctx = Context::of(c);
    if c.state != ConversationState::Bot || ctx.request.reception_type == ReceptionType::AgentOnly {
        return Ok(None);
    }
    let Some(matcher) = state.config.bot(&tenant.sysnum, ctx.robotid) else {
        return Ok(None);
    };
    let bot = matcher.bot();
    let locale = ctx.locale.code();
    let tapped = faq_id.and_then(|id| bot.entry(id));
    let outcome = match tapped {
        Some(entry) => MatchOutcome::Answer { entry, score: 1.0 },
        None => matcher.ask(question, ctx.faqid),
    };
    let (text, outcome, answered, suggestions) = match outcome {
        MatchOutcome::Answer { entry, .. } => (
            entry.answer.clone(),
            BotOutcome::Answer,
            Some(entry.id),
            bot.related(entry).into_iter().map(suggestion).collect(),
        ),
        MatchOutcome::Suggest(list) => {
            // Prompt in the question's language, since the suggestions are in it.
            let lang = Lang::detect(question).code();
            (
                bot.suggest_prompt(lang).to_owned(),
                BotOutcome::Suggest,
                None,
                list.into_iter().map(suggestion).collect(),
            )
        }
        // The unknown reply asks the visitor to rephrase or pick a question: the
        // guided questions of the greeting, in the page's language, are those.
        MatchOutcome::Unknown => (
            bot.unknown_reply(locale).to_owned(),
            BotOutcome::Unknown,
            None,
            if ctx.guide_flag {
                bot.guide_entries(Lang::for_locale(locale))
                    .into_iter()
                    .map(suggestion)
                    .collect()
            } else {
                Vec::new()
            },
        ),
    };
    let mut counted = c.clone();
    if outcome == BotOutcome::Unknown {
        counted.unknown_count = store::conversations::count_unknown(state.db.pool(), &c.id).await?;
        crate::reports::record_unknown(state, &tenant.sysnum, &c.id, question).await;
    }
    let reply = BotReply {
        outcome,
        faq_id: answered,
        suggestions,
        transfer_button: transfer_button(tenant, &counted),
    };
    let stored = chat::append(
        state,
        &c.id,
        NewMessage {
            client_id: None,
            sender: Sender::Bot,
            sender_id: ctx.robotid.map(|r| r.to_string()),
            sender_name: Some(bot.name.clone()),
            kind: MessageKind::Text,
            text,
            event: None,
            bot: Some(reply),
            card: None,
            image: None,
            file: None,
        },
    )
    .await?;
    Ok(Some(stored.message))
}

/// A visitor's message: stored (exactly once on its client id), and in a bot
/// conversation answered by the bot (once: not for a re-sent duplicate). The answer
/// reaches the visitor as a message event, and through history.
pub async fn visitor_says(
    state: &AppState,
    who: &VisitorAuth,
    client_id: &str,
    text: &str,
    faq_id: Option<u64>,
) -> Result<Appended, ApiError> {
    chat::check_text(client_id, text)?;
    if let Some(tenant) = state.config.tenant(&who.sysnum) {
        if let Err(refused) = crate::quota::message(state, &tenant, &who.visitor_id) {
            // A re-send of a stored message (the outbox after a reconnect) is answered
            // as the duplicate it is, whatever the quota.
            let stored = store::messages::by_client_id(
                state.db.pool(),
                &who.conversation_id,
                Sender::Visitor,
                client_id,
            )
            .await?;
            if stored.is_none() {
                return Err(refused);
            }
        }
    }
    let m = NewMessage::from_person(
        client_id,
        Sender::Visitor,
        Some(who.visitor_id.clone()),
        None,
        MessageKind::Text,
        text.to_owned(),
    );
    let appended = chat::append(state, &who.conversation_id, m).await?;
    if !appended.duplicate {
        if let Some(tenant) = state.config.tenant(&who.sysnum) {
            bot_reply(state, &tenant, &appended.conversation, text, faq_id).await?;
        }
    }
    Ok(appended)
}

/// How the bot answers `question` and why, without a conversation: what the admin's
/// "try a question" box shows. The same matcher call as [`bot_reply`], so the box
/// never disagrees with a chat.
pub fn try_question(
    matcher: &Matcher,
    question: &str,
    locale: &str,
    faqid: Option<u64>,
) -> parley_protocol::api::FaqTry {
    use parley_protocol::api::{FaqCandidate, FaqTry};
    let bot = matcher.bot();
    let candidate = |e: &parley_reception::bot::FaqEntry, score: f64| FaqCandidate {
        id: e.id,
        question: e.question.clone(),
        score,
    };
    let ranked = matcher.rank(question, faqid);
    let score_of = |id: u64| {
        ranked
            .iter()
            .find(|(e, _)| e.id == id)
            .map_or(0.0, |(_, s)| *s)
    };
    let lang = Lang::detect(question);
    let limits = matcher.thresholds().for_lang(lang);
    let (outcome, reply, answered, suggestions) = match matcher.ask(question, faqid) {
        MatchOutcome::Answer { entry, .. } => (
            BotOutcome::Answer,
            entry.answer.clone(),
            Some(entry.id),
            bot.related(entry)
                .into_iter()
                .map(|e| candidate(e, score_of(e.id)))
                .collect(),
        ),
        MatchOutcome::Suggest(list) => (
            BotOutcome::Suggest,
            bot.suggest_prompt(lang.code()).to_owned(),
            None,
            list.into_iter()
                .map(|e| candidate(e, score_of(e.id)))
                .collect(),
        ),
        // As in a chat with the default `guide_flag`: the guided questions.
        MatchOutcome::Unknown => (
            BotOutcome::Unknown,
            bot.unknown_reply(locale).to_owned(),
            None,
            bot.guide_entries(Lang::for_locale(locale))
                .into_iter()
                .map(|e| candidate(e, score_of(e.id)))
                .collect(),
        ),
    };
    FaqTry {
        outcome,
        reply,
        answered,
        suggestions,
        ranking: ranked.iter().map(|(e, s)| candidate(e, *s)).collect(),
        answer_at: limits.answer,
        margin: limits.margin,
        suggest_at: limits.suggest,
        lang: lang.code().to_owned(),
    }
}
