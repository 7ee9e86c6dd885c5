//! The evaluation year's contract: what `write_evaluation` writes reads back whole (the year,
//! people by matricola, schede), each write appends its one entry and moves the plan's
//! revision, and a write from a revision or version that moved on is a conflict that writes
//! nothing.

use domain::PlanId;
use domain::evaluation::read_smvp;
use domain::evaluation::sheet::{Sheet, Stage};
use domain::evaluation::staff::{Gender, Member};
use domain::evaluation::year::{Procedure, Year, starting_smvp};
use rust_decimal::Decimal;
use serde_json::json;
use store::EvaluationWrite;

use super::{Refused, Run, day};

fn member(matricola: &str, unit: &str) -> Member {
    Member {
        matricola: matricola.into(),
        name: format!("Persona {matricola}"),
        gender: Gender::F,
        cluster: "istruttore".into(),
        unit: domain::UnitId::parse(unit).unwrap(),
        from: None,
        until: None,
        part_time: Decimal::from(50),
        days_employed: Some(300),
        absences: vec![],
        username: None,
        responsabile_pagamenti: false,
        payment_times_met: None,
    }
}

impl Run {
    /// One write of the year, which must append `action`'s entry.
    async fn year_write(&self, plan: &PlanId, action: &str, write: EvaluationWrite<'_>) {
        let stamp = self.stamp("ufficio");
        let subject = format!("{plan}/valutazione/{}", write.audit.1);
        let done = self.store.write_evaluation(plan, write, &stamp);
        self.write(action, |_| subject.clone(), done).await;
    }

    /// A write from what moved on: a conflict, nothing written.
    async fn conflict(&self, plan: &PlanId, write: EvaluationWrite<'_>) {
        let stamp = self.stamp("ufficio");
        let done = self.store.write_evaluation(plan, write, &stamp);
        self.refuse(Refused::Conflict, done).await;
    }

    /// The year adopted and opened, a person entered and their scheda stepped, a budget set,
    /// payment times certified, the pool shared: every kind of entry the year writes.
    pub async fn evaluation(&self, plan: &PlanId, unit: &str) {
        let b = self.backend;
        let empty = self.store.evaluation(plan).await.unwrap();
        assert_eq!(
            (empty.revision, empty.staff.len(), empty.sheets.len()),
            (0, 0, 0),
            "{b}"
        );
        let adopted = Year::default()
            .adopt(
                starting_smvp(),
                Procedure::default(),
                "Delibera n. 1",
                day(1, 5),
                day(1, 9),
            )
            .unwrap();
        let audit = |a: domain::audit::AuditAction, s: &str| (a, s.to_owned(), json!({ "n": 1 }));
        use domain::audit::AuditAction as A;
        self.year_write(
            plan,
            "evaluation.smvp",
            EvaluationWrite {
                year: Some((&adopted, 0)),
                staff: &[],
                sheets: &[],
                audit: audit(A::EvaluationSmvp, "smvp"),
            },
        )
        .await;
        let people = [member("A1", unit), member("B2", unit)];
        self.year_write(
            plan,
            "evaluation.staff",
            EvaluationWrite {
                year: None,
                staff: &people,
                sheets: &[],
                audit: audit(A::EvaluationStaff, "personale"),
            },
        )
        .await;
        let opened = adopted.open(day(1, 10)).unwrap();
        let smvp = read_smvp(&starting_smvp()).unwrap();
        let sheet = Sheet::assign(
            &people[0],
            "Capo",
            (&smvp, 1),
            vec![],
            day(1, 10),
            "ufficio",
        )
        .unwrap();
        self.year_write(
            plan,
            "evaluation.open",
            EvaluationWrite {
                year: Some((&opened, 1)),
                staff: &[],
                sheets: &[(sheet.clone(), None)],
                audit: audit(A::EvaluationOpen, "anno"),
            },
        )
        .await;
        let read = self.store.evaluation(plan).await.unwrap();
        assert_eq!(read.year, opened, "{b}");
        assert_eq!(read.revision, 2, "{b}");
        assert_eq!(read.staff, people.to_vec(), "{b}");
        assert_eq!(read.sheets, vec![(sheet.clone(), 1)], "{b}");
        // A step from the version seen; from one that moved on: a conflict, nothing written.
        let notified = Sheet {
            stage: Stage::Notificata,
            notified_on: Some(day(2, 1)),
            ..sheet.clone()
        };
        self.year_write(
            plan,
            "scheda.step",
            EvaluationWrite {
                year: None,
                staff: &[],
                sheets: &[(notified.clone(), Some(1))],
                audit: audit(A::SchedaStep, "schede/A1"),
            },
        )
        .await;
        let old = [(sheet.clone(), Some(1))];
        self.conflict(
            plan,
            EvaluationWrite {
                year: None,
                staff: &[],
                sheets: &old,
                audit: audit(A::SchedaStep, "schede/A1"),
            },
        )
        .await;
        self.conflict(
            plan,
            EvaluationWrite {
                year: Some((&opened, 1)),
                staff: &[],
                sheets: &[],
                audit: audit(A::PoolBudget, "fondi"),
            },
        )
        .await;
        // Twice the same new scheda: a conflict too.
        let again = [(sheet.clone(), None)];
        self.conflict(
            plan,
            EvaluationWrite {
                year: None,
                staff: &[],
                sheets: &again,
                audit: audit(A::SchedaStep, "schede/A1"),
            },
        )
        .await;
        let budget = domain::evaluation::year::Budget {
            kind: "comparto_individual".into(),
            cents: 3_000_000,
            act: "Determina n. 2".into(),
            rules: json!({ "formula": "proportional" }),
            fund_variable_cents: Some(10_000_000),
            eq_posizione_cents: None,
        };
        let with_budget = opened.set_budget(budget).unwrap();
        self.year_write(
            plan,
            "pool.budget",
            EvaluationWrite {
                year: Some((&with_budget, 2)),
                staff: &[],
                sheets: &[],
                audit: audit(A::PoolBudget, "fondi"),
            },
        )
        .await;
        let certified = Member {
            payment_times_met: Some(true),
            ..people[1].clone()
        };
        self.year_write(
            plan,
            "pool.payment_times",
            EvaluationWrite {
                year: None,
                staff: std::slice::from_ref(&certified),
                sheets: &[],
                audit: audit(A::PoolPaymentTimes, "pagamenti/B2"),
            },
        )
        .await;
        let shared = Year {
            shared: Some(domain::evaluation::year::Shared {
                on: day(3, 1),
                budgets: vec![],
            }),
            ..with_budget
        };
        self.year_write(
            plan,
            "pool.share",
            EvaluationWrite {
                year: Some((&shared, 3)),
                staff: &[],
                sheets: &[],
                audit: audit(A::PoolShare, "fondi"),
            },
        )
        .await;
        let read = self.store.evaluation(plan).await.unwrap();
        assert_eq!((read.year, read.revision), (shared, 4), "{b}");
        assert_eq!(read.staff[1], certified, "{b}");
        assert_eq!(read.sheets, vec![(notified, 2)], "{b}");
    }

    /// The Relazione written, approved, validated and published, each from the revision seen:
    /// it reads back whole, a stale write is a conflict.
    pub async fn relazione(&self, plan: &PlanId) {
        use domain::audit::AuditAction as A;
        use domain::relazione::{Answer, CRITERIA, Cause, Criterion, Relazione};
        let b = self.backend;
        let (empty, seen) = self.store.relazione(plan).await.unwrap();
        assert_eq!((&empty, seen), (&Relazione::default(), 0), "{b}");
        let steps: Vec<(&str, A, Relazione)> = {
            let explained = empty
                .explain("a/A", "Fornitore in ritardo.", Cause::Exogenous)
                .unwrap();
            let approved = explained
                .approve(&[], "Delibera G.C. n. 80", day(6, 1))
                .unwrap();
            let all_yes = CRITERIA
                .iter()
                .map(|(k, _)| Criterion {
                    key: (*k).into(),
                    answer: Answer::Si,
                    note: String::new(),
                })
                .collect();
            let validated = approved
                .validate(all_yes, true, "", "Verbale 1", day(6, 2))
                .unwrap();
            let published = validated.publish(day(6, 3)).unwrap();
            vec![
                ("relazione.edit", A::RelazioneEdit, explained),
                ("relazione.approve", A::RelazioneApprove, approved),
                ("relazione.validate", A::RelazioneValidate, validated),
                ("relazione.publish", A::RelazionePublish, published),
            ]
        };
        for (i, (action, kind, next)) in steps.iter().enumerate() {
            let stamp = self.stamp("ufficio");
            let done = self
                .store
                .write_relazione(plan, next, i as i64, (*kind, json!({})), &stamp);
            self.write(action, |_| format!("{plan}/relazione"), done)
                .await;
        }
        let (read, revision) = self.store.relazione(plan).await.unwrap();
        assert_eq!((&read, revision), (&steps[3].2, 4), "{b}");
        let stamp = self.stamp("ufficio");
        let stale =
            self.store
                .write_relazione(plan, &empty, 2, (A::RelazioneEdit, json!({})), &stamp);
        self.refuse(Refused::Conflict, stale).await;
    }
}
