//! Next year from this year: the draft of year N made from a plan of an earlier year, and the
//! account of what was carried, moved and left behind (`preview`, `make`).
//!
//! The choices, each written into the [`Carried`] report so a person can check them:
//!
//! - **What is copied.** The entity, strategy, codifica table, units and the objectives kept.
//!   Nothing recorded on the old plan is (records, monitoring, scores live beside the plan, in
//!   its facts), and neither are its `customer_satisfaction` results: they are the old year's
//!   surveys. The PIAO's other parts, when the plan carries them, are copied as they are
//!   (the PIAO is triennial, updated each year), their links to objectives left behind
//!   dropped.
//! - **Title and period.** The triennium scrolls ("scorrimento"): it starts at N and keeps its
//!   length (2021-2023 → 2022-2024 for N = 2022). The title changes only where it writes the
//!   years: the range of the old period becomes the new one, the old plan year alone becomes
//!   N; a title without them stays as it is.
//! - **Heads.** A head whose mandate ended before N (`until` before 1 January of N) is left
//!   behind — the unit's next head is in the plan already, or the office names one —, unless
//!   that would leave the unit with no head: then they stay, their bounds cleared, for the
//!   office to review. A `from` before N is cleared (the head holds from the year's start);
//!   bounds within N or later stay.
//! - **Which objectives continue.** A phase of the old plan is *done* when it belongs to the
//!   old year's slice: dated within the old year or earlier, or undated and in the slice
//!   (`Objective::in_year_slice`). It is *to come* when dated after the old year, or undated
//!   and outside the slice; `Conclusa` phases were done in earlier years. An objective with
//!   phases to come, or with a final deadline after the old year, *continues*: the preview
//!   ticks it. The others are finished: offered unticked (recurring work may be kept).
//! - **A continuing objective.** Its done phases become `Conclusa` with weight 0; its phases
//!   to come that fall by the end of N (or are undated) are the new year's. Their weights are
//!   not rescaled (the Giunta approves weights: the draft does not invent them): non-zero
//!   weights stay as they were, so validation says when they no longer sum to 100, and a 0 —
//!   which would keep the phase out of the new slice — becomes empty, to be set (validation's
//!   `weight-missing`). Phases dated after N stay as they are.
//! - **Dates.** Calendar dates of the old year — `date` and `start` deadlines, the year-slice
//!   and final deadlines — move by whole years to the new one, keeping day and month (29
//!   February becomes 28); the words of each moved deadline and the card's `timing` are
//!   rewritten to match (`30/06/2021` → `30/06/2022`). Dates of other years, relative
//!   deadlines and the words of events (`riunione del 22/01/2021`: a fact) do not move.

use chrono::{Datelike, NaiveDate};

use crate::deadline::{Deadline, When};
use crate::diagnostic::Diagnostic;
use crate::limits;
use crate::plan::{Head, Objective, Period, Phase, Plan, Unit};
use crate::values::{ObjectiveId, Percent, PhaseLabel, UnitId};

/// What the draft for year `year` would carry of a plan, before anything is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The old plan's year.
    pub from_year: i32,
    /// The new plan's year.
    pub year: i32,
    /// The new plan's title and triennium.
    pub title: String,
    pub period: Period,
    /// Each unit, with what happens to its heads.
    pub units: Vec<UnitCarried>,
    /// Each objective of the old plan, in its order, with what keeping it would do.
    pub objectives: Vec<Offer>,
}

/// An objective as offered to the new year.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub id: ObjectiveId,
    pub unit: UnitId,
    pub title: String,
    /// A multi-year objective that continues with its next slice (ticked by default); a
    /// finished one-year objective otherwise (offered unticked).
    pub continues: bool,
    /// Dates that move to the new year, old → new.
    pub moved: Vec<Moved>,
    /// Phases of the old year's slice that become `Conclusa` (continuing objectives only).
    pub concluded: Vec<PhaseLabel>,
    /// Phases that become the new year's slice (continuing objectives only).
    pub next: Vec<PhaseLabel>,
    /// Phases of the new slice whose 0% weight becomes empty, to be set.
    pub weights_cleared: Vec<PhaseLabel>,
}

impl Offer {
    /// Whether the preview ticks it: continuing objectives are, finished ones are not.
    pub fn ticked(&self) -> bool {
        self.continues
    }
}

/// A date that moves to the new year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub what: Part,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Which date of an objective moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A phase's deadline.
    Phase(PhaseLabel),
    /// The year-slice deadline.
    YearDeadline,
    /// The final deadline.
    FinalDeadline,
    /// A date written in the card's `Tempistica`.
    Timing,
}

/// A unit as carried, with what happened to its heads (by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCarried {
    pub unit: UnitId,
    pub name: String,
    /// Heads carried as they were.
    pub kept: Vec<String>,
    /// Heads carried with a bound cleared (a `from` before the new year, or a mandate ended
    /// in the old year kept because the unit has no other head).
    pub cleared: Vec<String>,
    /// Heads whose mandate ended before the new year.
    pub left: Vec<String>,
}

/// What `make` did: the new title and period, each unit, the objectives carried and left
/// behind, the survey results not copied and what validation says of the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    pub from_year: i32,
    pub year: i32,
    pub title: (String, String),
    pub period: (Period, Period),
    pub units: Vec<UnitCarried>,
    pub carried: Vec<Offer>,
    pub left_behind: Vec<Offer>,
    /// Customer-satisfaction results of the old plan, not copied.
    pub surveys_dropped: usize,
    /// `validate` on the draft.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why no draft can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolloverError {
    /// The new year must come after the plan's.
    #[error("year {year} is not after the plan's {from}")]
    NotAfter { from: i32, year: i32 },
    /// A year no plan may be for.
    #[error("year {0} is not a plan's year")]
    Implausible(i32),
    /// A kept objective the plan does not have.
    #[error("unknown objective {0}")]
    UnknownObjective(ObjectiveId),
}

/// What the draft of `year` would carry of `plan`: every objective classified and offered.
pub fn preview(plan: &Plan, year: i32) -> Preview {
    let period = next_period(plan.period, year);
    Preview {
        from_year: plan.year,
        year,
        title: shift_title(&plan.title, plan.period, period, plan.year, year),
        period,
        units: plan.units.iter().map(|u| carry_unit(u, year).1).collect(),
        objectives: plan
            .objectives
            .iter()
            .map(|o| carry_objective(o, plan.year, year).1)
            .collect(),
    }
}

/// The draft of `year` made from `plan`, with the objectives `keep` names, and the account of
/// what was carried, moved and left behind (with the draft's diagnostics).
pub fn make(
    plan: &Plan,
    year: i32,
    keep: &[ObjectiveId],
) -> Result<(Plan, Carried), RolloverError> {
    if !limits::PLAN_YEARS.contains(&year) {
        return Err(RolloverError::Implausible(year));
    }
    if year <= plan.year {
        return Err(RolloverError::NotAfter {
            from: plan.year,
            year,
        });
    }
    if let Some(unknown) = keep
        .iter()
        .find(|k| !plan.objectives.iter().any(|o| &o.id == *k))
    {
        return Err(RolloverError::UnknownObjective(unknown.clone()));
    }
    let period = next_period(plan.period, year);
    let title = shift_title(&plan.title, plan.period, period, plan.year, year);
    let (units, unit_reports): (Vec<Unit>, Vec<UnitCarried>) =
        plan.units.iter().map(|u| carry_unit(u, year)).unzip();
    let mut objectives = Vec::new();
    let (mut carried, mut left_behind) = (Vec::new(), Vec::new());
    for o in &plan.objectives {
        let (new, offer) = carry_objective(o, plan.year, year);
        if keep.contains(&o.id) {
            objectives.push(new);
            carried.push(offer);
        } else {
            left_behind.push(offer);
        }
    }
    let piao = plan.piao.clone().map(|mut piao| {
        for o in &plan.objectives {
            if !keep.contains(&o.id) {
                piao.follow_objective(&o.id, None);
            }
        }
        piao
    });
    let draft = Plan {
        format: plan.format.clone(),
        entity: plan.entity.clone(),
        title: title.clone(),
        period,
        year,
        strategy: plan.strategy.clone(),
        responsibles: plan.responsibles.clone(),
        units,
        objectives,
        customer_satisfaction: Vec::new(),
        piao,
    };
    let diagnostics = crate::validate(&draft);
    let report = Carried {
        from_year: plan.year,
        year,
        title: (plan.title.clone(), title),
        period: (plan.period, period),
        units: unit_reports,
        carried,
        left_behind,
        surveys_dropped: plan.customer_satisfaction.len(),
        diagnostics,
    };
    Ok((draft, report))
}

/// The objectives the preview ticks.
pub fn ticked(preview: &Preview) -> Vec<ObjectiveId> {
    preview
        .objectives
        .iter()
        .filter(|o| o.ticked())
        .map(|o| o.id.clone())
        .collect()
}

/// The triennium scrolled to start at `year`, as long as it was (a period with its ends the
/// wrong way round is taken as one year).
fn next_period(old: Period, year: i32) -> Period {
    Period {
        from: year,
        to: year.saturating_add(old.to.saturating_sub(old.from).max(0)),
    }
}

/// The title with its years moved: the old period's range (`2021-2023`, with `-`, `–`, `—` or
/// `/`) becomes the new one, the old plan year alone becomes `year`; other numbers stay.
fn shift_title(title: &str, old: Period, new: Period, from_year: i32, year: i32) -> String {
    let mut out = String::with_capacity(title.len());
    let mut rest = title;
    while let Some((before, token, after)) = next_year_token(rest) {
        out.push_str(before);
        rest = after;
        if token == old.from
            && let Some((joint, after_to)) = range_end(after, old.to)
        {
            out.push_str(&format!("{}{joint}{}", new.from, new.to));
            rest = after_to;
        } else if token == from_year {
            out.push_str(&year.to_string());
        } else {
            out.push_str(&token.to_string());
        }
    }
    out.push_str(rest);
    out
}

/// When `after` goes on as a range ending in `to` (`-2023`, ` – 2023`): what joins the two
/// years, and what follows the range.
fn range_end(after: &str, to: i32) -> Option<(&str, &str)> {
    let trimmed = after.trim_start();
    let sep = trimmed.chars().next().filter(|c| "-–—/".contains(*c))?;
    let past = trimmed[sep.len_utf8()..].trim_start();
    match next_year_token(past) {
        Some(("", end, rest)) if end == to => Some((&after[..after.len() - past.len()], rest)),
        _ => None,
    }
}

/// The next run of exactly four digits in `s`: what comes before it, its value, what follows.
fn next_year_token(s: &str) -> Option<(&str, i32, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                let value = s[start..i].parse().ok()?;
                return Some((&s[..start], value, &s[i..]));
            }
        } else {
            i += 1;
        }
    }
    None
}

/// `day` moved by `years`, keeping day and month (29 February becomes 28).
pub fn shift_date(day: NaiveDate, years: i32) -> NaiveDate {
    let y = day.year() + years;
    NaiveDate::from_ymd_opt(y, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, day.month(), 28))
        .unwrap_or(day)
}

/// `text` with every date written `d/m/yyyy` of year `from_year` moved by `years` (written
/// back as `dd/mm/yyyy`), and the dates moved.
fn shift_text(text: &str, from_year: i32, years: i32) -> (String, Vec<(NaiveDate, NaiveDate)>) {
    let mut out = String::with_capacity(text.len());
    let mut moved = Vec::new();
    let bytes = text.as_bytes();
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit());
        if let Some((day, end)) = starts.then(|| written_date(text, i)).flatten()
            && day.year() == from_year
        {
            let to = shift_date(day, years);
            out.push_str(&text[copied..i]);
            out.push_str(&crate::messages::date(to));
            moved.push((day, to));
            i = end;
            copied = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    (out, moved)
}

/// A date written `d/m/yyyy` (one or two digits for day and month) at byte `at`, and where it
/// ends.
fn written_date(text: &str, at: usize) -> Option<(NaiveDate, usize)> {
    let bytes = text.as_bytes();
    let number = |from: usize, min: usize, max: usize| -> Option<(u32, usize)> {
        let mut end = from;
        while end < bytes.len() && bytes[end].is_ascii_digit() && end - from < max + 1 {
            end += 1;
        }
        let len = end - from;
        (min..=max)
            .contains(&len)
            .then(|| text[from..end].parse().ok().map(|n| (n, end)))
            .flatten()
    };
    let (day, e) = number(at, 1, 2)?;
    (bytes.get(e) == Some(&b'/')).then_some(())?;
    let (month, e) = number(e + 1, 1, 2)?;
    (bytes.get(e) == Some(&b'/')).then_some(())?;
    let (year, e) = number(e + 1, 4, 4)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some((date, e))
}

/// A unit for the new year, and what happened to its heads.
fn carry_unit(unit: &Unit, year: i32) -> (Unit, UnitCarried) {
    let starts = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let ended = |h: &Head| h.until.is_some_and(|u| u < starts);
    let all_ended = unit.heads.iter().all(ended);
    let mut report = UnitCarried {
        unit: unit.id.clone(),
        name: unit.name.clone(),
        kept: Vec::new(),
        cleared: Vec::new(),
        left: Vec::new(),
    };
    let mut heads = Vec::new();
    for h in &unit.heads {
        if ended(h) && !all_ended {
            report.left.push(h.name.clone());
            continue;
        }
        let mut head = h.clone();
        if ended(h) {
            head.until = None;
        }
        if h.from.is_some_and(|f| f < starts) {
            head.from = None;
        }
        if &head == h {
            report.kept.push(h.name.clone());
        } else {
            report.cleared.push(h.name.clone());
        }
        heads.push(head);
    }
    (
        Unit {
            heads,
            ..unit.clone()
        },
        report,
    )
}

/// Where a phase of the old plan stands at the year's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// `Conclusa` already: done in an earlier year.
    Earlier,
    /// Of the old year's slice.
    Done,
    /// Of a later slice.
    ToCome,
}

fn standing(o: &Objective, p: &Phase, from_year: i32) -> Standing {
    if matches!(p.deadline.when, When::Completed) {
        return Standing::Earlier;
    }
    match p.deadline.fixed_date() {
        Some(d) if d.year() > from_year => Standing::ToCome,
        Some(_) => Standing::Done,
        None if o.in_year_slice(p) => Standing::Done,
        None => Standing::ToCome,
    }
}

/// A deadline moved to the new year when it is a date of the old one, its words to match.
fn carry_deadline(
    d: &Deadline,
    text: &str,
    from_year: i32,
    years: i32,
) -> Option<(Deadline, String, Moved)> {
    let from = d.fixed_date().filter(|f| f.year() == from_year)?;
    let to = shift_date(from, years);
    let when = match d.when {
        When::Start { .. } => When::Start { date: to },
        _ => When::Date { date: to },
    };
    let (mut words, _) = shift_text(text, from_year, years);
    if words == text {
        words = crate::messages::date(to);
    }
    let moved = Moved {
        what: Part::FinalDeadline,
        from,
        to,
    };
    Some((
        Deadline {
            when,
            tentative: d.tentative,
        },
        words,
        moved,
    ))
}

/// An objective as the new year would have it, and the offer that says what that means.
fn carry_objective(o: &Objective, from_year: i32, year: i32) -> (Objective, Offer) {
    let years = year.saturating_sub(from_year);
    let standings: Vec<Standing> = o.phases.iter().map(|p| standing(o, p, from_year)).collect();
    let continues = standings.contains(&Standing::ToCome)
        || o.final_deadline
            .fixed_date()
            .is_some_and(|d| d.year() > from_year);
    let mut offer = Offer {
        id: o.id.clone(),
        unit: o.unit.clone(),
        title: o.title.clone(),
        continues,
        moved: Vec::new(),
        concluded: Vec::new(),
        next: Vec::new(),
        weights_cleared: Vec::new(),
    };
    let mut new = o.clone();
    for (p, standing) in new.phases.iter_mut().zip(&standings) {
        if continues && *standing == Standing::Done {
            p.deadline = Deadline::new(When::Completed);
            p.deadline_text = "Conclusa".into();
            p.weight_pct = Some(Percent::ZERO);
            offer.concluded.push(p.label.clone());
            continue;
        }
        if continues && *standing == Standing::ToCome {
            let by_year = p.deadline.fixed_date().is_none_or(|d| d.year() <= year);
            if !by_year {
                continue;
            }
            offer.next.push(p.label.clone());
            if p.weight_pct.is_some_and(Percent::is_zero) {
                p.weight_pct = None;
                offer.weights_cleared.push(p.label.clone());
            }
        }
        if let Some((d, text, mut moved)) =
            carry_deadline(&p.deadline, &p.deadline_text, from_year, years)
        {
            p.deadline = d;
            p.deadline_text = text;
            moved.what = Part::Phase(p.label.clone());
            offer.moved.push(moved);
        }
    }
    if let Some(yd) = &o.year_deadline {
        let text = o.year_deadline_text.as_deref().unwrap_or("");
        if let Some((d, words, mut moved)) = carry_deadline(yd, text, from_year, years) {
            new.year_deadline = Some(d);
            new.year_deadline_text = Some(words);
            moved.what = Part::YearDeadline;
            offer.moved.push(moved);
        }
    }
    if let Some((d, words, moved)) =
        carry_deadline(&o.final_deadline, &o.final_deadline_text, from_year, years)
    {
        new.final_deadline = d;
        new.final_deadline_text = words;
        offer.moved.push(moved);
    }
    if let Some(timing) = &o.timing {
        let (words, moved) = shift_text(timing, from_year, years);
        offer
            .moved
            .extend(moved.into_iter().map(|(from, to)| Moved {
                what: Part::Timing,
                from,
                to,
            }));
        new.timing = Some(words);
    }
    (new, offer)
}

#[cfg(test)]
mod tests;
