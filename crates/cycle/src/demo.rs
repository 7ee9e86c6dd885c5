//! The demonstration year: on a new installation, the demo plan is played through its year
//! by the same use cases people use — validated by the Nucleo, approved by the Giunta with its
//! act, started, monitored at 30/06, 30/09 and at the year's end (reports with evidence, some
//! on time, some late, some never made; indicator values; the dates of events), a phase
//! neutralised with its reason, a change approved into a new version, the measurement closed,
//! validated and published — each step stamped on its own day of the plan's year.

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::phase_edit::Wish;
use domain::schedule;
use domain::workflow::{ActKind, BoardAct};
use domain::{Objective, PlanState};
use store::{Person, Stamp};

use crate::changes::{DecisionRequest, OpinionRequest};
use crate::monitoring::{Neutralising, events_of};
use crate::phases::PhaseAt;
use crate::{ActRequest, Cycle, Outcome, Part, Refusal};

/// The people of the demonstration: the planning office, the Nucleo, the Giunta and an
/// account for each head the plan names (made by the caller, who keeps their passwords).
#[derive(Debug, Clone)]
pub struct Cast {
    pub admin: Person,
    pub evaluator: Person,
    pub board: Person,
    pub heads: Vec<Person>,
}

/// What the year recorded, to tell the person who started the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Played {
    pub reports: usize,
    pub on_time: usize,
    pub late: usize,
    pub never: usize,
    pub evidence: usize,
    pub actuals: usize,
    pub rounds: usize,
    /// The version the approved change made.
    pub version: Option<i64>,
}

/// The monitoring rounds of the year: name, as-of day, when they open, when reports are made
/// (the first day; a report a day after), when they close.
struct RoundPlan {
    name: &'static str,
    as_of: NaiveDate,
    open: NaiveDate,
    close: NaiveDate,
}

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or_default()
}

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
}

fn stamp(person: &Person, date: NaiveDate, hour: u32) -> Stamp {
    Stamp {
        actor: person.username.clone(),
        at: at(date, hour),
    }
}

/// A number from 0 to 99 fixed for each phase: the demo is the same on every machine.
fn dice(o: &Objective, phase: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in o.id.as_str().bytes().chain(phase.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % 100
}

/// How a phase's year goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Done by its deadline, this many days before.
    OnTime(u64),
    /// Done this many days late.
    Late(u64),
    /// Never reported.
    Never,
}

fn fate(o: &Objective, phase: usize) -> Fate {
    let d = dice(o, phase);
    match d {
        0..=67 => Fate::OnTime(d % 21),
        68..=85 => Fate::Late(8 + d % 45),
        _ => Fate::Never,
    }
}

/// The scoring rules of the demo's measurement system: phases by weight with credit for late
/// work (none after 90 days) and 15 days' tolerance, 70%; the first indicator of each card
/// that has one, as the percentage of what was planned that was achieved, 30%.
fn rules(plan: &domain::Plan) -> String {
    let indicators: Vec<serde_json::Value> = plan
        .objectives
        .iter()
        .filter(|o| !o.indicators.is_empty())
        .map(|o| {
            serde_json::json!({
                "objective": o.id.as_str(),
                "indicator": 1,
                "rule": {
                    "conversion": "percent_of_target",
                    "target": 100,
                    "band": "direct",
                    "bands": "achievement",
                    "no_actual": "exclude"
                }
            })
        })
        .collect();
    serde_json::json!({
        "phases": {
            "method": { "method": "weighted_late_credit", "days": 90 },
            "tolerance_days": 15,
            "empty_weights": "spread"
        },
        "phases_weight": 70,
        "indicators_weight": 30,
        "indicators": indicators
    })
    .to_string()
}

/// A one-page PDF of `lines` (wrapped at 90 characters), as a scanned minute would be.
fn pdf(lines: &[String]) -> Vec<u8> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
    let (catalog, tree, page_id, font, content_id) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
    page.parent(tree);
    page.contents(content_id);
    page.resources().fonts().pair(Name(b"F1"), font);
    page.finish();
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let mut content = Content::new();
    content.begin_text();
    content.set_font(Name(b"F1"), 11.0);
    content.set_leading(16.0);
    content.next_line(64.0, 770.0);
    for line in lines {
        let mut row = String::new();
        for word in line.split_whitespace() {
            if row.chars().count() + word.chars().count() > 90 {
                content.show(Str(&latin1(&row)));
                content.next_line_using_leading();
                row.clear();
            }
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
        content.show(Str(&latin1(&row)));
        content.next_line_using_leading();
        content.next_line_using_leading();
    }
    content.end_text();
    pdf.stream(content_id, &content.finish());
    pdf.finish()
}

/// Text in the font's Western encoding: Italian letters as they are, anything else as `?`.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '’' | '‘' => b'\'',
            '–' | '—' => b'-',
            c => u8::try_from(u32::from(c)).unwrap_or(b'?'),
        })
        .collect()
}

impl Cycle {
    /// Plays the demonstration year of plan `plan` (a draft) with `cast`, calling `progress`
    /// with a sentence at each stage.
    pub async fn play_demo_year(
        &self,
        plan: &str,
        cast: &Cast,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Outcome<Played> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        if view.summary.state != PlanState::Draft {
            return Err(Refusal::OutOfTurn(
                "Il piano dimostrativo non è in bozza: l'anno è già stato svolto.".into(),
            ));
        }
        let y = view.plan.year;
        let mut played = Played::default();
        progress("regole di misurazione, validazione del Nucleo, approvazione della Giunta");
        self.set_scoring(
            plan,
            &cast.admin,
            &rules(&view.plan),
            &stamp(&cast.admin, day(y, 1, 20), 9),
        )
        .await?;
        let act = |kind, reason: Option<&str>, board_act| ActRequest {
            kind,
            reason: reason.map(str::to_owned),
            board_act,
            from: None,
        };
        self.perform_act(
            plan,
            &cast.evaluator,
            act(ActKind::Validate, None, None),
            &stamp(&cast.evaluator, day(y, 1, 28), 11),
        )
        .await?;
        let approval = BoardAct {
            number: "35".into(),
            date: day(y, 2, 10),
        };
        self.perform_act(
            plan,
            &cast.board,
            act(ActKind::Approve, None, Some(approval)),
            &stamp(&cast.board, day(y, 2, 10), 16),
        )
        .await?;
        self.perform_act(
            plan,
            &cast.admin,
            act(ActKind::Start, None, None),
            &stamp(&cast.admin, day(y, 2, 15), 9),
        )
        .await?;

        let rounds = [
            RoundPlan {
                name: "Monitoraggio al 30/06",
                as_of: day(y, 6, 30),
                open: day(y, 7, 1),
                close: day(y, 7, 22),
            },
            RoundPlan {
                name: "Monitoraggio al 30/09",
                as_of: day(y, 9, 30),
                open: day(y, 10, 1),
                close: day(y, 10, 22),
            },
            RoundPlan {
                name: "Monitoraggio finale al 31/12",
                as_of: day(y, 12, 31),
                open: day(y + 1, 1, 11),
                close: day(y + 1, 2, 5),
            },
        ];
        for (n, round) in rounds.iter().enumerate() {
            progress(round.name);
            let id = self
                .open_round(
                    plan,
                    &cast.admin,
                    round.name,
                    &round.as_of.to_string(),
                    &stamp(&cast.admin, round.open, 8),
                )
                .await?;
            played.rounds += 1;
            self.report_round(plan, cast, &rounds, n, &mut played)
                .await?;
            if n == 0 {
                played.version = self.demo_change(plan, cast, y).await?;
            }
            if n == 1 {
                self.demo_neutralisation(plan, cast, y).await?;
            }
            self.close_round(
                plan,
                &cast.admin,
                &id.to_string(),
                &stamp(&cast.admin, round.close, 17),
            )
            .await?;
        }

        progress("chiusura della misurazione, validazione del Nucleo, pubblicazione");
        self.perform_act(
            plan,
            &cast.admin,
            act(ActKind::CloseMeasurement, None, None),
            &stamp(&cast.admin, day(y + 1, 2, 12), 10),
        )
        .await?;
        self.perform_act(
            plan,
            &cast.evaluator,
            act(ActKind::ValidateMeasurement, None, None),
            &stamp(&cast.evaluator, day(y + 1, 3, 18), 12),
        )
        .await?;
        self.perform_act(
            plan,
            &cast.admin,
            act(ActKind::Publish, None, None),
            &stamp(&cast.admin, day(y + 1, 4, 12), 9),
        )
        .await?;
        Ok(played)
    }

    /// The reports of round `n`: each phase done since the last round, with evidence for
    /// about half; in the first rounds, some phases still in progress; events' dates; and in
    /// the final round, the indicators' values.
    async fn report_round(
        &self,
        plan: &str,
        cast: &Cast,
        rounds: &[RoundPlan],
        n: usize,
        played: &mut Played,
    ) -> Outcome<()> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        let y = view.plan.year;
        let round = &rounds[n];
        let since = n.checked_sub(1).map(|p| rounds[p].as_of);
        let last = n + 1 == rounds.len();
        let mut hour = 0u64;
        for (oi, o) in view.plan.objectives.iter().enumerate() {
            let at_obj = (o.unit.as_str(), o.label.as_str());
            if n == 0 {
                // The events the card's deadlines count from happened in spring.
                for (e, _) in events_of(o).iter().enumerate() {
                    let when = day(y, 3, 1) + Days::new(dice(o, 100 + e) % 60);
                    let who = self.reporter(&view, cast, oi, None, round.open);
                    self.record_event(
                        plan,
                        who,
                        at_obj,
                        &(e + 1).to_string(),
                        &when.to_string(),
                        &stamp(who, round.open, 9),
                    )
                    .await?;
                }
            }
            let planned = schedule::planned(o, y);
            for (pi, phase) in o.phases.iter().enumerate() {
                let due = planned
                    .get(pi)
                    .and_then(|p| p.due)
                    .unwrap_or(day(y, 12, 31));
                if due > day(y, 12, 31) {
                    continue; // a later year's slice
                }
                let reported_on = round.open + Days::new(1 + hour % 12);
                hour += 1;
                let fate = fate(o, pi);
                let done = match fate {
                    Fate::OnTime(before) => {
                        Some(due.checked_sub_days(Days::new(before)).unwrap_or(due))
                    }
                    Fate::Late(after) => Some(due + Days::new(after)),
                    Fate::Never => None,
                };
                let in_this_round = done.is_some_and(|d| {
                    d <= round
                        .as_of
                        .max(if last { reported_on } else { round.as_of })
                        && since.is_none_or(|s| d > s)
                });
                let who = self.reporter(&view, cast, oi, Some(pi), reported_on);
                let number = (pi + 1).to_string();
                let at_phase = PhaseAt {
                    unit: at_obj.0,
                    label: at_obj.1,
                    number: &number,
                };
                let when = stamp(who, reported_on, 10);
                if in_this_round && let Some(d) = done {
                    let note = format!(
                        "Fase {} conclusa il {}.",
                        phase.label,
                        domain::messages::date(d)
                    );
                    self.demo_report(plan, who, at_phase, Some(d), &note, &when)
                        .await?;
                    played.reports += 1;
                    match fate {
                        Fate::OnTime(_) => played.on_time += 1,
                        _ => played.late += 1,
                    }
                    if dice(o, pi).is_multiple_of(2) {
                        let file = format!("verbale-fase-{}.pdf", phase.label);
                        let lines = [
                            view.plan.entity.name.clone(),
                            format!("Verbale di conclusione della fase {}", phase.label),
                            format!("Obiettivo {}: {}", o.label, o.title),
                            format!("Fase {}: {}", phase.label, phase.description),
                            note.clone(),
                            format!("Il responsabile: {}", who.name),
                            "Documento dimostrativo generato da Pegaso.".to_string(),
                        ];
                        self.attach_evidence(plan, who, at_phase, &file, &pdf(&lines), &when)
                            .await?;
                        played.evidence += 1;
                    }
                } else if last && done.is_none_or(|d| d > reported_on) {
                    if fate == Fate::Never {
                        played.never += 1;
                    } else {
                        // Not done by the year's end: reported as still in progress.
                        self.demo_report(
                            plan,
                            who,
                            at_phase,
                            None,
                            "Attività avviata, non conclusa entro l'anno.",
                            &when,
                        )
                        .await?;
                        played.reports += 1;
                    }
                } else if !last
                    && done.is_some_and(|d| d > round.as_of)
                    && due > round.as_of
                    && dice(o, pi).is_multiple_of(3)
                    && since.is_none_or(|s| due <= s + Days::new(200))
                {
                    self.demo_report(plan, who, at_phase, None, "Attività in corso.", &when)
                        .await?;
                    played.reports += 1;
                }
            }
            if last {
                for (i, _) in o.indicators.iter().enumerate().take(1) {
                    let achieved = match dice(o, 200 + i) {
                        0..=59 => 100,
                        d => 70 + d % 30,
                    };
                    let who = self.reporter(&view, cast, oi, None, round.open + Days::new(3));
                    self.record_actual(
                        plan,
                        who,
                        at_obj,
                        &(i + 1).to_string(),
                        &achieved.to_string(),
                        &round.as_of.to_string(),
                        "Relazione finale del responsabile",
                        &stamp(who, round.open + Days::new(3), 15),
                    )
                    .await?;
                    played.actuals += 1;
                }
            }
        }
        Ok(())
    }

    /// One report of a phase: done on `done`, or in progress.
    async fn demo_report(
        &self,
        plan: &str,
        who: &Person,
        at: PhaseAt<'_>,
        done: Option<NaiveDate>,
        note: &str,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let form = self.phase_for_edit(plan, Some(who), at).await?;
        let done_text = done.map(|d| d.to_string()).unwrap_or_default();
        let wish = Wish {
            completed_on: Some(&done_text),
            note: Some(note),
            status: Some(if done.is_some() {
                "done"
            } else {
                "in_progress"
            }),
            ..Wish::default()
        };
        self.edit_phase(plan, who, at, form.version, wish, stamp)
            .await?;
        Ok(())
    }

    /// Who reports on objective `oi` on `on` (its phase `phase`, when one): a head of its
    /// unit who may, else the planning office.
    fn reporter<'a>(
        &self,
        view: &crate::View,
        cast: &'a Cast,
        oi: usize,
        phase: Option<usize>,
        on: NaiveDate,
    ) -> &'a Person {
        let o = &view.plan.objectives[oi];
        cast.heads
            .iter()
            .find(|h| {
                let actor = crate::actor(h, view);
                let head = actor.as_ref().is_some_and(|a| {
                    a.units
                        .iter()
                        .any(|g| g.unit == o.unit && g.role == domain::UnitRole::Head)
                });
                head && match phase {
                    Some(p) => view.may_edit_phase(oi, p, actor.as_ref()).is_ok(),
                    None => view.may_report(o, actor.as_ref(), on).is_ok(),
                }
            })
            .unwrap_or(&cast.admin)
    }

    /// In July a head asks to move a later deadline by two months; the Nucleo agrees and the
    /// Giunta approves: a new version of the plan.
    async fn demo_change(&self, plan: &str, cast: &Cast, y: i32) -> Outcome<Option<i64>> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        let asked = day(y, 7, 8);
        let mut chosen = None;
        'search: for (oi, o) in view.plan.objectives.iter().enumerate() {
            let may_ask = |h: &&Person| {
                let actor = crate::actor(h, &view);
                let ask = domain::Action::RequestChange {
                    unit: &o.unit,
                    day: Some(asked),
                };
                domain::access::decide(actor.as_ref(), ask, view.summary.state).is_ok()
            };
            let Some(head) = cast.heads.iter().find(may_ask) else {
                continue;
            };
            for (pi, p) in schedule::planned(o, y).iter().enumerate() {
                if let Some(due) = p.due
                    && due > day(y, 9, 1)
                    && due <= day(y, 10, 31)
                    && matches!(o.phases[pi].deadline.when, domain::When::Date { .. })
                {
                    chosen = Some((oi, pi, due, head.clone()));
                    break 'search;
                }
            }
        }
        let Some((oi, pi, due, head)) = chosen else {
            return Ok(None);
        };
        let o = &view.plan.objectives[oi];
        let moved = due + Days::new(61);
        let request = self
            .ask_change(
                plan,
                &head,
                (o.unit.as_str(), o.label.as_str()),
                &format!("scadenza-{}", o.phases[pi].label),
                &moved.to_string(),
                "La gara è slittata per il ricorso di un concorrente: serve più tempo per \
                 l'aggiudicazione.",
                &stamp(&head, asked, 11),
            )
            .await?;
        let id = request.to_string();
        self.give_opinion(
            plan,
            &cast.evaluator,
            &id,
            OpinionRequest {
                favourable: Some(true),
                text: "Parere favorevole: il ritardo non dipende dall'ufficio.",
            },
            &stamp(&cast.evaluator, day(y, 7, 13), 12),
        )
        .await?;
        let date = day(y, 7, 20).to_string();
        let (_, version) = self
            .decide_change(
                plan,
                &cast.board,
                &id,
                DecisionRequest {
                    approve: Some(true),
                    act_number: "128",
                    act_date: &date,
                },
                &stamp(&cast.board, day(y, 7, 20), 16),
            )
            .await?;
        Ok(version)
    }

    /// In October the Nucleo neutralises a phase that external causes held up.
    async fn demo_neutralisation(&self, plan: &str, cast: &Cast, y: i32) -> Outcome<()> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        let late = view.plan.objectives.iter().find_map(|o| {
            (0..o.phases.len())
                .find(|&pi| matches!(fate(o, pi), Fate::Late(_)))
                .map(|pi| (o, pi))
        });
        let Some((o, pi)) = late else {
            return Ok(());
        };
        self.neutralise(
            plan,
            &cast.evaluator,
            (o.unit.as_str(), o.label.as_str()),
            Some(Part::Phase(pi)),
            Neutralising::Neutralise(
                "Ritardo dovuto al finanziamento regionale arrivato a settembre: causa esterna \
                 all'ufficio.",
            ),
            &stamp(&cast.evaluator, day(y, 10, 20), 10),
        )
        .await
    }
}
