//! Reports (admins): a date range (the last 7 days at first), the headline numbers as
//! text, and one section per report — conversations per day, by hour of the week,
//! outcomes, waiting and first-response times, agents, satisfaction, the bot's unknown
//! questions, tickets — each a chart the app draws as SVG (`components::charts`), its
//! numbers as a table, and a CSV download of that table.

use leptos::prelude::*;
use parley_protocol::reports::{format_day, Report};

use crate::components::chart::{duration_text, percent, short_day};
use crate::components::charts::{BarChart, HeatMap, NumbersTable, StackedBar};
use crate::components::{now_ms, offset_minutes, zone_param};
use crate::{api, use_wb, Wb};

/// The last 7 local days up to today: (from, to) as `YYYY-MM-DD`.
pub fn default_range(now_ms: i64, tz_minutes: i32) -> (String, String) {
    let today = (now_ms + i64::from(tz_minutes) * 60_000).div_euclid(86_400_000);
    (format_day(today - 6), format_day(today))
}

/// What the range's hint names: the zone and its offset now (`Europe/Berlin,
/// UTC+01:00`), or the offset alone when the browser gave no zone name.
pub fn zone_text(zone: &str, offset_minutes: i32) -> String {
    if zone.parse::<i32>().is_ok() {
        format!("UTC{}", offset_text(offset_minutes))
    } else {
        format!("{zone}, UTC{}", offset_text(offset_minutes))
    }
}

/// `+02:00`-style text of an offset in minutes.
pub fn offset_text(tz_minutes: i32) -> String {
    let sign = if tz_minutes < 0 { '-' } else { '+' };
    let m = tz_minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

const WEEKDAYS: [&str; 7] = [
    "reports-mon",
    "reports-tue",
    "reports-wed",
    "reports-thu",
    "reports-fri",
    "reports-sat",
    "reports-sun",
];

#[component]
pub fn ReportsPage() -> impl IntoView {
    let wb = use_wb();
    let admin = wb
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.agent.admin))
        .unwrap_or(false);
    let offset = offset_minutes();
    // The zone's name goes to the server, which cuts every day at its own offset
    // (daylight saving); the current offset picks today and is shown beside it.
    let tz = StoredValue::new(zone_param());
    let (first_from, first_to) = default_range(now_ms(), offset);
    let from = RwSignal::new(first_from.clone());
    let to = RwSignal::new(first_to.clone());
    // The range shown; the inputs change it only when the form is submitted.
    let shown = RwSignal::new((first_from, first_to));
    let report = LocalResource::new(move || {
        let (f, t) = shown.get();
        let token = wb.token();
        let zone = tz.get_value();
        async move { api::report(&token, &f, &t, &zone).await }
    });
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        shown.set((from.get_untracked(), to.get_untracked()));
    };
    if !admin {
        return view! {
            <section class="reports" aria-labelledby="reports-title">
                <h1 id="reports-title">{wb.t("nav-reports")}</h1>
                <p class="error" role="alert">{wb.t("reports-admin-only")}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="reports" aria-labelledby="reports-title">
            <h1 id="reports-title">{wb.t("nav-reports")}</h1>
            <form class="range" on:submit=submit>
                <label for="reports-from">{wb.t("reports-from")}</label>
                <input id="reports-from" type="date" required prop:value=move || from.get()
                    on:input=move |e| from.set(event_target_value(&e)) />
                <label for="reports-to">{wb.t("reports-to")}</label>
                <input id="reports-to" type="date" required prop:value=move || to.get()
                    on:input=move |e| to.set(event_target_value(&e)) />
                <button type="submit" class="primary">{wb.t("reports-apply")}</button>
                <span class="hint">
                    {crate::i18n::t_args(wb.locale.get_untracked(), "reports-tz", &[("offset", zone_text(&tz.get_value(), offset).as_str())])}
                </span>
            </form>
            {move || match report.get() {
                None => view! { <p role="status">{wb.t("loading")}</p> }.into_any(),
                Some(Err(e)) => {
                    let e = wb.check(e);
                    view! {
                        <p class="error" role="alert">
                            {wb.t(e.message_key())}" "<small>{e.detail()}</small>
                        </p>
                    }
                    .into_any()
                }
                Some(Ok(r)) => view! { <ReportView r shown tz /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// A CSV download of one table of the range shown.
#[component]
fn CsvButton(
    table: &'static str,
    shown: RwSignal<(String, String)>,
    tz: StoredValue<String>,
) -> impl IntoView {
    let wb = use_wb();
    let error = RwSignal::new(None::<String>);
    let download = move |_| {
        let (f, t) = shown.get_untracked();
        let token = wb.token();
        let zone = tz.get_value();
        leptos::task::spawn_local(async move {
            match api::download_report_csv(&token, table, &f, &t, &zone).await {
                Ok(()) => error.set(None),
                Err(e) => {
                    let e = wb.check(e);
                    error.set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
                }
            }
        });
    };
    view! {
        <button type="button" class="ghost csv" data-table=table on:click=download>
            {wb.t("reports-csv")}
        </button>
        <Show when=move || error.get().is_some()>
            <span class="error" role="alert">{move || error.get()}</span>
        </Show>
    }
}

/// One section: a heading, its CSV button, and what it shows.
#[component]
fn Part(
    id: &'static str,
    title: String,
    table: &'static str,
    shown: RwSignal<(String, String)>,
    tz: StoredValue<String>,
    children: Children,
) -> impl IntoView {
    let heading = format!("reports-{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section class=format!("report report-{id}") aria-labelledby=labelled_by>
            <header>
                <h2 id=heading>{title}</h2>
                <CsvButton table shown tz />
            </header>
            {children()}
        </section>
    }
}

fn t(wb: Wb, key: &str) -> String {
    wb.t(key)
}

#[component]
fn ReportView(
    r: Report,
    shown: RwSignal<(String, String)>,
    tz: StoredValue<String>,
) -> impl IntoView {
    let wb = use_wb();
    let total = r.outcomes.total();
    let empty = total == 0
        && r.satisfaction.count == 0
        && r.tickets
            .iter()
            .all(|d| d.opened + d.answered + d.closed == 0)
        && r.unknown_questions.is_empty();
    // One copy per section: each section's content is a closure of its own.
    let numbers: [String; 5] = std::array::from_fn(|_| t(wb, "reports-numbers"));
    let [n_days, n_hours, n_outcomes, n_scores, n_tickets] = numbers;
    let headline = view! {
        <dl class="headline">
            <div><dt>{t(wb, "reports-total")}</dt><dd class="total-conversations">{total.to_string()}</dd></div>
            <div><dt>{t(wb, "reports-served")}</dt><dd class="total-served">{r.outcomes.agent.to_string()}</dd></div>
            <div><dt>{t(wb, "reports-median-wait")}</dt><dd>{duration_text(r.waiting.median_ms)}</dd></div>
            <div><dt>{t(wb, "reports-median-first")}</dt><dd>{duration_text(r.first_response.median_ms)}</dd></div>
            <div><dt>{t(wb, "reports-average-score")}</dt>
                <dd>{r.satisfaction.average.map(|a| format!("{a:.2}")).unwrap_or_else(|| "–".into())}</dd></div>
        </dl>
    };
    if empty {
        return view! {
            {headline}
            <p class="empty" role="status">{t(wb, "reports-empty")}</p>
        }
        .into_any();
    }
    let weekdays: Vec<String> = WEEKDAYS.iter().map(|k| t(wb, k)).collect();

    // Conversations per day.
    let day_labels: Vec<String> = r.days.iter().map(|d| d.day.clone()).collect();
    let day_axis: Vec<String> = r
        .days
        .iter()
        .map(|d| short_day(&d.day).to_owned())
        .collect();
    let day_values: Vec<u64> = r.days.iter().map(|d| d.conversations).collect();
    let day_rows: Vec<Vec<String>> = r
        .days
        .iter()
        .map(|d| vec![d.day.clone(), d.conversations.to_string()])
        .collect();

    // Hour of the week: the table lists the hours that had any.
    let heat_rows: Vec<Vec<String>> = r
        .hour_of_week
        .iter()
        .zip(&weekdays)
        .flat_map(|(row, day)| {
            row.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(move |(h, n)| vec![day.clone(), format!("{h:02}:00"), n.to_string()])
        })
        .collect();

    let o = r.outcomes;
    let outcome_parts = vec![
        (t(wb, "reports-outcome-bot"), o.bot_only, "o-bot"),
        (t(wb, "reports-outcome-agent"), o.agent, "o-agent"),
        (
            t(wb, "reports-outcome-message"),
            o.message_left,
            "o-message",
        ),
        (t(wb, "reports-outcome-unserved"), o.unserved, "o-unserved"),
    ];
    let outcome_rows: Vec<Vec<String>> = outcome_parts
        .iter()
        .map(|(l, n, _)| vec![l.clone(), n.to_string(), percent(*n, total)])
        .collect();

    let times_rows = vec![
        vec![
            t(wb, "reports-waiting"),
            r.waiting.count.to_string(),
            duration_text(r.waiting.median_ms),
            duration_text(r.waiting.p90_ms),
        ],
        vec![
            t(wb, "reports-first-response"),
            r.first_response.count.to_string(),
            duration_text(r.first_response.median_ms),
            duration_text(r.first_response.p90_ms),
        ],
    ];

    let agent_max = r.agents.iter().map(|a| a.conversations).max().unwrap_or(0);
    let agent_rows = r
        .agents
        .iter()
        .map(|a| {
            let share = if agent_max == 0 {
                0.0
            } else {
                a.conversations as f64 / agent_max as f64 * 100.0
            };
            view! {
                <tr>
                    <th scope="row">{a.name.clone()}</th>
                    <td class="num">
                        <span class="inline-bar" aria-hidden="true">
                            <span style=format!("width: {share:.1}%")></span>
                        </span>
                        {a.conversations.to_string()}
                    </td>
                    <td class="num">{a.messages.to_string()}</td>
                    <td class="num">{format!("{:.2}", a.average_load)}</td>
                    <td class="num">{a.peak_load.to_string()}</td>
                </tr>
            }
        })
        .collect_view();

    let s = &r.satisfaction;
    let score_labels: Vec<String> = s.distribution.iter().map(|d| d.score.to_string()).collect();
    let score_values: Vec<u64> = s.distribution.iter().map(|d| d.count).collect();
    let score_rows: Vec<Vec<String>> = s
        .distribution
        .iter()
        .map(|d| vec![d.score.to_string(), d.count.to_string()])
        .collect();
    let comments = s
        .comments
        .iter()
        .map(|c| {
            view! {
                <li>
                    <span class="score">{format!("{} / {}", c.score, s.kind.max())}</span>
                    " "
                    <span class="comment">{c.comment.clone()}</span>
                    " "
                    <small>{crate::components::clock(c.at, true)}{c.agent_id.clone().map(|a| format!(" · {a}"))}</small>
                </li>
            }
        })
        .collect_view();
    let no_comments = s.comments.is_empty();

    let unknown_max = r
        .unknown_questions
        .iter()
        .map(|q| q.count)
        .max()
        .unwrap_or(0);
    let unknown_rows = r
        .unknown_questions
        .iter()
        .map(|q| {
            let share = if unknown_max == 0 {
                0.0
            } else {
                q.count as f64 / unknown_max as f64 * 100.0
            };
            view! {
                <tr>
                    <td title=q.normalized.clone()>{q.example.clone()}</td>
                    <td class="num">
                        <span class="inline-bar" aria-hidden="true">
                            <span style=format!("width: {share:.1}%")></span>
                        </span>
                        {q.count.to_string()}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let no_unknown = r.unknown_questions.is_empty();

    let ticket_rows: Vec<Vec<String>> = r
        .tickets
        .iter()
        .map(|d| {
            vec![
                d.day.clone(),
                d.opened.to_string(),
                d.answered.to_string(),
                d.closed.to_string(),
            ]
        })
        .collect();
    let ticket_labels: Vec<String> = r.tickets.iter().map(|d| d.day.clone()).collect();
    let ticket_axis: Vec<String> = r
        .tickets
        .iter()
        .map(|d| short_day(&d.day).to_owned())
        .collect();
    let ticket_opened: Vec<u64> = r.tickets.iter().map(|d| d.opened).collect();

    view! {
        {headline}
        <div class="report-grid">
            <Part id="days" title=t(wb, "reports-per-day") table="days" shown tz>
                <BarChart name=t(wb, "reports-per-day") labels=day_labels axis=day_axis values=day_values />
                <NumbersTable summary=n_days
                    head=vec![t(wb, "reports-day"), t(wb, "reports-conversations")] rows=day_rows />
            </Part>
            <Part id="hours" title=t(wb, "reports-hour-of-week") table="hour_of_week" shown tz>
                <HeatMap name=t(wb, "reports-hour-of-week") weekdays=weekdays.clone() values=r.hour_of_week.clone() />
                <NumbersTable summary=n_hours
                    head=vec![t(wb, "reports-weekday"), t(wb, "reports-hour"), t(wb, "reports-conversations")]
                    rows=heat_rows />
            </Part>
            <Part id="outcomes" title=t(wb, "reports-outcomes") table="outcomes" shown tz>
                <StackedBar name=t(wb, "reports-outcomes") parts=outcome_parts />
                <NumbersTable summary=n_outcomes
                    head=vec![t(wb, "reports-outcome"), t(wb, "reports-conversations"), "%".to_owned()]
                    rows=outcome_rows />
            </Part>
            <Part id="times" title=t(wb, "reports-times") table="times" shown tz>
                <table class="figures">
                    <thead><tr>
                        <th scope="col"></th>
                        <th scope="col">{t(wb, "reports-count")}</th>
                        <th scope="col">{t(wb, "reports-median")}</th>
                        <th scope="col">{t(wb, "reports-p90")}</th>
                    </tr></thead>
                    <tbody>
                        {times_rows.into_iter().map(|row| {
                            let mut cells = row.into_iter();
                            let head = cells.next().unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{head}</th>
                                    {cells.map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </Part>
            <Part id="agents" title=t(wb, "reports-agents") table="agents" shown tz>
                <table class="figures agents">
                    <thead><tr>
                        <th scope="col">{t(wb, "reports-agent")}</th>
                        <th scope="col">{t(wb, "reports-conversations")}</th>
                        <th scope="col">{t(wb, "reports-messages")}</th>
                        <th scope="col">{t(wb, "reports-average-load")}</th>
                        <th scope="col">{t(wb, "reports-peak-load")}</th>
                    </tr></thead>
                    <tbody>{agent_rows}</tbody>
                </table>
            </Part>
            <Part id="scores" title=t(wb, "reports-scores") table="scores" shown tz>
                <BarChart name=t(wb, "reports-scores") labels=score_labels.clone() axis=score_labels values=score_values />
                <NumbersTable summary=n_scores
                    head=vec![t(wb, "reports-score"), t(wb, "reports-ratings")] rows=score_rows />
                <h3>{t(wb, "reports-comments")}</h3>
                <CsvButton table="comments" shown tz />
                {if no_comments {
                    view! { <p class="empty">{t(wb, "reports-no-comments")}</p> }.into_any()
                } else {
                    view! { <ul class="comments">{comments}</ul> }.into_any()
                }}
            </Part>
            <Part id="unknown" title=t(wb, "reports-unknown") table="unknown_questions" shown tz>
                {if no_unknown {
                    view! { <p class="empty">{t(wb, "reports-no-unknown")}</p> }.into_any()
                } else {
                    view! {
                        <table class="figures unknown">
                            <thead><tr>
                                <th scope="col">{t(wb, "reports-question")}</th>
                                <th scope="col">{t(wb, "reports-count")}</th>
                            </tr></thead>
                            <tbody>{unknown_rows}</tbody>
                        </table>
                    }.into_any()
                }}
            </Part>
            <Part id="tickets" title=t(wb, "reports-tickets") table="tickets" shown tz>
                <BarChart name=t(wb, "reports-opened") labels=ticket_labels axis=ticket_axis values=ticket_opened />
                <NumbersTable summary=n_tickets
                    head=vec![t(wb, "reports-day"), t(wb, "reports-opened"), t(wb, "reports-answered"), t(wb, "reports-closed")]
                    rows=ticket_rows />
            </Part>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_range_is_the_last_seven_local_days() {
        // 2024-03-11T23:30Z: still the 11th in UTC, the 12th in UTC+1.
        let now = 1_710_115_200_000 + 23 * 3_600_000 + 30 * 60_000;
        assert_eq!(
            default_range(now, 0),
            ("2024-03-05".to_owned(), "2024-03-11".to_owned())
        );
        assert_eq!(
            default_range(now, 60),
            ("2024-03-06".to_owned(), "2024-03-12".to_owned())
        );
        assert_eq!(offset_text(60), "+01:00");
        assert_eq!(offset_text(-330), "-05:30");
        assert_eq!(offset_text(0), "+00:00");
        assert_eq!(zone_text("Europe/Berlin", 60), "Europe/Berlin, UTC+01:00");
        assert_eq!(zone_text("-300", -300), "UTC-05:00");
    }
}
