//! The reports' arithmetic as pure functions: the range a request names, percentiles,
//! what a conversation's system events say (who held it when, how long the visitor
//! waited, how it ended) and agents' loads from the times they held conversations.

use parley_protocol::api::SystemEvent;
use parley_protocol::reports::{parse_day, Durations, Outcomes, MAX_DAYS, MAX_TZ_MINUTES};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// A checked report range: local days `from..=to` in a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Days since 1970-01-01, inclusive.
    pub from: i64,
    pub to: i64,
    pub zone: Zone,
}

/// The time zone a report's days and hours are cut in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset, minutes east of UTC (`tz=60`).
    Fixed(i32),
    /// An IANA zone (`tz=Europe/Berlin`): every instant counts at the zone's offset
    /// then, so the days after a daylight-saving change are cut at their real midnight.
    Named(chrono_tz::Tz),
}

/// The longest `tz` parameter read (the longest IANA names have about 30 characters).
const MAX_TZ_CHARS: usize = 64;

impl Zone {
    /// The zone's offset from UTC at `utc_ms`, in milliseconds.
    pub fn offset_ms_at(&self, utc_ms: i64) -> i64 {
        use chrono::{Offset, TimeZone};
        match self {
            Zone::Fixed(minutes) => i64::from(*minutes) * 60_000,
            Zone::Named(tz) => {
                let utc = chrono::DateTime::from_timestamp_millis(utc_ms)
                    .unwrap_or_default()
                    .naive_utc();
                i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()) * 1000
            }
        }
    }

    /// The instant (UTC ms) local day `day` (days since 1970-01-01) begins: its
    /// midnight, or where a daylight-saving change skips midnight, the first local
    /// time that exists that day.
    pub fn day_start_ms(&self, day: i64) -> i64 {
        use chrono::TimeZone;
        let Zone::Named(tz) = self else {
            return day * DAY_MS - self.offset_ms_at(day * DAY_MS);
        };
        let midnight = chrono::DateTime::from_timestamp_millis(day * DAY_MS)
            .unwrap_or_default()
            .naive_utc();
        // Gaps are at most a few hours; step through them a quarter hour at a time.
        for quarter in 0..16 {
            let local = midnight + chrono::Duration::minutes(15 * quarter);
            if let Some(at) = tz.from_local_datetime(&local).earliest() {
                return at.timestamp_millis();
            }
        }
        day * DAY_MS - self.offset_ms_at(day * DAY_MS)
    }

    /// The name of a named zone.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            Zone::Fixed(_) => None,
            Zone::Named(tz) => Some(tz.name()),
        }
    }
}

impl Zone {
    /// Reads `tz`: minutes east of UTC when it is a number, else an IANA zone name.
    pub fn parse(t: &str) -> Result<Zone, BadRange> {
        if let Ok(minutes) = t.parse::<i32>() {
            return Some(minutes)
                .filter(|m| m.abs() <= MAX_TZ_MINUTES)
                .map(Zone::Fixed)
                .ok_or_else(|| BadRange {
                    field: "tz",
                    message: format!(
                        "tz in minutes must be from -{MAX_TZ_MINUTES} to {MAX_TZ_MINUTES}, got {t}"
                    ),
                });
        }
        if t.chars().count() <= MAX_TZ_CHARS {
            if let Ok(tz) = t.parse::<chrono_tz::Tz>() {
                return Ok(Zone::Named(tz));
            }
        }
        let shown: String = t.chars().take(MAX_TZ_CHARS).collect();
        Err(BadRange {
            field: "tz",
            message: format!(
                "tz must be an IANA time zone name such as Europe/Berlin, or minutes east \
                 of UTC; {shown:?} is neither"
            ),
        })
    }
}

/// A stretch of a range over which the zone's offset does not change: counting by
/// `(t + offset_ms) / unit` in it gives local days and hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub start: i64,
    pub end: i64,
    pub offset_ms: i64,
}

/// Why a range is refused: the parameter and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRange {
    pub field: &'static str,
    pub message: String,
}

impl Span {
    /// Reads `from`, `to` (`YYYY-MM-DD`) and `tz`: an IANA zone name (`Europe/Berlin`),
    /// or minutes east of UTC (`60`); absent = UTC.
    pub fn parse(from: &str, to: &str, tz: Option<&str>) -> Result<Span, BadRange> {
        let day = |field: &'static str, text: &str| {
            parse_day(text).ok_or_else(|| BadRange {
                field,
                message: format!("{field} must be a date written YYYY-MM-DD, got {text:?}"),
            })
        };
        let (from_day, to_day) = (day("from", from)?, day("to", to)?);
        let zone = match tz.filter(|t| !t.is_empty()) {
            None => Zone::Fixed(0),
            Some(t) => Zone::parse(t)?,
        };
        if from_day > to_day {
            return Err(BadRange {
                field: "from",
                message: format!("from ({from}) is after to ({to})"),
            });
        }
        let days = to_day - from_day + 1;
        if days > MAX_DAYS {
            return Err(BadRange {
                field: "to",
                message: format!("the range has {days} days; a report covers at most {MAX_DAYS}"),
            });
        }
        Ok(Span {
            from: from_day,
            to: to_day,
            zone,
        })
    }

    /// The zone's offset at the range's start, in minutes east of UTC.
    pub fn tz_minutes(&self) -> i32 {
        i32::try_from(self.zone.offset_ms_at(self.millis().0) / 60_000).unwrap_or(0)
    }

    /// The range as UTC milliseconds `[start, end)`: from the first day's start to the
    /// start of the day after the last.
    pub fn millis(&self) -> (i64, i64) {
        (
            self.zone.day_start_ms(self.from),
            self.zone.day_start_ms(self.to + 1),
        )
    }

    /// The range cut where the zone's offset changes (one segment for a fixed offset,
    /// one more per daylight-saving change in the range), oldest first.
    pub fn segments(&self) -> Vec<Segment> {
        let offset = |t: i64| self.zone.offset_ms_at(t);
        let mut out: Vec<Segment> = Vec::new();
        let mut push = |start: i64, end: i64, offset_ms: i64| match out.last_mut() {
            Some(last) if last.offset_ms == offset_ms && last.end == start => last.end = end,
            _ if end > start => out.push(Segment {
                start,
                end,
                offset_ms,
            }),
            _ => {}
        };
        for day in self.days() {
            let (start, end) = (self.zone.day_start_ms(day), self.zone.day_start_ms(day + 1));
            let (first, last) = (offset(start), offset(end - 1));
            if first == last {
                push(start, end, first);
                continue;
            }
            // A change this day: the first instant at the new offset, by bisection
            // (zones change at most once a day).
            let (mut low, mut high) = (start, end - 1);
            while high - low > 1 {
                let mid = low + (high - low) / 2;
                if offset(mid) == first {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            push(start, high, first);
            push(high, end, last);
        }
        out
    }

    /// The days of the range, oldest first.
    pub fn days(&self) -> impl Iterator<Item = i64> {
        self.from..=self.to
    }
}

/// The `p`-th percentile (0–100) of `values`, linear between the nearest ranks (as
/// PostgreSQL's `percentile_cont`), rounded to the millisecond; `None` when empty.
pub fn percentile(values: &[i64], p: f64) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    percentile_sorted(&sorted, p)
}

fn percentile_sorted(sorted: &[i64], p: f64) -> Option<i64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p.clamp(0.0, 100.0) / 100.0 * last as f64;
    let (low, frac) = (rank.floor() as usize, rank.fract());
    let high = (low + 1).min(last);
    let value = sorted[low] as f64 + (sorted[high] - sorted[low]) as f64 * frac;
    Some(value.round() as i64)
}

/// The count, median and 90th percentile of `values` (negative ones, from clocks of
/// different instances disagreeing, count as 0).
pub fn durations(values: &[i64]) -> Durations {
    let mut sorted: Vec<i64> = values.iter().map(|v| (*v).max(0)).collect();
    sorted.sort_unstable();
    let ms = |p| percentile_sorted(&sorted, p).map(|v| v as u64);
    Durations {
        count: sorted.len() as u64,
        median_ms: ms(50.0),
        p90_ms: ms(90.0),
    }
}

/// One agent holding a conversation from `start` to `end` (ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub agent_id: String,
    pub start: i64,
    pub end: i64,
}

/// What a conversation's system events (in order, with their times) say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Story {
    /// The visitor first entered a queue.
    pub queued_at: Option<i64>,
    /// The first agent joined.
    pub accepted_at: Option<i64>,
    /// Who held it, when; a hold still open at the end of the events runs to `until`.
    pub holds: Vec<Hold>,
}

impl Story {
    /// Reads the events; `until` closes a hold the events leave open (the range's end,
    /// or now when that is earlier).
    pub fn of(events: &[(i64, SystemEvent)], until: i64) -> Story {
        let mut story = Story::default();
        let mut holding: Option<(String, i64)> = None;
        let close = |holding: &mut Option<(String, i64)>, at: i64, holds: &mut Vec<Hold>| {
            if let Some((agent_id, start)) = holding.take() {
                holds.push(Hold {
                    agent_id,
                    start,
                    end: at.max(start),
                });
            }
        };
        for (at, event) in events {
            match event {
                SystemEvent::Queued { .. } => {
                    story.queued_at.get_or_insert(*at);
                }
                SystemEvent::AgentJoined { agent_id, .. } => {
                    story.accepted_at.get_or_insert(*at);
                    close(&mut holding, *at, &mut story.holds);
                    holding = Some((agent_id.clone(), *at));
                }
                SystemEvent::Transferred { to_agent, .. } => {
                    close(&mut holding, *at, &mut story.holds);
                    holding = to_agent.clone().map(|a| (a, *at));
                }
                SystemEvent::Ended { .. } | SystemEvent::NoAgentOnline => {
                    close(&mut holding, *at, &mut story.holds);
                }
                SystemEvent::EvaluationInvited | SystemEvent::Evaluated { .. } => {}
            }
        }
        close(&mut holding, until, &mut story.holds);
        story
    }

    /// How long the visitor waited for the first agent (0 when one took them at once).
    pub fn waited(&self) -> Option<i64> {
        let accepted = self.accepted_at?;
        Some(
            accepted
                - self
                    .queued_at
                    .filter(|q| *q <= accepted)
                    .unwrap_or(accepted),
        )
    }

    /// The conversation's outcome, given whether the visitor left a message.
    pub fn outcome(&self, left_message: bool) -> Outcome {
        if self.accepted_at.is_some() {
            Outcome::Agent
        } else if left_message {
            Outcome::MessageLeft
        } else if self.queued_at.is_some() {
            Outcome::Unserved
        } else {
            Outcome::BotOnly
        }
    }
}

/// One conversation's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    BotOnly,
    Agent,
    MessageLeft,
    Unserved,
}

impl Outcome {
    /// Counts this outcome in `totals`.
    pub fn count_in(self, totals: &mut Outcomes) {
        match self {
            Outcome::BotOnly => totals.bot_only += 1,
            Outcome::Agent => totals.agent += 1,
            Outcome::MessageLeft => totals.message_left += 1,
            Outcome::Unserved => totals.unserved += 1,
        }
    }
}

/// An agent's load over their holds: the most held at once, and the average held over
/// the time they held at least one. A hold that ends where another starts does not
/// overlap it.
pub fn load(holds: &[(i64, i64)]) -> (u32, f64) {
    let mut edges: Vec<(i64, i32)> = Vec::with_capacity(holds.len() * 2);
    for &(start, end) in holds.iter().filter(|(s, e)| e >= s) {
        edges.push((start, 1));
        edges.push((end, -1));
    }
    // Ends before starts at the same instant.
    edges.sort_unstable();
    let (mut held, mut peak) = (0i32, 0i32);
    let (mut busy, mut weighted) = (0i64, 0i64);
    let mut last = None;
    for (at, step) in edges {
        if let Some(prev) = last {
            if held > 0 {
                busy += at - prev;
                weighted += (at - prev) * i64::from(held);
            }
        }
        held += step;
        peak = peak.max(held);
        last = Some(at);
    }
    let average = if busy > 0 {
        weighted as f64 / busy as f64
    } else if peak > 0 {
        // Only instants: held but for no measurable time.
        f64::from(peak)
    } else {
        0.0
    };
    (peak as u32, average)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_protocol::api::EndReason;

    #[test]
    fn percentiles_interpolate_between_ranks() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[7], 50.0), Some(7));
        assert_eq!(percentile(&[7], 90.0), Some(7));
        assert_eq!(percentile(&[20, 10], 50.0), Some(15));
        assert_eq!(percentile(&[1, 2, 3], 50.0), Some(2));
        // 1..=10: rank 0.9 * 9 = 8.1 → 9 + 0.1 = 9.1 → 9.
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90.0), Some(9));
        assert_eq!(percentile(&[0, 1000], 90.0), Some(900));
        assert_eq!(percentile(&ten, 0.0), Some(1));
        assert_eq!(percentile(&ten, 100.0), Some(10));
    }

    #[test]
    fn durations_count_and_clamp() {
        let d = durations(&[3000, -5, 1000, 2000]);
        assert_eq!(d.count, 4);
        // 0, 1000, 2000, 3000: the median is 1500, p90 rank 2.7 → 2700.
        assert_eq!(d.median_ms, Some(1500));
        assert_eq!(d.p90_ms, Some(2700));
        assert_eq!(durations(&[]), Durations::default());
    }

    #[test]
    fn ranges_are_checked() {
        let s = Span::parse("2024-03-01", "2024-03-07", Some("120")).unwrap();
        assert_eq!(s.days().count(), 7);
        let (start, end) = s.millis();
        assert_eq!(end - start, 7 * DAY_MS);
        // Midnight of 1 March in UTC+2 is 22:00 UTC the day before.
        assert_eq!(
            start,
            parse_day("2024-03-01").unwrap() * DAY_MS - 2 * 3_600_000
        );
        assert_eq!(
            Span::parse("2024-03-01", "2024-03-01", None)
                .unwrap()
                .tz_minutes(),
            0
        );
        let refused = |f: &str, t: &str, tz: Option<&str>| Span::parse(f, t, tz).unwrap_err();
        assert_eq!(refused("2024-03-08", "2024-03-07", None).field, "from");
        assert!(refused("2024-03-08", "2024-03-07", None)
            .message
            .contains("after"));
        assert_eq!(refused("yesterday", "2024-03-07", None).field, "from");
        assert_eq!(refused("2024-03-01", "2024-02-30", None).field, "to");
        // 366 days pass (a leap year), 367 do not.
        assert!(Span::parse("2024-01-01", "2024-12-31", None).is_ok());
        let long = refused("2024-01-01", "2025-01-01", None);
        assert_eq!(long.field, "to");
        assert!(long.message.contains("367 days"), "{}", long.message);
        assert_eq!(refused("2024-01-01", "2024-01-02", Some("900")).field, "tz");
        assert_eq!(refused("2024-01-01", "2024-01-02", Some("2h")).field, "tz");
        assert_eq!(
            Span::parse("2024-01-01", "2024-01-02", Some("-300"))
                .unwrap()
                .zone
                .offset_ms_at(0),
            -300 * 60_000
        );
        let unknown = refused("2024-01-01", "2024-01-02", Some("Mars/Olympus_Mons"));
        assert_eq!(unknown.field, "tz");
        assert!(unknown.message.contains("IANA"), "{}", unknown.message);
        assert!(unknown.message.contains("Mars/Olympus_Mons"));
        let huge = refused("2024-01-01", "2024-01-02", Some(&"x".repeat(5000)));
        assert!(huge.message.len() < 300, "the echo is bounded");
        let fixed = Span::parse("2024-01-01", "2024-01-31", Some("60")).unwrap();
        assert_eq!(fixed.segments().len(), 1, "a fixed offset never changes");
    }

    /// The local day `t` (UTC ms) counts in, as the store counts it: by its segment.
    fn local_day(span: &Span, t: i64) -> i64 {
        let seg = span
            .segments()
            .into_iter()
            .find(|s| s.start <= t && t < s.end)
            .expect("t in the range");
        (t + seg.offset_ms).div_euclid(DAY_MS)
    }

    const H: i64 = 3_600_000;

    #[test]
    fn a_named_zone_follows_the_spring_daylight_saving_change() {
        // Berlin, Sunday 2024-03-31: 02:00 CET became 03:00 CEST at 01:00 UTC.
        let s = Span::parse("2024-03-30", "2024-04-01", Some("Europe/Berlin")).unwrap();
        let day = |d: &str| parse_day(d).unwrap();
        let (start, end) = s.millis();
        assert_eq!(start, day("2024-03-30") * DAY_MS - H, "midnight CET");
        assert_eq!(end, day("2024-04-02") * DAY_MS - 2 * H, "midnight CEST");
        assert_eq!(end - start, 3 * DAY_MS - H, "the change day has 23 hours");
        let change = day("2024-03-31") * DAY_MS + H;
        assert_eq!(
            s.segments(),
            vec![
                Segment {
                    start,
                    end: change,
                    offset_ms: H
                },
                Segment {
                    start: change,
                    end,
                    offset_ms: 2 * H
                },
            ]
        );
        assert_eq!(s.tz_minutes(), 60);
        assert_eq!(s.zone.name(), Some("Europe/Berlin"));
        // 22:30 UTC on the 31st is 00:30 on 1 April in Berlin (summer time), where a
        // fixed +01:00 would have put it on the 31st.
        let late = day("2024-03-31") * DAY_MS + 22 * H + H / 2;
        assert_eq!(local_day(&s, late), day("2024-04-01"));
        let fixed = Span::parse("2024-03-30", "2024-04-01", Some("60")).unwrap();
        assert_eq!(local_day(&fixed, late), day("2024-03-31"));
        // Just before and after the change.
        assert_eq!(local_day(&s, change - 1), day("2024-03-31"));
        assert_eq!(local_day(&s, change), day("2024-03-31"));
    }

    #[test]
    fn a_named_zone_follows_the_autumn_change_and_a_midnight_gap() {
        // Berlin, Sunday 2024-10-27: 03:00 CEST became 02:00 CET at 01:00 UTC; that day
        // has 25 hours.
        let day = |d: &str| parse_day(d).unwrap();
        let s = Span::parse("2024-10-27", "2024-10-27", Some("Europe/Berlin")).unwrap();
        let (start, end) = s.millis();
        assert_eq!(end - start, DAY_MS + H);
        assert_eq!(s.segments().len(), 2);
        assert_eq!(s.segments()[0].end, day("2024-10-27") * DAY_MS + H);
        // New York's spring change (2024-03-10, 02:00 EST → 03:00 EDT at 07:00 UTC).
        let ny = Span::parse("2024-03-10", "2024-03-10", Some("America/New_York")).unwrap();
        assert_eq!(ny.segments()[1].start, day("2024-03-10") * DAY_MS + 7 * H);
        assert_eq!(ny.tz_minutes(), -300);
        // Santiago moves its clocks at midnight (2024-09-08, 00:00 -04 → 01:00 -03):
        // that day starts at its first existing minute, 01:00 local = 04:00 UTC.
        let cl = Span::parse("2024-09-08", "2024-09-08", Some("America/Santiago")).unwrap();
        assert_eq!(cl.millis().0, day("2024-09-08") * DAY_MS + 4 * H);
        assert_eq!(cl.segments().len(), 1, "the day is wholly at -03");
    }

    fn joined(agent: &str) -> SystemEvent {
        SystemEvent::AgentJoined {
            agent_id: agent.into(),
            agent_name: agent.into(),
            agent_avatar: None,
        }
    }

    fn ended() -> SystemEvent {
        SystemEvent::Ended {
            reason: EndReason::AgentEnded,
        }
    }

    #[test]
    fn a_story_follows_queue_join_transfer_and_end() {
        let events = vec![
            (100, SystemEvent::Queued { group_id: None }),
            (400, joined("alice")),
            (
                900,
                SystemEvent::Transferred {
                    from_agent: Some("alice".into()),
                    to_agent: Some("bob".into()),
                    to_agent_name: Some("Bob".into()),
                    to_group: None,
                    to_agent_avatar: None,
                },
            ),
            (1500, ended()),
            (1500, SystemEvent::EvaluationInvited),
        ];
        let s = Story::of(&events, 10_000);
        assert_eq!(s.waited(), Some(300));
        assert_eq!(s.outcome(true), Outcome::Agent);
        assert_eq!(
            s.holds,
            vec![
                Hold {
                    agent_id: "alice".into(),
                    start: 400,
                    end: 900
                },
                Hold {
                    agent_id: "bob".into(),
                    start: 900,
                    end: 1500
                },
            ]
        );
        // Still held at the end of the events: the hold runs to `until`.
        let open = Story::of(&[(5, joined("carol"))], 50);
        assert_eq!(
            open.holds,
            vec![Hold {
                agent_id: "carol".into(),
                start: 5,
                end: 50
            }]
        );
        assert_eq!(open.waited(), Some(0), "taken at once");
    }

    #[test]
    fn outcomes_without_an_agent() {
        let bot = Story::of(&[(10, ended())], 100);
        assert_eq!(bot.outcome(false), Outcome::BotOnly);
        assert_eq!(bot.outcome(true), Outcome::MessageLeft);
        assert_eq!(bot.waited(), None);
        let waited = Story::of(
            &[
                (10, SystemEvent::Queued { group_id: None }),
                (20, SystemEvent::NoAgentOnline),
            ],
            100,
        );
        assert_eq!(waited.outcome(false), Outcome::Unserved);
        assert_eq!(waited.outcome(true), Outcome::MessageLeft);
        let mut totals = Outcomes::default();
        for o in [
            Outcome::BotOnly,
            Outcome::Agent,
            Outcome::Agent,
            Outcome::Unserved,
        ] {
            o.count_in(&mut totals);
        }
        assert_eq!(
            (
                totals.bot_only,
                totals.agent,
                totals.unserved,
                totals.total()
            ),
            (1, 2, 1, 4)
        );
    }

    #[test]
    fn loads_are_peak_and_time_weighted_average() {
        assert_eq!(load(&[]), (0, 0.0));
        assert_eq!(load(&[(0, 100)]), (1, 1.0));
        // Back to back: never two at once.
        assert_eq!(load(&[(0, 100), (100, 200)]), (1, 1.0));
        // Two at once for a third of the busy time: 4/3 on average.
        let (peak, avg) = load(&[(0, 200), (100, 300)]);
        assert_eq!(peak, 2);
        assert!((avg - 4.0 / 3.0).abs() < 1e-9, "{avg}");
        let (peak, avg) = load(&[(0, 100), (0, 100), (0, 100)]);
        assert_eq!((peak, avg), (3, 3.0));
        // Idle time between holds is not counted.
        assert_eq!(load(&[(0, 10), (1000, 1010)]), (1, 1.0));
    }
}
