//! `agent_status`: each agent's online / busy / offline status. (Agents themselves are
//! configured in the tenant file, not stored.)

use parley_protocol::api::AgentStatus;
use sqlx::{Any, Executor};

use super::{now_ms, Result};

/// The agent's stored status (offline when never set).
pub async fn status<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    agent_id: &str,
) -> Result<AgentStatus> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT status FROM agent_status WHERE sysnum = $1 AND agent_id = $2")
            .bind(sysnum)
            .bind(agent_id)
            .fetch_optional(ex)
            .await?;
    Ok(row
        .and_then(|(s,)| AgentStatus::parse(&s))
        .unwrap_or(AgentStatus::Offline))
}

/// Every stored status of a tenant's agents (agents never signed in are absent).
pub async fn statuses<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
) -> Result<Vec<(String, AgentStatus)>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT agent_id, status FROM agent_status WHERE sysnum = $1")
            .bind(sysnum)
            .fetch_all(ex)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(a, s)| (a, AgentStatus::parse(&s).unwrap_or(AgentStatus::Offline)))
        .collect())
}

/// Stores an agent's status.
pub async fn set_status<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    agent_id: &str,
    status: AgentStatus,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO agent_status (sysnum, agent_id, status, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (sysnum, agent_id) DO UPDATE SET status = $3, updated_at = $4",
    )
    .bind(sysnum)
    .bind(agent_id)
    .bind(status.as_str())
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}
