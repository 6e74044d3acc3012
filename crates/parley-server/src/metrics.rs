//! Prometheus metrics, kept by hand in atomics: a handful of counters and one latency
//! histogram do not need a metrics crate. `GET /metrics` (see `crate::ops`) writes them
//! in the Prometheus text format, with the gauges read at scrape time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the request latency buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// One histogram's counts.
#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The metrics of one instance.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Messages stored by this instance (every kind, system messages included).
    pub messages_stored: AtomicU64,
    /// Transactions that stored a group of messages (more than one; see
    /// `crate::chat::commit`).
    pub group_commits: AtomicU64,
    /// Messages stored by those transactions.
    pub group_committed: AtomicU64,
    /// The newest notification delay between instances (ms), -1 before any.
    pub bus_lag_ms: AtomicI64,
    /// Request latency per (method, route, status class).
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
}

impl Metrics {
    /// A fresh set (bus lag unknown).
    pub fn new() -> Metrics {
        let m = Metrics::default();
        m.bus_lag_ms.store(-1, Ordering::Relaxed);
        m
    }

    /// Records one answered request. `route` is the matched route pattern (never the
    /// raw path: ids and query strings stay out of the labels).
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let mut requests = self.requests.lock().expect("metrics lock");
        let h = requests
            .entry((method.to_owned(), route.to_owned(), status / 100 * 100))
            .or_default();
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.buckets[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The Prometheus text of the counters and histograms, with `gauges` (name, help,
    /// labelled values) read by the caller at scrape time.
    pub fn render(&self, gauges: &[Gauge]) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP parley_messages_stored_total Messages this instance stored.\n\
             # TYPE parley_messages_stored_total counter\n\
             parley_messages_stored_total {}",
            self.messages_stored.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP parley_group_commits_total Transactions that stored several messages at once.\n\
             # TYPE parley_group_commits_total counter\n\
             parley_group_commits_total {}\n\
             # HELP parley_group_committed_messages_total Messages stored by those transactions.\n\
             # TYPE parley_group_committed_messages_total counter\n\
             parley_group_committed_messages_total {}",
            self.group_commits.load(Ordering::Relaxed),
            self.group_committed.load(Ordering::Relaxed)
        );
        let lag = self.bus_lag_ms.load(Ordering::Relaxed);
        if lag >= 0 {
            let _ = writeln!(
                out,
                "# HELP parley_bus_lag_seconds Delay of the newest notification from another instance.\n\
                 # TYPE parley_bus_lag_seconds gauge\n\
                 parley_bus_lag_seconds {}",
                lag as f64 / 1000.0
            );
        }
        for g in gauges {
            let _ = writeln!(out, "# HELP {} {}\n# TYPE {} gauge", g.name, g.help, g.name);
            for (labels, value) in &g.values {
                let _ = writeln!(out, "{}{} {value}", g.name, labels);
            }
        }
        let _ = writeln!(
            out,
            "# HELP parley_http_request_duration_seconds Time to answer a request.\n\
             # TYPE parley_http_request_duration_seconds histogram"
        );
        let requests = self.requests.lock().expect("metrics lock");
        for ((method, route, status), h) in requests.iter() {
            let labels = format!(
                "method=\"{}\",route=\"{}\",status=\"{status}\"",
                escape(method),
                escape(route)
            );
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "parley_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    h.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "parley_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 parley_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 parley_http_request_duration_seconds_count{{{labels}}} {}",
                h.count, h.sum, h.count
            );
        }
        out
    }
}

/// A gauge read at scrape time: its values with their label sets (`{a="b"}` or "").
#[derive(Debug, Clone)]
pub struct Gauge {
    pub name: &'static str,
    pub help: &'static str,
    pub values: Vec<(String, f64)>,
}

/// A label value with `\`, `"` and newlines escaped, as the text format wants.
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labels_escaped() {
        let m = Metrics::new();
        m.request("GET", "/a", 200, Duration::from_millis(7));
        m.request("GET", "/a", 204, Duration::from_millis(300));
        let text = m.render(&[Gauge {
            name: "parley_x",
            help: "X.",
            values: vec![("{tenant=\"a\\\"b\"}".into(), 2.0)],
        }]);
        assert!(text.contains(
            "parley_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a\",status=\"200\",le=\"0.01\"} 1"
        ), "{text}");
        assert!(text.contains("le=\"0.25\"} 1"), "{text}");
        assert!(text.contains("le=\"0.5\"} 2"), "{text}");
        assert!(text.contains("parley_http_request_duration_seconds_count{method=\"GET\",route=\"/a\",status=\"200\"} 2"));
        assert!(text.contains("parley_x{tenant=\"a\\\"b\"} 2"));
        assert!(
            !text.contains("parley_bus_lag_seconds"),
            "unknown until a notification"
        );
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
