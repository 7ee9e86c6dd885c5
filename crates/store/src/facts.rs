//! A plan's facts in one snapshot: the document, each phase's record, its own history,
//! monitoring, change requests and versions, read in one transaction so that a write landing
//! meanwhile is seen whole or not at all.

use domain::facts::Facts;

use crate::Store;
use crate::audit::AuditFilter;
use crate::error::Result;
use domain::PlanId;

impl Store {
    /// Everything recorded on plan `plan_id`, as one snapshot.
    pub async fn facts(&self, plan_id: &PlanId) -> Result<Facts> {
        let mut tx = self.begin_read().await?;
        let (summary, plan) = Self::read_plan(&mut tx, plan_id).await?;
        let records = Self::read_records(&mut tx, plan_id).await?;
        // Every change of the plan bumps its revision, so its log lives as long as it.
        let filter = AuditFilter {
            plan: Some(plan_id.to_string()),
            ..AuditFilter::default()
        };
        let log = Self::read_log(&mut tx, &filter).await?;
        let history = log
            .iter()
            .filter(|e| e.subject == plan_id.as_str())
            .cloned()
            .collect();
        let monitoring = Self::read_monitoring(&mut tx, plan_id).await?;
        let requests = Self::read_requests(&mut tx, plan_id).await?;
        let versions = Self::read_versions(&mut tx, plan_id).await?;
        let original = match versions.first() {
            Some(v) => Some(Self::read_version(&mut tx, plan_id, v.number).await?),
            None => None,
        };
        tx.commit().await?;
        Ok(Facts {
            summary,
            plan,
            records,
            history,
            log,
            monitoring,
            requests,
            versions,
            original,
        })
    }
}
