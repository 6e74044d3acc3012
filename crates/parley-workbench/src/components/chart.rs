//! Chart geometry as plain functions (host-tested): a "nice" scale and its ticks, bar
//! rectangles in an SVG's coordinates, heat-map shades, stacked segments, and the
//! short texts charts label things with. The SVG itself is drawn by `charts.rs`; no
//! chart library (a few hundred lines of SVG beat a dependency in the wasm).

/// A rectangle in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The top of a scale that holds `max`: 1, 2 or 5 times a power of ten times the
/// tick count, so ticks fall on round numbers. At least `ticks` (an empty chart still
/// has a scale).
pub fn nice_max(max: u64, ticks: u64) -> u64 {
    let ticks = ticks.max(1);
    let step = nice_step(max.div_ceil(ticks).max(1));
    step * ticks
}

/// The smallest of 1, 2, 5 × 10^k that is at least `raw`.
fn nice_step(raw: u64) -> u64 {
    let mut power = 1u64;
    loop {
        for m in [1, 2, 5] {
            if m * power >= raw {
                return m * power;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// The tick values of a scale from 0 to `top` in `ticks` steps, lowest first.
pub fn tick_values(top: u64, ticks: u64) -> Vec<u64> {
    let ticks = ticks.max(1);
    (0..=ticks).map(|i| top / ticks * i).collect()
}

/// Vertical bars for `values` in a plot `width` × `height` (y grows downwards, bars
/// stand on the bottom), one slot each with `gap` (0–1) of the slot left empty, scaled
/// so `top` reaches the full height. A nonzero value is at least one unit high, so it
/// never looks like nothing.
pub fn bars(values: &[u64], width: f64, height: f64, top: u64, gap: f64) -> Vec<Rect> {
    if values.is_empty() {
        return Vec::new();
    }
    let slot = width / values.len() as f64;
    let bar = slot * (1.0 - gap.clamp(0.0, 0.9));
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let h = if *v == 0 || top == 0 {
                0.0
            } else {
                (*v as f64 / top as f64 * height).clamp(1.0, height)
            };
            Rect {
                x: i as f64 * slot + (slot - bar) / 2.0,
                y: height - h,
                width: bar,
                height: h,
            }
        })
        .collect()
}

/// The y of a tick value on a plot of `height` scaled to `top`.
pub fn tick_y(value: u64, top: u64, height: f64) -> f64 {
    if top == 0 {
        return height;
    }
    height - value as f64 / top as f64 * height
}

/// A heat-map cell's shade, 0 (nothing) to 4 (the most), relative to `max`.
pub fn shade(value: u64, max: u64) -> u8 {
    if value == 0 || max == 0 {
        0
    } else {
        (1 + (value * 4 - 1) / max).min(4) as u8
    }
}

/// Segments of a horizontal stacked bar of `width`: (x, width) per part, in order.
pub fn stack(parts: &[u64], width: f64) -> Vec<(f64, f64)> {
    let total: u64 = parts.iter().sum();
    let mut x = 0.0;
    parts
        .iter()
        .map(|p| {
            let w = if total == 0 {
                0.0
            } else {
                *p as f64 / total as f64 * width
            };
            let seg = (x, w);
            x += w;
            seg
        })
        .collect()
}

/// `part` of `total` as a whole percentage ("0%" of nothing).
pub fn percent(part: u64, total: u64) -> String {
    if total == 0 {
        return "0%".to_owned();
    }
    format!("{}%", (part * 100 + total / 2) / total)
}

/// A duration for people: "850 ms", "42 s", "3 min 5 s", "2 h 10 min"; "–" for none.
pub fn duration_text(ms: Option<u64>) -> String {
    let Some(ms) = ms else {
        return "–".to_owned();
    };
    let s = ms / 1000;
    match s {
        _ if ms < 1000 => format!("{ms} ms"),
        0..=59 => format!("{s} s"),
        60..=3599 if s % 60 == 0 => format!("{} min", s / 60),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ if s % 3600 / 60 == 0 => format!("{} h", s / 3600),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// A day `YYYY-MM-DD` as the axis shows it, `MM-DD`.
pub fn short_day(day: &str) -> &str {
    day.get(5..).unwrap_or(day)
}

/// Which of `n` bars get an axis label so that at most `room` labels show: every
/// `k`-th, from the first.
pub fn label_every(n: usize, room: usize) -> usize {
    n.div_ceil(room.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_end_on_round_numbers() {
        assert_eq!(nice_max(0, 4), 4);
        assert_eq!(nice_max(3, 4), 4);
        assert_eq!(nice_max(5, 4), 8);
        assert_eq!(nice_max(7, 4), 8);
        assert_eq!(nice_max(9, 4), 20);
        assert_eq!(nice_max(37, 4), 40);
        assert_eq!(nice_max(41, 4), 80);
        assert_eq!(nice_max(1234, 5), 2500);
        assert_eq!(tick_values(40, 4), vec![0, 10, 20, 30, 40]);
        assert_eq!(tick_values(4, 4), vec![0, 1, 2, 3, 4]);
        for max in 0..500 {
            let top = nice_max(max, 4);
            assert!(top >= max && top.is_multiple_of(4), "{max} → {top}");
        }
    }

    #[test]
    fn bars_stand_on_the_bottom_at_their_height() {
        let r = bars(&[0, 5, 10], 300.0, 100.0, 10, 0.2);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].height, 0.0);
        assert_eq!(r[1].height, 50.0);
        assert_eq!(r[1].y, 50.0);
        assert_eq!(r[2].height, 100.0);
        assert_eq!(r[2].y, 0.0);
        // 100 wide slots, 80 wide bars, centred.
        assert_eq!((r[1].x, r[1].width), (110.0, 80.0));
        // A value much smaller than the top still shows.
        assert_eq!(bars(&[1], 10.0, 100.0, 10_000, 0.0)[0].height, 1.0);
        assert!(bars(&[], 10.0, 10.0, 1, 0.1).is_empty());
        assert_eq!(tick_y(5, 10, 100.0), 50.0);
        assert_eq!(tick_y(0, 0, 100.0), 100.0);
    }

    #[test]
    fn shades_split_the_range_in_four() {
        assert_eq!(shade(0, 10), 0);
        assert_eq!(shade(1, 10), 1);
        assert_eq!(shade(3, 12), 1);
        assert_eq!(shade(4, 12), 2);
        assert_eq!(shade(12, 12), 4);
        assert_eq!(shade(1, 1), 4);
        assert_eq!(shade(5, 0), 0);
    }

    #[test]
    fn stacks_and_percentages_add_up() {
        let s = stack(&[1, 3, 0, 4], 80.0);
        assert_eq!(
            s,
            vec![(0.0, 10.0), (10.0, 30.0), (40.0, 0.0), (40.0, 40.0)]
        );
        assert_eq!(stack(&[0, 0], 10.0), vec![(0.0, 0.0), (0.0, 0.0)]);
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(2, 3), "67%");
        assert_eq!(percent(0, 0), "0%");
    }

    #[test]
    fn durations_and_days_read_short() {
        assert_eq!(duration_text(None), "–");
        assert_eq!(duration_text(Some(850)), "850 ms");
        assert_eq!(duration_text(Some(20_000)), "20 s");
        assert_eq!(duration_text(Some(60_000)), "1 min");
        assert_eq!(duration_text(Some(185_000)), "3 min 5 s");
        assert_eq!(duration_text(Some(7_200_000)), "2 h");
        assert_eq!(duration_text(Some(7_800_000)), "2 h 10 min");
        assert_eq!(short_day("2024-03-11"), "03-11");
        assert_eq!(label_every(7, 10), 1);
        assert_eq!(label_every(31, 10), 4);
        assert_eq!(label_every(0, 10), 1);
    }
}
