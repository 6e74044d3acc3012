//! The admin reports: one [`Report`] per tenant and range, read from the store
//! (`store::reports`: counts by day and hour in SQL, per-conversation facts as rows)
//! and worked out with the pure functions of [`stats`]; [`csv`] writes its tables.
//! The bot's unknown questions are recorded here too ([`record_unknown`]), as the bot
//! answers them.

pub mod csv;
pub mod stats;

use std::collections::{BTreeMap, HashMap};

use parley_protocol::api::SystemEvent;
use parley_protocol::evaluation::ScoreKind;
use parley_protocol::reports::{
    format_day, AgentRow, DayCount, Outcomes, RatingComment, Report, Satisfaction, ScoreCount,
    TicketDay, UnknownQuestion,
};

use crate::config::Tenant;
use crate::error::ApiError;
use crate::store::{self, reports::Range};
use crate::AppState;
use stats::{Span, Story};

/// Most comments and unknown questions a report lists.
pub const LIST_LIMIT: i64 = 50;

/// Keeps an unknown answer's question for the reports, grouped by the text the bot
/// reads (`parley_reception::bot::normalize_question`). A failure is logged, never
/// the visitor's problem: the bot's reply matters more than the statistic.
pub async fn record_unknown(state: &AppState, sysnum: &str, conversation_id: &str, question: &str) {
    let normalized = parley_reception::bot::normalize_question(question);
    if normalized.is_empty() {
        // Only punctuation or emoji: nothing an FAQ entry could answer.
        return;
    }
    let question: String = question.chars().take(500).collect();
    let normalized: String = normalized.chars().take(500).collect();
    if let Err(e) = store::reports::record_unknown(
        state.db.pool(),
        sysnum,
        conversation_id,
        &question,
        &normalized,
        store::now_ms(),
    )
    .await
    {
        tracing::warn!(error = %e, "recording an unknown question");
    }
}

/// The report of `tenant` over `span`.
pub async fn report(state: &AppState, tenant: &Tenant, span: Span) -> Result<Report, ApiError> {
    let (start, end) = span.millis();
    let r = Range {
        sysnum: &tenant.sysnum,
        start,
        end,
        offset_ms: span.zone.offset_ms_at(start),
    };
    let pool = state.db.pool();
    // Days and hours are counted in SQL at one offset per stretch of the range: one
    // stretch for a fixed offset, one more per daylight-saving change of a named zone.
    let (mut per_day, mut per_hour) = (Vec::new(), Vec::new());
    let (mut opened, mut answered, mut closed) = (Vec::new(), Vec::new(), Vec::new());
    for seg in span.segments() {
        let r = Range {
            start: seg.start,
            end: seg.end,
            offset_ms: seg.offset_ms,
            ..r
        };
        per_day.extend(store::reports::conversations_per_day(pool, r).await?);
        per_hour.extend(store::reports::conversations_per_week_hour(pool, r).await?);
        opened.extend(store::reports::tickets_opened(pool, r).await?);
        answered.extend(store::reports::tickets_answered(pool, r).await?);
        closed.extend(store::reports::tickets_closed(pool, r).await?);
    }
    let facts = store::reports::conversations(pool, r).await?;
    let events = store::reports::system_events(pool, r).await?;
    let replies = store::reports::agent_messages(pool, r).await?;
    let scores = store::reports::scores(pool, r).await?;
    let comments = store::reports::comments(pool, r, LIST_LIMIT).await?;
    let unknown = store::reports::unknown_questions(pool, r, LIST_LIMIT).await?;

    let mut days_map: HashMap<i64, i64> = HashMap::new();
    for (d, n) in per_day {
        *days_map.entry(d).or_default() += n;
    }
    let days = span
        .days()
        .map(|d| DayCount {
            day: format_day(d),
            conversations: days_map.remove(&d).unwrap_or(0).max(0) as u64,
        })
        .collect();

    let mut hour_of_week = vec![vec![0u64; 24]; 7];
    for (k, n) in per_hour {
        // Hour 0 of the epoch's week is Thursday 00:00; Monday is row 0.
        let k = k.rem_euclid(168);
        let weekday = ((k / 24 + 3) % 7) as usize;
        hour_of_week[weekday][(k % 24) as usize] += n.max(0) as u64;
    }

    let conv = conversations(tenant, facts, events, replies, end.min(store::now_ms()));
    let satisfaction = satisfaction(tenant.evaluation.kind, scores, comments);
    let unknown_questions = unknown
        .into_iter()
        .map(|u| UnknownQuestion {
            normalized: u.normalized,
            example: u.example,
            count: u.count.max(0) as u64,
            last_at: u.last_at,
        })
        .collect();
    let sum = |pairs: Vec<(i64, i64)>| {
        let mut m: HashMap<i64, i64> = HashMap::new();
        for (d, n) in pairs {
            *m.entry(d).or_default() += n;
        }
        m
    };
    let (opened, answered, closed) = (sum(opened), sum(answered), sum(closed));
    let n = |m: &HashMap<i64, i64>, d: i64| m.get(&d).copied().unwrap_or(0).max(0) as u64;
    let tickets = span
        .days()
        .map(|d| TicketDay {
            day: format_day(d),
            opened: n(&opened, d),
            answered: n(&answered, d),
            closed: n(&closed, d),
        })
        .collect();
    Ok(Report {
        from: format_day(span.from),
        to: format_day(span.to),
        tz_minutes: span.tz_minutes(),
        tz: span.zone.name().map(str::to_owned),
        days,
        hour_of_week,
        outcomes: conv.outcomes,
        waiting: stats::durations(&conv.waits),
        first_response: stats::durations(&conv.first_responses),
        agents: conv.agents,
        satisfaction,
        unknown_questions,
        tickets,
    })
}

/// What the conversations of the range add up to.
struct Conversations {
    outcomes: Outcomes,
    waits: Vec<i64>,
    first_responses: Vec<i64>,
    agents: Vec<AgentRow>,
}

fn conversations(
    tenant: &Tenant,
    facts: Vec<store::reports::ConversationFacts>,
    events: Vec<(String, i64, String)>,
    replies: Vec<store::reports::AgentMessages>,
    until: i64,
) -> Conversations {
    let mut by_conv: HashMap<String, Vec<(i64, SystemEvent)>> = HashMap::new();
    for (id, at, json) in events {
        if let Ok(event) = serde_json::from_str::<SystemEvent>(&json) {
            by_conv.entry(id).or_default().push((at, event));
        }
    }
    // (conversation, agent) → (first message, count).
    let mut firsts: HashMap<&str, i64> = HashMap::new();
    let mut messages: HashMap<&str, u64> = HashMap::new();
    for r in &replies {
        let first = firsts
            .entry(r.conversation_id.as_str())
            .or_insert(r.first_at);
        *first = (*first).min(r.first_at);
        *messages.entry(r.agent_id.as_str()).or_default() += r.count.max(0) as u64;
    }
    let mut outcomes = Outcomes::default();
    let (mut waits, mut first_responses) = (Vec::new(), Vec::new());
    let mut holds: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    let mut served: BTreeMap<String, u64> = BTreeMap::new();
    for f in &facts {
        let events = by_conv.remove(&f.id).unwrap_or_default();
        let until = f.ended_at.unwrap_or(until.max(f.created_at));
        let story = Story::of(&events, until);
        story.outcome(f.left_message).count_in(&mut outcomes);
        waits.extend(story.waited());
        if let (Some(accepted), Some(first)) = (story.accepted_at, firsts.get(f.id.as_str())) {
            first_responses.push(first - accepted);
        }
        let mut held_by: Vec<&str> = Vec::new();
        for h in &story.holds {
            holds
                .entry(h.agent_id.clone())
                .or_default()
                .push((h.start, h.end));
            if !held_by.contains(&h.agent_id.as_str()) {
                held_by.push(&h.agent_id);
            }
        }
        for a in held_by {
            *served.entry(a.to_owned()).or_default() += 1;
        }
    }
    let mut ids: Vec<(String, String)> = tenant
        .agents
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    for id in served
        .keys()
        .map(String::as_str)
        .chain(messages.keys().copied())
    {
        if !ids.iter().any(|(known, _)| known == id) {
            ids.push((id.to_owned(), id.to_owned()));
        }
    }
    let agents = ids
        .into_iter()
        .map(|(agent_id, name)| {
            let (peak_load, average_load) =
                stats::load(holds.get(&agent_id).map(Vec::as_slice).unwrap_or(&[]));
            AgentRow {
                conversations: served.get(&agent_id).copied().unwrap_or(0),
                messages: messages.get(agent_id.as_str()).copied().unwrap_or(0),
                average_load: (average_load * 100.0).round() / 100.0,
                peak_load,
                agent_id,
                name,
            }
        })
        .collect();
    Conversations {
        outcomes,
        waits,
        first_responses,
        agents,
    }
}

fn satisfaction(
    kind: ScoreKind,
    scores: Vec<(String, i64, i64)>,
    comments: Vec<store::reports::Comment>,
) -> Satisfaction {
    let kind_text = match kind {
        ScoreKind::Stars => "stars",
        ScoreKind::ZeroToTen => "zero_to_ten",
    };
    let mut distribution: Vec<ScoreCount> = (kind.min()..=kind.max())
        .map(|score| ScoreCount { score, count: 0 })
        .collect();
    let (mut count, mut sum, mut other_scale) = (0u64, 0u64, 0u64);
    for (k, score, n) in scores {
        let n = n.max(0) as u64;
        match distribution
            .iter_mut()
            .find(|s| i64::from(s.score) == score)
        {
            Some(slot) if k == kind_text => {
                slot.count += n;
                count += n;
                sum += n * score.max(0) as u64;
            }
            _ => other_scale += n,
        }
    }
    Satisfaction {
        kind,
        distribution,
        count,
        average: (count > 0).then(|| ((sum as f64 / count as f64) * 100.0).round() / 100.0),
        other_scale,
        comments: comments
            .into_iter()
            .map(|c| RatingComment {
                conversation_id: c.conversation_id,
                agent_id: c.agent_id,
                score: u8::try_from(c.score).unwrap_or(0),
                comment: c.comment,
                at: c.created_at,
            })
            .collect(),
    }
}
