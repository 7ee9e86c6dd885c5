//! What kind of change an audit entry records: one enum whose variants carry their code (what
//! the log stores, stable for machines) and, through `messages::audit_action`, their Italian
//! label, so that no history shows a raw code.

use crate::workflow::ActKind;

/// A kind of recorded change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    PlanImport,
    PlanReplace,
    /// A new plan made from an earlier year's (`rollover`).
    PlanRollover,
    /// An edit of a draft in the browser (`drafting`).
    PlanEdit,
    /// A new plan made in the browser from nothing (the planning office's «Nuovo piano»).
    PlanCreate,
    /// An act of the plan's lifecycle.
    PlanAct(ActKind),
    PlanScoring,
    PhaseEdit,
    PhaseEvidence,
    RoundOpen,
    RoundClose,
    RoundReminder,
    IndicatorActual,
    Neutralise,
    NeutraliseLift,
    EventDate,
    ChangeRequest,
    ChangeOpinion,
    ChangeApprove,
    ChangeReject,
    PersonAdd,
    PersonDisable,
    PersonEnable,
    PersonResetPassword,
    PersonEmail,
    PersonCalendar,
    PersonCalendarRevoke,
    SessionOpen,
    SessionClose,
    TokenAdd,
    TokenRevoke,
    AuditHeadMissing,
    /// The SMVP adopted for the evaluation year.
    EvaluationSmvp,
    /// The evaluation year opened (schede assigned).
    EvaluationOpen,
    /// The staff evaluated, entered or imported.
    EvaluationStaff,
    /// A step of a scheda (its contents are not logged: personal data).
    SchedaStep,
    /// A budget of the result bonus set.
    PoolBudget,
    /// The revisore's certification of payment times.
    PoolPaymentTimes,
    /// The pool shared.
    PoolShare,
    /// The Relazione written: its introduction, tolerance or a shortfall's reason.
    RelazioneEdit,
    /// The Relazione approved by the Giunta.
    RelazioneApprove,
    /// The Nucleo's validation of the Relazione (validated or not).
    RelazioneValidate,
    /// The Relazione published.
    RelazionePublish,
    /// The licence an administration chose for its open data.
    EntityLicence,
    /// An administration's emblem uploaded or removed.
    EntityEmblem,
}

/// The kinds with a fixed code, and theirs (the lifecycle's acts are `plan.act.{kind}`).
const CODES: &[(AuditAction, &str)] = &[
    (AuditAction::PlanImport, "plan.import"),
    (AuditAction::PlanReplace, "plan.replace"),
    (AuditAction::PlanRollover, "plan.rollover"),
    (AuditAction::PlanEdit, "plan.edit"),
    (AuditAction::PlanCreate, "plan.create"),
    (AuditAction::PlanScoring, "plan.scoring"),
    (AuditAction::PhaseEdit, "phase.edit"),
    (AuditAction::PhaseEvidence, "phase.evidence"),
    (AuditAction::RoundOpen, "round.open"),
    (AuditAction::RoundClose, "round.close"),
    (AuditAction::RoundReminder, "round.reminder"),
    (AuditAction::IndicatorActual, "indicator.actual"),
    (AuditAction::Neutralise, "neutralise"),
    (AuditAction::NeutraliseLift, "neutralise.lift"),
    (AuditAction::EventDate, "event.date"),
    (AuditAction::ChangeRequest, "change.request"),
    (AuditAction::ChangeOpinion, "change.opinion"),
    (AuditAction::ChangeApprove, "change.approve"),
    (AuditAction::ChangeReject, "change.reject"),
    (AuditAction::PersonAdd, "person.add"),
    (AuditAction::PersonDisable, "person.disable"),
    (AuditAction::PersonEnable, "person.enable"),
    (AuditAction::PersonResetPassword, "person.reset_password"),
    (AuditAction::PersonEmail, "person.email"),
    (AuditAction::PersonCalendar, "person.calendar"),
    (AuditAction::PersonCalendarRevoke, "person.calendar.revoke"),
    (AuditAction::SessionOpen, "session.open"),
    (AuditAction::SessionClose, "session.close"),
    (AuditAction::TokenAdd, "token.add"),
    (AuditAction::TokenRevoke, "token.revoke"),
    (AuditAction::AuditHeadMissing, "audit.head_missing"),
    (AuditAction::EvaluationSmvp, "evaluation.smvp"),
    (AuditAction::EvaluationOpen, "evaluation.open"),
    (AuditAction::EvaluationStaff, "evaluation.staff"),
    (AuditAction::SchedaStep, "scheda.step"),
    (AuditAction::PoolBudget, "pool.budget"),
    (AuditAction::PoolPaymentTimes, "pool.payment_times"),
    (AuditAction::PoolShare, "pool.share"),
    (AuditAction::RelazioneEdit, "relazione.edit"),
    (AuditAction::RelazioneApprove, "relazione.approve"),
    (AuditAction::RelazioneValidate, "relazione.validate"),
    (AuditAction::RelazionePublish, "relazione.publish"),
    (AuditAction::EntityLicence, "entity.licence"),
    (AuditAction::EntityEmblem, "entity.emblem"),
];

impl AuditAction {
    /// Every kind, the lifecycle's acts one by one.
    pub fn all() -> Vec<AuditAction> {
        let mut all: Vec<AuditAction> = CODES.iter().map(|(a, _)| *a).collect();
        all.extend(ActKind::ALL.iter().copied().map(AuditAction::PlanAct));
        all
    }

    /// The code the log stores (`plan.act.approve`, `phase.edit`).
    pub fn code(self) -> String {
        match self {
            AuditAction::PlanAct(kind) => format!("plan.act.{}", kind.as_str()),
            other => CODES
                .iter()
                .find(|(a, _)| *a == other)
                .map_or_else(String::new, |(_, c)| (*c).to_string()),
        }
    }

    /// The kind a stored code names; `None` for a code this version does not know.
    pub fn parse(code: &str) -> Option<AuditAction> {
        if let Some(kind) = code.strip_prefix("plan.act.") {
            return ActKind::parse(kind).map(AuditAction::PlanAct);
        }
        CODES.iter().find(|(_, c)| *c == code).map(|(a, _)| *a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_code_that_reads_back_and_an_italian_label() {
        let all = AuditAction::all();
        let mut codes: Vec<String> = all.iter().map(|a| a.code()).collect();
        for (a, code) in all.iter().zip(&codes) {
            assert!(!code.is_empty(), "{a:?} has no code");
            assert_eq!(AuditAction::parse(code), Some(*a), "{code}");
            let label = crate::messages::audit_action(code);
            assert_ne!(&label, code, "{a:?} shows its raw code");
            assert!(!label.contains('.') || label.contains(' '), "{label}");
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "two kinds share a code");
        assert_eq!(AuditAction::parse("plan.act.unknown"), None);
    }
}
