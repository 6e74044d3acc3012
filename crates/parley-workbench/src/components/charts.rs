//! The reports' charts, drawn as SVG by the app (geometry in `chart.rs`): vertical
//! bars, a 7 × 24 heat map, a stacked bar, and the table of numbers every chart also
//! has, so the values are readable as text (and by screen readers: each SVG is an
//! `img` named by its values; each bar and cell has a `<title>`).

use leptos::prelude::*;

use super::chart::{self, Rect};

const W: f64 = 640.0;
const H: f64 = 200.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;
const TICKS: u64 = 4;

/// Vertical bars, one per value, with a scale of round ticks. `labels` name the bars
/// in full (titles, the accessible name); `axis` is what the x axis shows under them.
#[component]
pub fn BarChart(
    name: String,
    labels: Vec<String>,
    axis: Vec<String>,
    values: Vec<u64>,
) -> impl IntoView {
    let max = values.iter().copied().max().unwrap_or(0);
    let top = chart::nice_max(max, TICKS);
    let plot_w = W - LEFT - 8.0;
    let plot_h = H - BOTTOM - TOP;
    let rects = chart::bars(&values, plot_w, plot_h, top, 0.25);
    let every = chart::label_every(values.len(), 12);
    let aria = format!(
        "{name}: {}",
        labels
            .iter()
            .zip(&values)
            .map(|(l, v)| format!("{l} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let ticks = chart::tick_values(top, TICKS)
        .into_iter()
        .map(|t| {
            let y = TOP + chart::tick_y(t, top, plot_h);
            view! {
                <g class="tick">
                    <line x1=LEFT x2=W - 8.0 y1=y y2=y />
                    <text x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{t.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let bars = rects
        .into_iter()
        .zip(labels.into_iter().zip(values.iter().copied()))
        .zip(axis)
        .enumerate()
        .map(
            |(
                i,
                (
                    (
                        Rect {
                            x,
                            y,
                            width,
                            height,
                        },
                        (label, value),
                    ),
                    axis,
                ),
            )| {
                let mid = LEFT + x + width / 2.0;
                let axis_label = (i % every == 0).then(|| {
                    view! { <text class="axis" x=mid y=H - 6.0 text-anchor="middle">{axis}</text> }
                });
                view! {
                    <g class="bar">
                        <rect x=LEFT + x y=TOP + y width=width height=height>
                            <title>{format!("{label}: {value}")}</title>
                        </rect>
                        {axis_label}
                    </g>
                }
            },
        )
        .collect_view();
    view! {
        <svg class="chart chart-bars" viewBox=format!("0 0 {W} {H}") role="img" aria-label=aria
            preserveAspectRatio="xMidYMid meet">
            {ticks}
            {bars}
        </svg>
    }
}

/// Conversations by weekday (rows, `weekdays` names them, Monday first) and hour
/// (columns), each cell shaded by its share of the busiest hour.
#[component]
pub fn HeatMap(name: String, weekdays: Vec<String>, values: Vec<Vec<u64>>) -> impl IntoView {
    const CELL_W: f64 = 24.0;
    const CELL_H: f64 = 20.0;
    const LABEL_W: f64 = 44.0;
    const HEAD: f64 = 18.0;
    let max = values.iter().flatten().copied().max().unwrap_or(0);
    let width = LABEL_W + CELL_W * 24.0;
    let height = HEAD + CELL_H * 7.0;
    let busiest: Vec<String> = values
        .iter()
        .zip(&weekdays)
        .flat_map(|(row, day)| {
            row.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(move |(h, n)| format!("{day} {h:02}:00 {n}"))
        })
        .collect();
    let aria = if busiest.is_empty() {
        format!("{name}: 0")
    } else {
        format!("{name}: {}", busiest.join(", "))
    };
    let hours = (0..24)
        .step_by(3)
        .map(|h| {
            let x = LABEL_W + CELL_W * h as f64 + CELL_W / 2.0;
            view! { <text class="axis" x=x y=HEAD - 5.0 text-anchor="middle">{format!("{h:02}")}</text> }
        })
        .collect_view();
    let rows = values
        .into_iter()
        .zip(weekdays)
        .enumerate()
        .map(|(d, (row, day))| {
            let y = HEAD + CELL_H * d as f64;
            let cells = row
                .into_iter()
                .enumerate()
                .map(|(h, n)| {
                    let class = format!("cell shade-{}", chart::shade(n, max));
                    let x = LABEL_W + CELL_W * h as f64;
                    view! {
                        <rect class=class x=x + 1.0 y=y + 1.0 width=CELL_W - 2.0 height=CELL_H - 2.0 rx="2">
                            <title>{format!("{day} {h:02}:00: {n}")}</title>
                        </rect>
                    }
                })
                .collect_view();
            let label = day.clone();
            view! {
                <g class="row">
                    <text class="axis" x=LABEL_W - 6.0 y=y + CELL_H - 6.0 text-anchor="end">{label}</text>
                    {cells}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart chart-heat" viewBox=format!("0 0 {width} {height}") role="img" aria-label=aria>
            {hours}
            {rows}
        </svg>
    }
}

/// One horizontal bar split into `parts` (label, count, class), with a legend that
/// says each part's count and share.
#[component]
pub fn StackedBar(name: String, parts: Vec<(String, u64, &'static str)>) -> impl IntoView {
    const WIDTH: f64 = 640.0;
    const HEIGHT: f64 = 36.0;
    let total: u64 = parts.iter().map(|p| p.1).sum();
    let counts: Vec<u64> = parts.iter().map(|p| p.1).collect();
    let segments = chart::stack(&counts, WIDTH);
    let aria = format!(
        "{name}: {}",
        parts
            .iter()
            .map(|(l, n, _)| format!("{l} {n} ({})", chart::percent(*n, total)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rects = parts
        .iter()
        .zip(segments)
        .filter(|(_, (_, w))| *w > 0.0)
        .map(|((label, n, class), (x, w))| {
            let title = format!("{label}: {n} ({})", chart::percent(*n, total));
            view! {
                <rect class=format!("segment {class}") x=x y="0" width=w height=HEIGHT>
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view();
    let legend = parts
        .into_iter()
        .map(|(label, n, class)| {
            let share = chart::percent(n, total);
            view! {
                <li>
                    <span class=format!("swatch {class}") aria-hidden="true"></span>
                    {label}": "<strong>{n.to_string()}</strong>" ("{share}")"
                </li>
            }
        })
        .collect_view();
    view! {
        <svg class="chart chart-stack" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=aria
            preserveAspectRatio="none">
            {rects}
        </svg>
        <ul class="legend">{legend}</ul>
    }
}

/// A chart's numbers as a table, folded under "Show the numbers".
#[component]
pub fn NumbersTable(summary: String, head: Vec<String>, rows: Vec<Vec<String>>) -> impl IntoView {
    view! {
        <details class="numbers">
            <summary>{summary}</summary>
            <table>
                <thead><tr>{head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}
