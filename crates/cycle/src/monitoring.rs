//! Monitoring while the plan runs: rounds opened and closed by the planning office (and who a
//! round still waits for), indicator values reported with their date and source, the dates of
//! the events deadlines count from, the Nucleo's neutralisations, and the plan's scoring
//! rules (set while drafting).

use chrono::NaiveDate;
use domain::Position;
use domain::access::{Action, decide};
use domain::facts::PhaseRecord;
use domain::limits::{self, Field};
use domain::monitoring::{self, Figure, Figures, Pending};
use domain::phase_edit::plan_date;
use domain::scoring::engine::Settings;
use domain::{Actor, Anchor, Objective, PlanId, When, messages};
use rust_decimal::Decimal;
use store::{Person, Stamp, StoreError};

use crate::{Cycle, Outcome, Part, Refusal, View};

/// What the Nucleo chose to do with a part of an objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neutralising<'a> {
    /// Take it out of the measurement, for this reason.
    Neutralise(&'a str),
    /// Put it back.
    Lift,
    /// Neither was chosen.
    Unknown,
}

/// A part as a form names it, resolved against the objective (`None`: not one of its parts).
pub type PartChoice = Option<Part>;

/// `raw` as `limits` keeps it for `field`, or a refusal that names the field.
pub(crate) fn text(field: Field, raw: &str) -> Outcome<String> {
    limits::clean(field, raw).map_err(|e| Refusal::Invalid(messages::text_error(&e)))
}

/// A date typed for the plan of `year`; `what` names it in the refusal.
pub(crate) fn date(raw: &str, year: i32, what: &str) -> Outcome<NaiveDate> {
    plan_date(raw, year).map_err(|e| Refusal::Invalid(messages::plan_date_error(what, &e)))
}

impl View {
    /// The units round `round` still waits for, as the domain counts them.
    pub fn pending(&self, round: i64) -> Vec<Pending> {
        let phases: Vec<Vec<Figure>> = self
            .records
            .iter()
            .map(|o| o.iter().map(|r| PhaseRecord::figure(Some(r))).collect())
            .collect();
        let neutralised = self.monitoring.neutralised(&self.plan);
        let figures = Figures {
            phases: &phases,
            indicators: &self.monitoring.indicator_figures(),
            neutralised: &neutralised,
        };
        monitoring::pending(&self.plan, &self.settings, &figures, round)
    }

    /// Whether `actor` may report on objective `o`'s indicators and events on `day`.
    pub fn may_report(
        &self,
        o: &Objective,
        actor: Option<&Actor>,
        day: NaiveDate,
    ) -> Result<(), domain::Refusal> {
        if self.day.is_some() {
            return Err(domain::Refusal::PastDay);
        }
        decide(
            actor,
            Action::ReportPhase {
                unit: &o.unit,
                involved: &[],
                day: Some(day),
            },
            self.summary.state,
        )
    }
}

/// The events the deadlines of `o` count from, by the document's words, each once.
pub fn events_of(o: &Objective) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for p in &o.phases {
        if let When::Relative(r) = &p.deadline.when
            && let Anchor::Event(words) = &r.anchor
            && !out.contains(&words.as_str())
        {
            out.push(words);
        }
    }
    out
}

impl Cycle {
    /// Opens a monitoring round as of `as_of` (one at a time). Returns its id.
    pub async fn open_round(
        &self,
        plan: &PlanId,
        person: &Person,
        name: &str,
        as_of: &str,
        stamp: &Stamp,
    ) -> Outcome<i64> {
        let v = self.for_action(plan, person, Action::ManageRounds).await?;
        let name = text(Field::RoundName, name)?;
        if name.is_empty() {
            return Err(Refusal::Invalid(
                "Dare un nome al monitoraggio (al massimo 200 caratteri).".into(),
            ));
        }
        let as_of = date(as_of, v.plan.year, "La data del monitoraggio")?;
        let id = self
            .store
            .open_round(v.id(), &name, as_of, stamp)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    Refusal::OutOfTurn("Un monitoraggio è già aperto: chiuderlo prima.".into())
                }
                other => other.into(),
            })?;
        self.changed(v.id()).await;
        Ok(id)
    }

    /// Closes round `round` (its id, as typed).
    pub async fn close_round(
        &self,
        plan: &PlanId,
        person: &Person,
        round: &str,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let v = self.for_action(plan, person, Action::ManageRounds).await?;
        let round = round
            .parse::<i64>()
            .ok()
            .filter(|r| v.monitoring.rounds.iter().any(|x| x.id == *r))
            .ok_or_else(|| Refusal::NotFound("questo monitoraggio".into()))?;
        self.store
            .close_round(v.id(), round, stamp)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    Refusal::OutOfTurn("Il monitoraggio è già chiuso.".into())
                }
                other => other.into(),
            })?;
        self.changed(v.id()).await;
        Ok(())
    }

    /// Records indicator `number` of objective `unit`/`label`: its value, the date it was
    /// measured on and its source (as typed), in the open round if one is.
    pub async fn record_actual(
        &self,
        plan: &PlanId,
        person: &Person,
        (unit, label): (&str, &str),
        number: Position,
        (value, measured_on, source): (&str, &str, &str),
        stamp: &Stamp,
    ) -> Outcome<()> {
        let (v, actor) = self.for_write(plan, person).await?;
        let (oi, i) = v.find_indicator(unit, label, number)?;
        let o = &v.plan.objectives[oi];
        v.may_report(o, Some(&actor), self.day_of(stamp))?;
        let value: Decimal = value
            .trim()
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|v: &Decimal| {
                v.abs() <= domain::scoring::settings::LIMIT && v.normalize().scale() <= 6
            })
            .ok_or_else(|| {
                Refusal::Invalid(
                    "Il valore dev'essere un numero (al massimo mille miliardi, sei decimali)."
                        .into(),
                )
            })?;
        let measured_on = date(measured_on, v.plan.year, "La data della misura")?;
        let source = text(Field::IndicatorSource, source)?;
        if source.is_empty() {
            return Err(Refusal::Invalid(
                "Indicare la fonte del valore (al massimo 500 caratteri).".into(),
            ));
        }
        self.store
            .report_actual(
                v.id(),
                o.unit.as_str(),
                o.label.as_str(),
                i + 1,
                value,
                measured_on,
                &source,
                v.monitoring.open_round().map(|r| r.id),
                stamp,
            )
            .await?;
        self.changed(v.id()).await;
        Ok(())
    }

    /// Records (or, with an empty day, clears) the date of event `number` (from 1, in the
    /// order of `events_of`) of objective `unit`/`label`.
    pub async fn record_event(
        &self,
        plan: &PlanId,
        person: &Person,
        objective: (&str, &str),
        number: &str,
        day_typed: &str,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let (v, actor, oi) = self.for_objective_write(plan, person, objective).await?;
        let o = &v.plan.objectives[oi];
        v.may_report(o, Some(&actor), self.day_of(stamp))?;
        let events = events_of(o);
        let event = number
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| events.get(i))
            .ok_or_else(|| Refusal::Invalid("Scegliere uno degli eventi della scheda.".into()))?;
        let on = match day_typed.trim() {
            "" => None,
            d => Some(date(d, v.plan.year, "La data dell'evento")?),
        };
        self.store.record_event(v.id(), event, on, stamp).await?;
        self.changed(v.id()).await;
        Ok(())
    }

    /// The Nucleo neutralises a part of objective `unit`/`label` with a reason, or lifts a
    /// neutralisation.
    pub async fn neutralise(
        &self,
        plan: &PlanId,
        person: &Person,
        objective: (&str, &str),
        choice: PartChoice,
        decision: Neutralising<'_>,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let (v, actor, index) = self.for_objective_write(plan, person, objective).await?;
        decide(Some(&actor), Action::Neutralise, v.summary.state)?;
        let part = choice
            .ok_or_else(|| Refusal::Invalid("Scegliere la parte da neutralizzare.".into()))?;
        let subject = v
            .subject(index, part)
            .ok_or_else(|| Refusal::NotFound("questa parte dell'obiettivo".into()))?;
        let reason = match decision {
            Neutralising::Unknown => {
                return Err(Refusal::Malformed(
                    "Scegliere «Neutralizza» o «Revoca».".into(),
                ));
            }
            Neutralising::Neutralise(r) => {
                let r = text(Field::Reason, r)?;
                if r.is_empty() {
                    return Err(Refusal::Invalid(
                        "Il motivo della neutralizzazione è obbligatorio.".into(),
                    ));
                }
                Some(r)
            }
            Neutralising::Lift => None,
        };
        if reason.is_none() && v.monitoring.neutralisation(&subject).is_none() {
            return Err(Refusal::OutOfTurn(
                "Questa parte non è neutralizzata.".into(),
            ));
        }
        self.store
            .neutralise(v.id(), &subject, reason.as_deref(), stamp)
            .await?;
        self.changed(v.id()).await;
        Ok(())
    }

    /// Sets the plan's scoring rules (JSON, as `docs/scoring.md` says; empty: the defaults).
    pub async fn set_scoring(
        &self,
        plan: &PlanId,
        person: &Person,
        rules: &str,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let v = self
            .for_action(plan, person, Action::ConfigureScoring)
            .await?;
        self.store_scoring(&v, rules, stamp).await
    }

    /// Checks `rules` against the plan of `v` (already allowed) and stores them; the
    /// defaults are stored as none.
    async fn store_scoring(&self, v: &View, rules: &str, stamp: &Stamp) -> Outcome<()> {
        let text = text(Field::ScoringRules, rules)?;
        let settings = Settings::parse(if text.is_empty() { "{}" } else { &text }, &v.plan)
            .map_err(|e| Refusal::Invalid(messages::settings_error(&e)))?;
        let stored = (settings != Settings::default()).then_some(text.as_str());
        self.store.set_scoring(v.id(), stored, stamp).await?;
        self.changed(v.id()).await;
        Ok(())
    }

    /// Sets how indicator `number` of objective `unit`/`label` is measured: `entry`'s keys
    /// over its rule (`domain::scoring::settings::with_indicator`), or not measured (`None`);
    /// the rest of the settings as they were. Checked and saved as `set_scoring` does.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_indicator_rule(
        &self,
        plan: &PlanId,
        person: &Person,
        (unit, label): (&str, &str),
        number: Position,
        entry: Option<serde_json::Map<String, serde_json::Value>>,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let v = self
            .for_action(plan, person, Action::ConfigureScoring)
            .await?;
        let (oi, _) = v.find_indicator(unit, label, number)?;
        let objective = v.plan.objectives[oi].id.to_string();
        let current = v.monitoring.scoring.clone().unwrap_or_default();
        let text =
            domain::scoring::settings::with_indicator(&current, &objective, number.get(), entry)
                .map_err(|e| Refusal::Invalid(messages::settings_error(&e)))?;
        self.store_scoring(&v, &text, stamp).await
    }
}

impl View {
    /// Indicator `number` (from 1, as typed) of objective `unit`/`label`: positions from 0.
    pub fn find_indicator(
        &self,
        unit: &str,
        label: &str,
        number: Position,
    ) -> Outcome<(usize, usize)> {
        let oi = self.find_objective(unit, label)?;
        let count = self.plan.objectives[oi].indicators.len();
        let i = number.within(count).ok_or_else(|| {
            Refusal::NotFound(format!(
                "un indicatore numero «{number}» in questo obiettivo"
            ))
        })?;
        Ok((oi, i))
    }
}
