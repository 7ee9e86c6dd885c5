//! The «Performance» section of Amministrazione Trasparente (issue 16, point 3; year-end.md §2)
//! for a plan's year: the SMVP in force (06.01), the plan and its PIAO (06.02), the Relazione
//! once published (06.03), the total premia budgeted and paid (06.04), the data on premia —
//! the criteria, the distribution by category, the degree of differentiation (06.05) — and the
//! Nucleo's documento di validazione (14.01), each with its publication date. Public, and
//! aggregated only: no person is named, a group of fewer than three is merged or hidden
//! (`domain::evaluation::categories`).

use std::sync::Arc;

use chrono::NaiveDate;
use domain::PlanId;
use domain::evaluation::categories::{self, BandRow, PaidRow};
use domain::evaluation::differentiation::{Band, default_bands};
use domain::evaluation::year::Adoption;
use domain::relazione::{Relazione, State};

use crate::{Cycle, Outcome, View};

/// A budget of the year: its kind, the amount set aside with its act, what was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Premium {
    pub kind: String,
    pub act: String,
    pub budgeted_cents: i64,
    /// Once the pool is shared.
    pub paid_cents: Option<i64>,
}

/// What the section publishes of a plan's year.
#[derive(Debug, Clone)]
pub struct Section {
    pub view: Arc<View>,
    /// The day the plan was approved by the Giunta (its publication).
    pub approved_on: Option<NaiveDate>,
    pub smvp: Option<Adoption>,
    pub premia: Vec<Premium>,
    /// The day the pool was shared.
    pub shared_on: Option<NaiveDate>,
    pub paid_by_category: Vec<PaidRow>,
    pub bands: Vec<Band>,
    pub differentiation: Vec<BandRow>,
    pub by_category: Vec<categories::Row>,
    /// The Relazione, once published.
    pub relazione: Option<Relazione>,
}

impl Cycle {
    /// The section for plan `id`, as the public finds it: only plans the public may read
    /// (approved or later).
    pub async fn transparency(&self, id: &PlanId) -> Outcome<Section> {
        let (view, _) = self.view(id, None, false).await?;
        let evaluation = self.store.evaluation(id).await?;
        let (relazione, _) = self.store.relazione(id).await?;
        let year = &evaluation.year;
        let paid_of = |kind: &str| {
            year.shared.as_ref().and_then(|s| {
                s.budgets
                    .iter()
                    .find(|b| b.kind == kind)
                    .and_then(|b| b.result["paid_total_cents"].as_i64())
            })
        };
        let premia = year
            .budgets
            .iter()
            .map(|b| Premium {
                kind: b.kind.clone(),
                act: b.act.clone(),
                budgeted_cents: b.cents,
                paid_cents: paid_of(&b.kind),
            })
            .collect();
        let threshold = year
            .smvp
            .as_ref()
            .and_then(|a| a.rules().ok())
            .map_or(rust_decimal::Decimal::from(60), |s| s.threshold);
        let bands = default_bands();
        let top = bands.last().map(|b| b.from).unwrap_or_default();
        let today = self.today();
        // Scores are published once the schede are definitive (the pool shared on them).
        let rated = if year.shared.is_some() {
            crate::relazione::rated(&evaluation, today, threshold, top)
        } else {
            Vec::new()
        };
        // The Giunta's act of approval: its date, else the day it was recorded.
        let approved_on = view
            .history
            .iter()
            .rfind(|e| e.action == "plan.act.approve")
            .and_then(|e| {
                let after: Option<serde_json::Value> = e
                    .after
                    .as_deref()
                    .and_then(|a| serde_json::from_str(a).ok());
                after
                    .and_then(|a| a["board_act"]["date"].as_str()?.parse().ok())
                    .or_else(|| e.at.get(..10)?.parse().ok())
            });
        Ok(Section {
            approved_on,
            smvp: year.smvp.clone(),
            premia,
            shared_on: year.shared.as_ref().map(|s| s.on),
            paid_by_category: categories::paid_by_category(&crate::relazione::gendered(
                &evaluation,
            )),
            differentiation: categories::bands_by_category(&rated, &bands),
            by_category: categories::by_category(&rated),
            bands,
            relazione: (relazione.state() == State::Published).then_some(relazione),
            view,
        })
    }
}
