//! The admin reports: `GET /api/admin/reports?from&to&tz` answers one [`Report`];
//! `GET /api/admin/reports.csv?report=<name>&from&to&tz` one of its tables as CSV
//! ([`TABLES`] names them). Days are calendar days in the caller's UTC offset, written
//! `YYYY-MM-DD`; [`parse_day`] and [`format_day`] are the one reading of them that the
//! server and the workbench share.

use serde::{Deserialize, Serialize};

use chrono::Datelike;

use crate::evaluation::ScoreKind;

/// The longest range a report covers, in days (a leap year).
pub const MAX_DAYS: i64 = 366;

/// The largest UTC offset a report accepts, in minutes (UTC+14:00, Kiribati).
pub const MAX_TZ_MINUTES: i32 = 14 * 60;

/// The CSV tables, by the name `reports.csv?report=` takes.
pub const TABLES: [&str; 9] = [
    "days",
    "hour_of_week",
    "outcomes",
    "times",
    "agents",
    "scores",
    "comments",
    "unknown_questions",
    "tickets",
];

/// Everything the reports page shows for one range. Conversation figures count the
/// conversations that *started* in the range; ratings, unknown questions and ticket
/// events count what happened in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The first and last day, inclusive.
    pub from: String,
    pub to: String,
    /// The UTC offset the days were cut in, minutes east of UTC (for a named zone, its
    /// offset at the range's start).
    pub tz_minutes: i32,
    /// The IANA zone the days were cut in, when the request named one (its offset then
    /// follows daylight saving day by day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// Every day of the range, oldest first, zero days included.
    pub days: Vec<DayCount>,
    /// Conversations by weekday (Monday first) and hour: 7 rows of 24.
    pub hour_of_week: Vec<Vec<u64>>,
    pub outcomes: Outcomes,
    /// From entering the queue to an agent's accept (0 for a visitor an agent took at
    /// once), over conversations an agent joined.
    pub waiting: Durations,
    /// From the agent's accept to their first message.
    pub first_response: Durations,
    /// Every agent of the tenant, plus any no longer configured who served.
    pub agents: Vec<AgentRow>,
    pub satisfaction: Satisfaction,
    /// The questions the bot could not answer, most frequent first (at most 50).
    pub unknown_questions: Vec<UnknownQuestion>,
    /// Every day of the range, oldest first.
    pub tickets: Vec<TicketDay>,
}

/// Conversations that started on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub day: String,
    pub conversations: u64,
}

/// How the range's conversations ended up; each counts once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcomes {
    /// Only the bot answered; the visitor never asked for a person.
    pub bot_only: u64,
    /// An agent joined.
    pub agent: u64,
    /// No agent joined and the visitor left a message (a ticket) meanwhile.
    pub message_left: u64,
    /// The visitor waited for an agent, none joined, and they left no message.
    pub unserved: u64,
}

impl Outcomes {
    /// Every conversation counted.
    pub fn total(&self) -> u64 {
        self.bot_only + self.agent + self.message_left + self.unserved
    }
}

/// A distribution of durations: how many, the median and the 90th percentile
/// (linear between the nearest ranks, as PostgreSQL's `percentile_cont`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    pub count: u64,
    pub median_ms: Option<u64>,
    pub p90_ms: Option<u64>,
}

/// One agent's part of the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRow {
    pub agent_id: String,
    pub name: String,
    /// Conversations the agent held at some point.
    pub conversations: u64,
    /// Messages the agent wrote in them.
    pub messages: u64,
    /// Conversations held at once, averaged over the time they held at least one.
    pub average_load: f64,
    /// The most conversations held at once.
    pub peak_load: u32,
}

/// The ratings given in the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// The tenant's scale now; ratings on another scale (given before it changed) are
    /// only counted in `other_scale`.
    pub kind: ScoreKind,
    /// Every score of the scale, lowest first, with its count.
    pub distribution: Vec<ScoreCount>,
    pub count: u64,
    pub average: Option<f64>,
    pub other_scale: u64,
    /// The newest ratings with a comment (at most 50), newest first.
    pub comments: Vec<RatingComment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreCount {
    pub score: u8,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingComment {
    pub conversation_id: String,
    pub agent_id: Option<String>,
    pub score: u8,
    pub comment: String,
    /// Unix milliseconds.
    pub at: i64,
}

/// A question the bot answered with its unknown reply, grouped by its normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownQuestion {
    /// The normalised text (lower case, punctuation as spaces) the group shares.
    pub normalized: String,
    /// One of the questions as a visitor typed it.
    pub example: String,
    pub count: u64,
    /// The newest, Unix milliseconds.
    pub last_at: i64,
}

/// Tickets on one day: opened, answered for the first time, closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDay {
    pub day: String,
    pub opened: u64,
    pub answered: u64,
    pub closed: u64,
}

/// `YYYY-MM-DD` as days since 1970-01-01; `None` unless a real calendar date.
pub fn parse_day(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(digits(0..4)?).ok()?,
        digits(5..7)?,
        digits(8..10)?,
    )?;
    Some(i64::from(date.num_days_from_ce()) - UNIX_DAY_FROM_CE)
}

/// Days since 1970-01-01 as `YYYY-MM-DD`.
pub fn format_day(day: i64) -> String {
    i32::try_from(day + UNIX_DAY_FROM_CE)
        .ok()
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        .unwrap_or_default()
}

/// The day number of 1970-01-01 counted from 0001-01-01 (day 1).
const UNIX_DAY_FROM_CE: i64 = 719_163;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_and_write_back() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(parse_day("2024-02-29"), Some(19_782));
        assert_eq!(format_day(19_782), "2024-02-29");
        assert_eq!(format_day(-1), "1969-12-31");
        for d in [-400, 0, 59, 10_000, 20_000, 30_000] {
            assert_eq!(parse_day(&format_day(d)), Some(d));
        }
    }

    #[test]
    fn only_real_dates_read() {
        for bad in [
            "",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-01x",
            "+024-01-01",
            "2024-01-+1",
            "２０２４-01-01",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
