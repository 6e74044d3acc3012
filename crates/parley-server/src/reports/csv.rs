//! The report's tables as CSV (RFC 4180: comma-separated, CRLF line ends, a field with
//! a comma, quote, CR or LF quoted with its quotes doubled), safe to open in a
//! spreadsheet: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a CR would
//! be read as a formula there (CSV injection), so it gets a leading `'`, which
//! spreadsheets show as text. Numbers are written as numbers. The file starts with a
//! UTF-8 byte-order mark, without which Excel reads UTF-8 (Chinese comments) as the
//! local code page.

use parley_protocol::reports::{Durations, Report};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text from people or configuration: quoted as needed and neutralised.
    Text(String),
    /// A number the server computed.
    Num(f64),
    /// Nothing (an unknown median).
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn num(n: impl Into<f64>) -> Cell {
        Cell::Num(n.into())
    }

    fn count(n: u64) -> Cell {
        Cell::Num(n as f64)
    }
}

/// Writes one field.
pub fn field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => format!("{}", *n as i64),
        Cell::Num(n) => format!("{:.2}", n),
        Cell::Text(s) => {
            let neutral = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{s}")
            } else {
                s.clone()
            };
            if neutral.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", neutral.replace('"', "\"\""))
            } else {
                neutral
            }
        }
    }
}

/// A whole table: the header, then the rows.
pub fn table(header: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("\u{FEFF}");
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    out.push_str(&line(
        header.iter().map(|h| field(&Cell::text(*h))).collect(),
    ));
    for row in rows {
        out.push_str(&line(row.iter().map(field).collect()));
    }
    out
}

/// The table `name` of `report` (one of `parley_protocol::reports::TABLES`), or
/// `None` for another name.
pub fn report_table(report: &Report, name: &str) -> Option<String> {
    let weekdays = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let seconds = |ms: Option<u64>| ms.map_or(Cell::Empty, |ms| Cell::num(ms as f64 / 1000.0));
    let times = |metric: &str, d: &Durations| {
        vec![
            Cell::text(metric),
            Cell::count(d.count),
            seconds(d.median_ms),
            seconds(d.p90_ms),
        ]
    };
    let (header, rows): (&[&str], Vec<Vec<Cell>>) = match name {
        "days" => (
            &["day", "conversations"][..],
            report
                .days
                .iter()
                .map(|d| vec![Cell::text(&d.day), Cell::count(d.conversations)])
                .collect(),
        ),
        "hour_of_week" => (
            &["weekday", "hour", "conversations"][..],
            report
                .hour_of_week
                .iter()
                .zip(weekdays)
                .flat_map(|(hours, day)| {
                    hours.iter().enumerate().map(move |(h, n)| {
                        vec![Cell::text(day), Cell::num(h as f64), Cell::count(*n)]
                    })
                })
                .collect(),
        ),
        "outcomes" => {
            let o = report.outcomes;
            (
                &["outcome", "conversations"][..],
                [
                    ("bot_only", o.bot_only),
                    ("agent", o.agent),
                    ("message_left", o.message_left),
                    ("unserved", o.unserved),
                ]
                .into_iter()
                .map(|(k, n)| vec![Cell::text(k), Cell::count(n)])
                .collect(),
            )
        }
        "times" => (
            &["metric", "count", "median_seconds", "p90_seconds"][..],
            vec![
                times("waiting", &report.waiting),
                times("first_response", &report.first_response),
            ],
        ),
        "agents" => (
            &[
                "agent_id",
                "name",
                "conversations",
                "messages",
                "average_load",
                "peak_load",
            ][..],
            report
                .agents
                .iter()
                .map(|a| {
                    vec![
                        Cell::text(&a.agent_id),
                        Cell::text(&a.name),
                        Cell::count(a.conversations),
                        Cell::count(a.messages),
                        Cell::num(a.average_load),
                        Cell::num(a.peak_load),
                    ]
                })
                .collect(),
        ),
        "scores" => (
            &["score", "ratings"][..],
            report
                .satisfaction
                .distribution
                .iter()
                .map(|s| vec![Cell::num(s.score), Cell::count(s.count)])
                .collect(),
        ),
        "comments" => (
            &["conversation_id", "agent_id", "score", "comment", "at_ms"][..],
            report
                .satisfaction
                .comments
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(&c.conversation_id),
                        c.agent_id.as_deref().map_or(Cell::Empty, Cell::text),
                        Cell::num(c.score),
                        Cell::text(&c.comment),
                        Cell::num(c.at as f64),
                    ]
                })
                .collect(),
        ),
        "unknown_questions" => (
            &["question", "normalized", "count", "last_at_ms"][..],
            report
                .unknown_questions
                .iter()
                .map(|q| {
                    vec![
                        Cell::text(&q.example),
                        Cell::text(&q.normalized),
                        Cell::count(q.count),
                        Cell::num(q.last_at as f64),
                    ]
                })
                .collect(),
        ),
        "tickets" => (
            &["day", "opened", "answered", "closed"][..],
            report
                .tickets
                .iter()
                .map(|t| {
                    vec![
                        Cell::text(&t.day),
                        Cell::count(t.opened),
                        Cell::count(t.answered),
                        Cell::count(t.closed),
                    ]
                })
                .collect(),
        ),
        _ => return None,
    };
    Some(table(header, &rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal RFC 4180 reader, to prove that what `table` writes reads back.
    fn parse(csv: &str) -> Vec<Vec<String>> {
        let csv = csv.strip_prefix('\u{FEFF}').unwrap_or(csv);
        let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
        let mut chars = csv.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        rows
    }

    #[test]
    fn commas_quotes_and_newlines_survive() {
        let nasty = [
            "plain",
            "a, b",
            "she said \"hi\"",
            "two\nlines",
            "cr\r\nlf",
            "",
            "中文，评论",
        ];
        let rows: Vec<Vec<Cell>> = nasty
            .iter()
            .map(|s| vec![Cell::text(*s), Cell::num(1.0)])
            .collect();
        let csv = table(&["text", "n"], &rows);
        assert!(csv.starts_with('\u{FEFF}'));
        let back = parse(&csv);
        assert_eq!(back[0], vec!["text", "n"]);
        for (i, s) in nasty.iter().enumerate() {
            assert_eq!(back[i + 1], vec![s.to_string(), "1".to_owned()]);
        }
        assert_eq!(field(&Cell::text("a, b")), "\"a, b\"");
        assert_eq!(field(&Cell::text("x\"y")), "\"x\"\"y\"");
    }

    #[test]
    fn formulas_are_neutralised_as_text() {
        for (given, written) in [
            (
                "=HYPERLINK(\"http://evil\",\"x\")",
                "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("=1,2", "\"'=1,2\""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(field(&Cell::text(given)), written, "{given}");
        }
        // Every neutralised cell reads back as the text with one leading quote.
        let csv = table(&["c"], &[vec![Cell::text("=cmd|' /C calc'!A0")]]);
        assert_eq!(parse(&csv)[1], vec!["'=cmd|' /C calc'!A0".to_owned()]);
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(field(&Cell::num(3.0)), "3");
        assert_eq!(field(&Cell::num(1.5)), "1.50");
        assert_eq!(field(&Cell::num(-4.0)), "-4");
        assert_eq!(field(&Cell::Empty), "");
    }

    #[test]
    fn every_named_table_is_written_and_others_are_not() {
        let report = Report {
            from: "2024-01-01".into(),
            to: "2024-01-01".into(),
            tz_minutes: 0,
            tz: None,
            days: vec![],
            hour_of_week: vec![vec![0; 24]; 7],
            outcomes: Default::default(),
            waiting: Default::default(),
            first_response: Default::default(),
            agents: vec![],
            satisfaction: parley_protocol::reports::Satisfaction {
                kind: Default::default(),
                distribution: vec![],
                count: 0,
                average: None,
                other_scale: 0,
                comments: vec![],
            },
            unknown_questions: vec![],
            tickets: vec![],
        };
        for name in parley_protocol::reports::TABLES {
            assert!(report_table(&report, name).is_some(), "{name}");
        }
        assert_eq!(
            parse(&report_table(&report, "hour_of_week").unwrap()).len(),
            1 + 168
        );
        assert_eq!(report_table(&report, "../etc/passwd"), None);
    }
}
