//! The admin reports: `GET /api/admin/reports?from&to&tz` (one JSON document) and
//! `GET /api/admin/reports.csv?report&from&to&tz` (one of its tables, as a download).
//! Admins only; see `crate::reports`.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use parley_protocol::reports::{Report, TABLES};
use serde::Deserialize;

use crate::auth::AgentAuth;
use crate::error::ApiError;
use crate::reports::stats::Span;
use crate::{admin, reports, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/reports", get(json))
        .route("/api/admin/reports.csv", get(csv))
}

#[derive(Deserialize)]
struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    tz: Option<String>,
    /// The table, for the CSV.
    report: Option<String>,
}

impl RangeQuery {
    fn span(&self) -> Result<Span, ApiError> {
        Span::parse(&self.from, &self.to, self.tz.as_deref()).map_err(|e| ApiError::Invalid {
            field: Some(e.field.to_owned()),
            message: e.message,
        })
    }
}

async fn json(
    State(state): State<AppState>,
    who: AgentAuth,
    Query(query): Query<RangeQuery>,
) -> Result<Json<Report>, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    let span = query.span()?;
    Ok(Json(reports::report(&state, &tenant, span).await?))
}

async fn csv(
    State(state): State<AppState>,
    who: AgentAuth,
    Query(query): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let (tenant, agent) = who.resolve(&state)?;
    admin::require_admin(&agent)?;
    let name = query.report.as_deref().unwrap_or_default();
    // The name goes into the file name: only the known tables' names get that far.
    let Some(name) = TABLES.into_iter().find(|t| *t == name) else {
        return Err(ApiError::Invalid {
            field: Some("report".into()),
            message: format!("report must be one of {}", TABLES.join(", ")),
        });
    };
    let span = query.span()?;
    let report = reports::report(&state, &tenant, span).await?;
    let body = reports::csv::report_table(&report, name)
        .ok_or_else(|| ApiError::Internal(format!("no CSV writer for {name}")))?;
    let disposition = format!(
        "attachment; filename=\"parley-{name}-{}-{}.csv\"",
        report.from, report.to
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .map_err(|e| ApiError::Internal(format!("disposition: {e}")))?,
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}
