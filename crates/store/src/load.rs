//! Reading a plan back: one query per table, assembled in document order.

use std::collections::HashMap;

use domain::PlanId;
use domain::{
    Anchor, Axis, Code, Deadline, Diagnostic, Entity, Format, Head, Location, Objective,
    ObjectiveId, ObjectiveLabel, Offset, Period, Phase, PhaseLabel, Plan, Relative, Responsible,
    Severity, StrategyLine, SurveyResult, Unit, UnitId, When,
};
use sqlx::{AnyConnection, FromRow};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::text::{date, from_name, narrow, optional, parsed, percent};
use domain::facts::PlanSummary;

#[derive(FromRow)]
struct PlanRow {
    id: i64,
    slug: String,
    revision: i64,
    format: String,
    title: String,
    year: i64,
    period_from: i64,
    period_to: i64,
    entity_name: String,
    entity_kind: String,
    entity_code: Option<String>,
    state: String,
    piao: Option<String>,
}

#[derive(FromRow)]
struct UnitRow {
    id: i64,
    slug: String,
    kind: String,
    name: String,
    parent: Option<String>,
    responsible_code: Option<String>,
    staff: Option<i64>,
}

#[derive(FromRow)]
struct HeadRow {
    unit_id: i64,
    name: String,
    role: Option<String>,
    date_from: Option<String>,
    date_until: Option<String>,
}

#[derive(FromRow)]
struct DeadlineRow {
    id: i64,
    kind: String,
    date: Option<String>,
    after_kind: Option<String>,
    after_phase: Option<String>,
    after_point: Option<String>,
    after_event: Option<String>,
    offset_days: Option<i64>,
    offset_months: Option<i64>,
    tentative: i64,
}

#[derive(FromRow)]
struct ObjectiveRow {
    id: i64,
    unit: String,
    label: String,
    title: String,
    strategic_purpose: Option<String>,
    directives: Option<String>,
    timing: Option<String>,
    final_deadline_id: i64,
    final_deadline_text: String,
    year_deadline_id: Option<i64>,
    year_deadline_text: Option<String>,
    expected_result: Option<String>,
    full_achievement: Option<String>,
    not_achieved: Option<String>,
    constraints: Option<String>,
    human_resources: Option<String>,
    financial_resources: Option<String>,
}

#[derive(FromRow)]
struct PhaseRow {
    id: i64,
    objective_id: i64,
    label: String,
    description: String,
    weight_pct: Option<String>,
    deadline_id: i64,
    deadline_text: String,
}

#[derive(FromRow)]
struct SurveyRow {
    service: String,
    year: Option<i64>,
    positive_pct: String,
    neutral_pct: String,
    negative_pct: String,
}

#[derive(FromRow)]
struct DiagnosticRow {
    code: String,
    severity: String,
    path: String,
    line: Option<i64>,
    message: String,
}

/// A plan's lists of texts kept in `table` (column `text` of each row, owned by the row its
/// column `owner` names), grouped by owner, in position order.
async fn grouped(
    conn: &mut AnyConnection,
    plan: i64,
    (table, owner, text): (&'static str, &'static str, &'static str),
) -> Result<HashMap<i64, Vec<String>>> {
    let sql = format!(
        "SELECT {owner}, {text} FROM {table} WHERE plan_id = $1 ORDER BY {owner}, position"
    );
    let rows: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    for (owner, text) in rows {
        map.entry(owner).or_default().push(text);
    }
    Ok(map)
}

impl Store {
    /// The plan with this id, exactly as it was saved.
    pub async fn plan(&self, plan_id: &PlanId) -> Result<Plan> {
        Ok(self.plan_with_summary(plan_id).await?.1)
    }

    /// The plan with this id and its summary, read in one snapshot.
    pub async fn plan_with_summary(&self, plan_id: &PlanId) -> Result<(PlanSummary, Plan)> {
        let mut tx = self.begin_read().await?;
        let read = Self::read_plan(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(read)
    }

    /// The plan with this id and its summary, as `conn` sees them.
    pub(crate) async fn read_plan(
        conn: &mut AnyConnection,
        plan_id: &PlanId,
    ) -> Result<(PlanSummary, Plan)> {
        let row: PlanRow = sqlx::query_as(
            "SELECT p.id, p.slug, p.revision, p.format, p.title, p.year, p.period_from, \
             p.period_to, e.name AS entity_name, e.kind AS entity_kind, \
             p.entity_code, p.state, p.piao \
             FROM plan p JOIN entity e ON e.id = p.entity_id WHERE p.slug = $1",
        )
        .bind(plan_id.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("plan {plan_id}")))?;
        let id = row.id;
        let format: Format = parsed("plan.format", &row.format, |t| {
            Format::try_from(t.to_owned())
        })?;
        let year = narrow("plan.year", row.year)?;
        let plan = Plan {
            format,
            entity: Entity {
                name: row.entity_name.clone(),
                kind: from_name("entity.kind", &row.entity_kind)?,
                code: row.entity_code.clone(),
            },
            title: row.title.clone(),
            period: Period {
                from: narrow("plan.period_from", row.period_from)?,
                to: narrow("plan.period_to", row.period_to)?,
            },
            year,
            strategy: Self::strategy(conn, id).await?,
            responsibles: Self::responsibles(conn, id).await?,
            units: Self::units(conn, id).await?,
            objectives: Self::objectives(conn, id).await?,
            customer_satisfaction: Self::surveys(conn, id).await?,
            piao: row
                .piao
                .as_deref()
                .map(|t| parsed("plan.piao", t, serde_json::from_str))
                .transpose()?,
        };
        let summary = PlanSummary {
            id: crate::text::plan_id(row.slug)?,
            entity: row.entity_name,
            year,
            title: row.title,
            revision: row.revision,
            state: crate::text::state(&row.state)?,
        };
        Ok((summary, plan))
    }

    /// The diagnostics of the import the plan came from.
    pub async fn diagnostics(&self, plan_id: &PlanId) -> Result<Vec<Diagnostic>> {
        let rows: Vec<DiagnosticRow> = sqlx::query_as(
            "SELECT d.code, d.severity, d.path, d.line, d.message FROM import_diagnostic d \
             JOIN plan p ON p.id = d.plan_id WHERE p.slug = $1 ORDER BY d.position",
        )
        .bind(plan_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            // Tell "no plan" from "a plan with nothing to say".
            self.revision(plan_id).await?;
        }
        rows.into_iter()
            .map(|r| {
                Ok(Diagnostic {
                    code: from_name::<Code>("import_diagnostic.code", &r.code)?,
                    severity: from_name::<Severity>("import_diagnostic.severity", &r.severity)?,
                    location: Location {
                        path: r.path,
                        line: r
                            .line
                            .map(|l| narrow("import_diagnostic.line", l))
                            .transpose()?,
                    },
                    message: r.message,
                })
            })
            .collect()
    }

    async fn strategy(conn: &mut AnyConnection, plan: i64) -> Result<Vec<StrategyLine>> {
        let lines: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, code, title FROM strategy_line WHERE plan_id = $1 ORDER BY position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        let axes: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT line_id, code, text FROM axis WHERE plan_id = $1 ORDER BY line_id, position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        let mut by_line: HashMap<i64, Vec<Axis>> = HashMap::new();
        for (line, id, text) in axes {
            by_line.entry(line).or_default().push(Axis { id, text });
        }
        Ok(lines
            .into_iter()
            .map(|(line, id, title)| StrategyLine {
                id,
                title,
                axes: by_line.remove(&line).unwrap_or_default(),
            })
            .collect())
    }

    async fn responsibles(conn: &mut AnyConnection, plan: i64) -> Result<Vec<Responsible>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT code, title FROM responsible WHERE plan_id = $1 ORDER BY position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(code, title)| Responsible { code, title })
            .collect())
    }

    async fn units(conn: &mut AnyConnection, plan: i64) -> Result<Vec<Unit>> {
        let rows: Vec<UnitRow> = sqlx::query_as(
            "SELECT u.id, u.slug, u.kind, u.name, p.slug AS parent, u.responsible_code, u.staff \
             FROM unit u LEFT JOIN unit p ON p.id = u.parent_id \
             WHERE u.plan_id = $1 ORDER BY u.position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        let heads: Vec<HeadRow> = sqlx::query_as(
            "SELECT unit_id, name, role, date_from, date_until FROM unit_head \
             WHERE plan_id = $1 ORDER BY unit_id, position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        let mut heads_of: HashMap<i64, Vec<Head>> = HashMap::new();
        for h in heads {
            heads_of.entry(h.unit_id).or_default().push(Head {
                name: h.name,
                role: h.role,
                from: optional(date, "unit_head.date_from", h.date_from.as_deref())?,
                until: optional(date, "unit_head.date_until", h.date_until.as_deref())?,
            });
        }
        let mut functions = grouped(conn, plan, ("unit_function", "unit_id", "text")).await?;
        rows.into_iter()
            .map(|u| {
                Ok(Unit {
                    id: parsed("unit.slug", &u.slug, UnitId::parse)?,
                    kind: from_name("unit.kind", &u.kind)?,
                    name: u.name,
                    parent: u
                        .parent
                        .as_deref()
                        .map(|p| parsed("unit.parent", p, UnitId::parse))
                        .transpose()?,
                    heads: heads_of.remove(&u.id).unwrap_or_default(),
                    responsible_code: u.responsible_code,
                    functions: functions.remove(&u.id).unwrap_or_default(),
                    staff: u.staff.map(|s| narrow("unit.staff", s)).transpose()?,
                })
            })
            .collect()
    }

    async fn deadlines(conn: &mut AnyConnection, plan: i64) -> Result<HashMap<i64, Deadline>> {
        let rows: Vec<DeadlineRow> = sqlx::query_as(
            "SELECT id, kind, date, after_kind, after_phase, after_point, after_event, \
             offset_days, offset_months, tentative FROM deadline WHERE plan_id = $1",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(|r| Ok((r.id, deadline(r)?))).collect()
    }

    async fn objectives(conn: &mut AnyConnection, plan: i64) -> Result<Vec<Objective>> {
        let mut deadlines = Self::deadlines(conn, plan).await?;
        let mut take = |id: i64| {
            deadlines
                .remove(&id)
                .ok_or_else(|| StoreError::Corrupt(format!("deadline {id} missing")))
        };
        let rows: Vec<ObjectiveRow> = sqlx::query_as(
            "SELECT o.id, u.slug AS unit, o.label, o.title, o.strategic_purpose, o.directives, \
             o.timing, o.final_deadline_id, o.final_deadline_text, o.year_deadline_id, \
             o.year_deadline_text, o.expected_result, o.full_achievement, o.not_achieved, \
             o.constraints, o.human_resources, o.financial_resources \
             FROM objective o JOIN unit u ON u.id = o.unit_id \
             WHERE o.plan_id = $1 ORDER BY o.position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        let mut indicators = grouped(conn, plan, ("indicator", "objective_id", "text")).await?;
        let phase_rows: Vec<PhaseRow> = sqlx::query_as(
            "SELECT id, objective_id, label, description, weight_pct, deadline_id, deadline_text \
             FROM phase WHERE plan_id = $1 ORDER BY objective_id, position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        let mut codes = grouped(conn, plan, ("phase_responsible", "phase_id", "code")).await?;
        let mut phases: HashMap<i64, Vec<Phase>> = HashMap::new();
        for p in phase_rows {
            phases.entry(p.objective_id).or_default().push(Phase {
                label: parsed("phase.label", &p.label, PhaseLabel::parse)?,
                description: p.description,
                weight_pct: optional(percent, "phase.weight_pct", p.weight_pct.as_deref())?,
                responsible: codes.remove(&p.id).unwrap_or_default(),
                deadline: take(p.deadline_id)?,
                deadline_text: p.deadline_text,
            });
        }
        rows.into_iter()
            .map(|o| {
                let unit = parsed("objective.unit", &o.unit, UnitId::parse)?;
                let label = parsed("objective.label", &o.label, ObjectiveLabel::parse)?;
                Ok(Objective {
                    id: ObjectiveId::new(&unit, &label),
                    unit,
                    label,
                    title: o.title,
                    strategic_purpose: o.strategic_purpose,
                    directives: o.directives,
                    timing: o.timing,
                    phases: phases.remove(&o.id).unwrap_or_default(),
                    final_deadline: take(o.final_deadline_id)?,
                    final_deadline_text: o.final_deadline_text,
                    year_deadline: o.year_deadline_id.map(&mut take).transpose()?,
                    year_deadline_text: o.year_deadline_text,
                    expected_result: o.expected_result,
                    full_achievement: o.full_achievement,
                    not_achieved: o.not_achieved,
                    indicators: indicators.remove(&o.id).unwrap_or_default(),
                    constraints: o.constraints,
                    human_resources: o.human_resources,
                    financial_resources: o.financial_resources,
                })
            })
            .collect()
    }

    async fn surveys(conn: &mut AnyConnection, plan: i64) -> Result<Vec<SurveyResult>> {
        let rows: Vec<SurveyRow> = sqlx::query_as(
            "SELECT service, year, positive_pct, neutral_pct, negative_pct FROM survey_result \
             WHERE plan_id = $1 ORDER BY position",
        )
        .bind(plan)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|s| {
                Ok(SurveyResult {
                    service: s.service,
                    year: s
                        .year
                        .map(|y| narrow("survey_result.year", y))
                        .transpose()?,
                    positive_pct: percent("survey_result.positive_pct", &s.positive_pct)?,
                    neutral_pct: percent("survey_result.neutral_pct", &s.neutral_pct)?,
                    negative_pct: percent("survey_result.negative_pct", &s.negative_pct)?,
                })
            })
            .collect()
    }
}

fn deadline(r: DeadlineRow) -> Result<Deadline> {
    let corrupt = || StoreError::Corrupt(format!("deadline {} of kind {}", r.id, r.kind));
    let fixed = || -> Result<chrono::NaiveDate> {
        date("deadline.date", r.date.as_deref().ok_or_else(corrupt)?)
    };
    let when = match r.kind.as_str() {
        "date" => When::Date { date: fixed()? },
        "start" => When::Start { date: fixed()? },
        "during_year" => When::DuringYear,
        "completed" => When::Completed,
        "none" => When::Unspecified,
        "relative" => {
            let anchor = match r.after_kind.as_deref() {
                Some("phase") => Anchor::Phase {
                    phase: parsed(
                        "deadline.after_phase",
                        r.after_phase.as_deref().ok_or_else(corrupt)?,
                        PhaseLabel::parse,
                    )?,
                    point: r.after_point.clone(),
                },
                Some("event") => Anchor::Event(r.after_event.clone().ok_or_else(corrupt)?),
                _ => return Err(corrupt()),
            };
            let offset = match (r.offset_days, r.offset_months) {
                (Some(d), None) => Offset::Days(narrow("deadline.offset_days", d)?),
                (None, Some(m)) => Offset::Months(narrow("deadline.offset_months", m)?),
                _ => return Err(corrupt()),
            };
            When::Relative(Relative { anchor, offset })
        }
        _ => return Err(corrupt()),
    };
    Ok(Deadline {
        when,
        tentative: r.tentative != 0,
    })
}
