//! Evidence files of a phase's reports, kept in the database with their digest.

use domain::audit::AuditAction;

use domain::facts::EvidenceInfo;
use sha2::{Digest, Sha256};

use super::{bump, instant};
use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::{Store, StoreError};

/// The columns of [`EvidenceRow`], from `evidence e`.
pub(super) const EVIDENCE: &str = "e.id, e.file_name, e.content_type, e.size, e.sha256, \
    e.round_id, e.uploaded_at, e.uploaded_by";

/// An evidence file's row, without its content.
#[derive(sqlx::FromRow)]
pub(super) struct EvidenceRow {
    id: i64,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    round_id: Option<i64>,
    uploaded_at: String,
    uploaded_by: String,
}

impl EvidenceRow {
    /// The file as listed on its phase.
    pub(super) fn info(self) -> Result<EvidenceInfo> {
        Ok(EvidenceInfo {
            id: self.id,
            file_name: self.file_name,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
            round: self.round_id,
            uploaded_at: instant("evidence.uploaded_at", &self.uploaded_at)?,
            uploaded_by: self.uploaded_by,
        })
    }
}

/// A new evidence file, already checked by its caller.
#[derive(Debug, Clone)]
pub struct NewEvidence<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

impl Store {
    /// Keeps an evidence file with phase `position` (from 1) of objective `label` of `unit`.
    pub async fn add_evidence(
        &self,
        key: crate::PhaseKey<'_>,
        round: Option<i64>,
        file: &NewEvidence<'_>,
        stamp: &Stamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let position = i64::try_from(key.position).unwrap_or(i64::MAX) - 1;
        let phase: Option<(i64,)> = sqlx::query_as(
            "SELECT ph.id FROM phase ph JOIN objective o ON o.id = ph.objective_id \
             JOIN unit u ON u.id = o.unit_id JOIN plan p ON p.id = ph.plan_id \
             WHERE p.slug = $1 AND u.slug = $2 AND o.label = $3 AND ph.position = $4",
        )
        .bind(key.plan.as_str())
        .bind(key.unit)
        .bind(key.objective)
        .bind(position)
        .fetch_optional(&mut *tx)
        .await?;
        let (phase,) =
            phase.ok_or_else(|| StoreError::NotFound(format!("phase {}", key.subject())))?;
        bump(&mut tx, key.plan).await?;
        let sha = hex::encode(Sha256::digest(file.content));
        let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
        let insert = sqlx::query_as(
            "INSERT INTO evidence (phase_id, round_id, file_name, content_type, size, sha256, \
             content, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(phase)
        .bind(round)
        .bind(file.file_name)
        .bind(file.content_type)
        .bind(size)
        .bind(&sha)
        .bind(file.content);
        self.inserted(tx, stamp, insert, |_| {
            Ok(Change::plan(AuditAction::PhaseEvidence, key.plan.as_str(), key.subject()).after(serde_json::json!({
                    "file": file.file_name, "type": file.content_type, "size": size, "sha256": sha,
                })))
        })
        .await
    }

    /// An evidence file of a phase: its description and content.
    pub async fn evidence(
        &self,
        key: crate::PhaseKey<'_>,
        id: i64,
    ) -> Result<(EvidenceInfo, Vec<u8>)> {
        #[derive(sqlx::FromRow)]
        struct Whole {
            #[sqlx(flatten)]
            file: EvidenceRow,
            content: Vec<u8>,
        }
        let position = i64::try_from(key.position).unwrap_or(i64::MAX) - 1;
        let sql = format!(
            "SELECT {EVIDENCE}, e.content FROM evidence e JOIN phase ph ON ph.id = e.phase_id \
             JOIN objective o ON o.id = ph.objective_id JOIN unit u ON u.id = o.unit_id \
             JOIN plan p ON p.id = ph.plan_id \
             WHERE p.slug = $1 AND u.slug = $2 AND o.label = $3 AND ph.position = $4 AND e.id = $5"
        );
        let row: Option<Whole> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(key.plan.as_str())
            .bind(key.unit)
            .bind(key.objective)
            .bind(position)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("evidence {id}")))?;
        Ok((row.file.info()?, row.content))
    }
}
