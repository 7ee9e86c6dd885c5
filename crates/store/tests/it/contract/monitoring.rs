//! Monitoring's contract: scoring settings set and reset; rounds opened one at a time and
//! closed once, each reminder of a round recorded once; a report's phase record; evidence
//! files kept whole with their digest and read back only through their phase; indicator
//! actuals (the last one kept, the entry saying what it replaced); neutralisations set and
//! lifted; the dates of events recorded and removed.

use chrono::NaiveDate;
use domain::facts::{Actual, EvidenceInfo, Neutralisation, Round};
use domain::monitoring::ReportStatus;
use domain::{PlanId, PlanState};
use serde_json::json;
use sha2::{Digest, Sha256};
use store::{NewEvidence, Person};

use super::lifecycle::TO_EXECUTION;
use super::{At, Refused, Run, day, on_every_backend, sample};

const NOWHERE: &str = "nessuno-2021";

impl Run {
    async fn monitoring_of(&self, plan: &PlanId) -> domain::facts::Monitoring {
        self.store.monitoring(plan).await.unwrap()
    }

    /// Sets (or resets) the plan's scoring settings; the entry says the old and the new.
    pub async fn scoring(&self, plan: &PlanId, settings: Option<&str>) {
        let old = self.monitoring_of(plan).await.scoring;
        let stamp = self.stamp("ufficio");
        let set = self.store.set_scoring(plan, settings, &stamp);
        self.write("plan.scoring", |_| plan.to_string(), set).await;
        let parse = |t: &str| serde_json::from_str(t).unwrap();
        self.entry_says(old.as_deref().map(parse), settings.map(parse));
        let now = self.monitoring_of(plan).await.scoring;
        assert_eq!(now.as_deref(), settings, "{}", self.backend);
    }

    /// Opens a round; it is the open one, as asked, by whom and when.
    pub async fn open_round(&self, plan: &PlanId, name: &str, as_of: NaiveDate) -> i64 {
        let stamp = self.stamp("ufficio");
        let open = self.store.open_round(plan, name, as_of, &stamp);
        let id = self
            .write("round.open", |id| format!("{plan}/monitoraggi/{id}"), open)
            .await;
        self.entry_says(
            None,
            Some(json!({ "name": name, "as_of": as_of.to_string() })),
        );
        let round = Round {
            id,
            name: name.into(),
            as_of,
            opened_at: stamp.at,
            opened_by: stamp.actor,
            closed_at: None,
            closed_by: None,
        };
        assert_eq!(
            self.monitoring_of(plan).await.open_round(),
            Some(&round),
            "{}",
            self.backend
        );
        id
    }

    /// Closes round `id`: closed when and by whom, and no round is open.
    pub async fn close_round(&self, plan: &PlanId, id: i64) {
        let stamp = self.stamp("ufficio");
        let close = self.store.close_round(plan, id, &stamp);
        self.write("round.close", |_| format!("{plan}/monitoraggi/{id}"), close)
            .await;
        self.entry_says(None, None);
        let monitoring = self.monitoring_of(plan).await;
        let round = monitoring.rounds.iter().find(|r| r.id == id).unwrap();
        let closed = (round.closed_at, round.closed_by.as_deref());
        assert_eq!(
            closed,
            (Some(stamp.at), Some(stamp.actor.as_str())),
            "{}",
            self.backend
        );
        assert_eq!(monitoring.open_round(), None, "{}", self.backend);
    }

    /// Records that reminder `kind` of `round` went to `person`.
    pub async fn reminder(&self, plan: &PlanId, round: i64, person: &Person, kind: &str) {
        let s = &self.store;
        assert!(
            !s.reminder_sent(round, person.id, kind).await.unwrap(),
            "{}",
            self.backend
        );
        let stamp = self.stamp("cli");
        let sent = s.record_reminder(
            plan,
            round,
            person.id,
            person.username.as_str(),
            kind,
            &stamp,
        );
        self.write(
            "round.reminder",
            |_| format!("{plan}/monitoraggi/{round}"),
            sent,
        )
        .await;
        self.entry_says(None, Some(json!({ "to": person.username, "kind": kind })));
        assert!(
            s.reminder_sent(round, person.id, kind).await.unwrap(),
            "{}",
            self.backend
        );
    }

    /// Keeps an evidence file with the phase at `at`: listed there, read back whole.
    pub async fn evidence(&self, at: At<'_>, round: Option<i64>, content: &[u8]) -> i64 {
        let file = NewEvidence {
            file_name: "verbale.pdf",
            content_type: "application/pdf",
            content,
        };
        let stamp = self.stamp("capo");
        let add = self.store.add_evidence(at.key(), round, &file, &stamp);
        let id = self
            .write("phase.evidence", |_| at.key().subject(), add)
            .await;
        let sha256: String = Sha256::digest(content)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let size = i64::try_from(content.len()).unwrap();
        let info = EvidenceInfo {
            id,
            file_name: file.file_name.into(),
            content_type: file.content_type.into(),
            size,
            sha256: sha256.clone(),
            round,
            uploaded_at: stamp.at,
            uploaded_by: stamp.actor,
        };
        let after = json!({
            "file": file.file_name, "type": file.content_type, "size": size, "sha256": sha256,
        });
        self.entry_says(None, Some(after));
        let back = self
            .read("evidence", self.store.evidence(at.key(), id))
            .await;
        assert_eq!(back, (info.clone(), content.to_vec()), "{}", self.backend);
        let listed = &self.monitoring_of(at.plan).await.evidence[at.objective][at.position - 1];
        assert_eq!(listed.last(), Some(&info), "{}", self.backend);
        id
    }

    /// Records the actual of indicator `at`; the entry says the one it replaced.
    pub async fn actual(
        &self,
        at: At<'_>,
        value: &str,
        measured_on: NaiveDate,
        round: Option<i64>,
    ) {
        let o = &at.doc.objectives[at.objective];
        let i = at.position - 1;
        let said = |a: &Actual| {
            let (value, on) = (a.value.normalize().to_string(), a.measured_on.to_string());
            json!({ "value": value, "measured_on": on, "source": a.source })
        };
        let old = self
            .monitoring_of(at.plan)
            .await
            .actuals
            .get(at.objective)
            .and_then(|a| a.get(i).cloned().flatten());
        let stamp = self.stamp("capo");
        let value = value.parse().unwrap();
        let (unit, label) = o.key();
        let report = self.store.report_actual(
            at.plan,
            unit,
            label,
            at.position,
            value,
            measured_on,
            "Protocollo",
            round,
            &stamp,
        );
        let subject = format!("{}/{}/i{}", at.plan, at.objective_id(), at.position);
        self.write("indicator.actual", |_| subject, report).await;
        let actual = Actual {
            value,
            measured_on,
            source: "Protocollo".into(),
            round,
            reported_at: stamp.at,
            reported_by: stamp.actor,
        };
        self.entry_says(old.as_ref().map(said), Some(said(&actual)));
        let now = &self.monitoring_of(at.plan).await.actuals[at.objective][i];
        assert_eq!(now.as_ref(), Some(&actual), "{}", self.backend);
    }

    /// Neutralises `subject` for `reason`, or lifts it (`None`).
    pub async fn neutralise(&self, plan: &PlanId, subject: &str, reason: Option<&str>) {
        let old = self
            .monitoring_of(plan)
            .await
            .neutralisation(subject)
            .cloned();
        let stamp = self.stamp("nucleo");
        let action = if reason.is_some() {
            "neutralise"
        } else {
            "neutralise.lift"
        };
        let decide = self.store.neutralise(plan, subject, reason, &stamp);
        self.write(action, |_| format!("{plan}/{subject}"), decide)
            .await;
        let said = |r: &str| json!({ "reason": r });
        self.entry_says(old.map(|n| said(&n.reason)), reason.map(said));
        let expected = reason.map(|reason| Neutralisation {
            subject: subject.into(),
            reason: reason.into(),
            decided_at: stamp.at,
            decided_by: stamp.actor.clone(),
        });
        let now = self.monitoring_of(plan).await;
        assert_eq!(
            now.neutralisation(subject),
            expected.as_ref(),
            "{}",
            self.backend
        );
    }

    /// Records the date of `event`, or removes it (`None`).
    pub async fn event(&self, plan: &PlanId, event: &str, on: Option<NaiveDate>) {
        let of = |events: Vec<(String, NaiveDate)>| {
            events.into_iter().find(|(e, _)| e == event).map(|(_, d)| d)
        };
        let old = of(self.monitoring_of(plan).await.events);
        let stamp = self.stamp("ufficio");
        let record = self.store.record_event(plan, event, on, &stamp);
        self.write("event.date", |_| format!("{plan}/eventi"), record)
            .await;
        let said = |d: NaiveDate| json!({ "event": event, "day": d.to_string() });
        self.entry_says(old.map(said), on.map(said));
        assert_eq!(
            of(self.monitoring_of(plan).await.events),
            on,
            "{}",
            self.backend
        );
    }
}

#[tokio::test]
async fn monitoring_keeps_rounds_reports_evidence_actuals_neutralisations_and_events() {
    on_every_backend(async |run: &Run| {
        let (s, b) = (&run.store, run.backend);
        let id = run.demo_through(&TO_EXECUTION).await;
        let doc = sample();
        let at = At::new(&id, &doc, 0, 1);
        let capo = run
            .person("capo", &[at.doc.objectives[0].unit.as_str()])
            .await;

        run.scoring(&id, Some(r#"{"warn_days":10}"#)).await;
        run.scoring(&id, None).await;
        run.refuse(
            Refused::NotFound,
            s.set_scoring(&crate::plan_id(NOWHERE), None, &run.stamp("ufficio")),
        )
        .await;

        // One round open at a time; each reminder of it once.
        let round = run.open_round(&id, "Primo monitoraggio", day(6, 30)).await;
        for plan in [id.clone(), crate::plan_id(NOWHERE)] {
            let refusal = if plan == id {
                Refused::Conflict
            } else {
                Refused::NotFound
            };
            run.refuse(
                refusal,
                s.open_round(&plan, "Secondo", day(9, 30), &run.stamp("ufficio")),
            )
            .await;
        }
        run.reminder(&id, round, &capo, "before").await;
        assert!(
            !s.reminder_sent(round, capo.id, "after").await.unwrap(),
            "{b}"
        );
        run.refuse(
            Refused::Conflict,
            s.record_reminder(&id, round, capo.id, "capo", "before", &run.stamp("cli")),
        )
        .await;

        // A report in the round, and its evidence, read back only through its phase.
        run.edit(at, PlanState::InExecution, |f| {
            f.completed_on = Some(day(6, 20));
            f.status = Some(ReportStatus::Done);
            f.note = Some("Ricognizione conclusa".into());
        })
        .await;
        let untouched = &s.phase_records(&id).await.unwrap()[0][1];
        assert_eq!(untouched.reported_at, None, "{b}: only the phase reported");
        let content = b"%PDF-1.4\n\0\xff verbale".to_vec();
        let file = run.evidence(at, Some(round), &content).await;
        run.evidence(at, None, b"").await;
        let elsewhere = At { position: 2, ..at };
        run.refuse(Refused::NotFound, s.evidence(elsewhere.key(), file))
            .await;
        let missing = At { position: 99, ..at };
        let file = NewEvidence {
            file_name: "x.pdf",
            content_type: "application/pdf",
            content: &content,
        };
        run.refuse(
            Refused::NotFound,
            s.add_evidence(missing.key(), None, &file, &run.stamp("capo")),
        )
        .await;

        // Actuals: the last one kept, exactly.
        run.actual(at, "87.50", day(6, 30), Some(round)).await;
        run.actual(at, "91.125", day(7, 15), None).await;
        run.refuse(
            Refused::NotFound,
            s.report_actual(
                &id,
                "nessuna",
                "A",
                1,
                1.into(),
                day(6, 30),
                "x",
                None,
                &run.stamp("capo"),
            ),
        )
        .await;

        // Neutralisations: set, lifted, and a lift of nothing refused.
        let subject = format!("{}/2", at.objective_id());
        run.neutralise(&id, &subject, Some("Norma sopravvenuta"))
            .await;
        run.neutralise(&id, &subject, None).await;
        run.refuse(
            Refused::Conflict,
            s.neutralise(&id, &subject, None, &run.stamp("nucleo")),
        )
        .await;
        run.refuse(
            Refused::NotFound,
            s.neutralise(
                &crate::plan_id(NOWHERE),
                &subject,
                Some("x"),
                &run.stamp("nucleo"),
            ),
        )
        .await;

        // Events: recorded, moved, removed.
        for on in [Some(day(5, 3)), Some(day(5, 10)), None] {
            run.event(&id, "approvazione del bilancio", on).await;
        }
        run.refuse(
            Refused::NotFound,
            s.record_event(&crate::plan_id(NOWHERE), "x", None, &run.stamp("ufficio")),
        )
        .await;

        // A round closes once; then another opens.
        run.close_round(&id, round).await;
        run.refuse(
            Refused::Conflict,
            s.close_round(&id, round, &run.stamp("ufficio")),
        )
        .await;
        let next = run
            .open_round(&id, "Secondo monitoraggio", day(9, 30))
            .await;
        assert!(next > round, "{b}");
        let rounds = run.read("rounds", s.monitoring(&id)).await.rounds;
        assert_eq!(
            rounds.iter().map(|r| r.id).collect::<Vec<_>>(),
            [round, next],
            "{b}"
        );
    })
    .await;
}
