//! A phase's own record: what it plans (while drafting) and what it achieved (while running),
//! each save naming the version it started from; and the evidence files of its reports.

use std::sync::Arc;

use domain::Position;
use domain::access::{Action, decide};
use domain::facts::EvidenceInfo;
use domain::facts::PhaseFields;
use domain::limits::{self, Field};
use domain::phase_edit::{self, Mode, Wish};
use domain::{Actor, PlanId, messages};
use store::{EditConflict, Edited, NewEvidence, Person, PhaseKey, Stamp};

use crate::{Cycle, Outcome, Refusal, View};

/// The largest evidence file accepted.
pub const EVIDENCE_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted as evidence: extension and MIME type.
const KINDS: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
];

/// Where a phase is, as an address names it: the objective's unit and label, and the phase's
/// position on the card.
#[derive(Debug, Clone, Copy)]
pub struct PhaseAt<'a> {
    pub unit: &'a str,
    pub label: &'a str,
    pub number: Position,
}

/// A phase found in a plan: the objective's and the phase's positions (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pub objective: usize,
    pub phase: usize,
}

/// The outcome of a save: saved at a version, or refused because another save came first
/// (with what the phase holds now).
#[derive(Debug, Clone)]
pub enum PhaseEdit {
    Saved {
        version: i64,
        fields: PhaseFields,
    },
    Conflict {
        conflict: EditConflict,
        /// What this person asked for, to show beside what the phase holds now.
        wished: PhaseFields,
    },
}

impl View {
    /// The objective `unit`/`label`, by position.
    pub fn find_objective(&self, unit: &str, label: &str) -> Outcome<usize> {
        self.objective_index(unit, label).ok_or_else(|| {
            Refusal::NotFound(format!(
                "un obiettivo «{label}» dell'unità «{unit}» in questo piano"
            ))
        })
    }

    /// The phase an address names.
    pub fn find_phase(&self, at: PhaseAt<'_>) -> Outcome<Located> {
        let objective = self.find_objective(at.unit, at.label)?;
        let count = self.plan.objectives[objective].phases.len();
        let phase = at.number.within(count).ok_or_else(|| {
            Refusal::NotFound(format!(
                "una fase numero «{}» in questo obiettivo",
                at.number
            ))
        })?;
        Ok(Located { objective, phase })
    }

    /// Whether `actor` may edit phase `phase` of objective `objective` now, and how.
    pub fn may_edit_phase(
        &self,
        objective: usize,
        phase: usize,
        actor: Option<&Actor>,
    ) -> Result<Mode, domain::Refusal> {
        let state = self.summary.state;
        if self.day.is_some() {
            return Err(domain::Refusal::PastDay);
        }
        let mode = Mode::of(state).ok_or(domain::Refusal::State(state))?;
        let Some(o) = self.plan.objectives.get(objective) else {
            return Err(domain::Refusal::State(state));
        };
        let day = self
            .planned(objective)
            .get(phase)
            .and_then(|p| p.due.or(p.start));
        let involved = o
            .phases
            .get(phase)
            .map(|p| self.phase_units(p))
            .unwrap_or_default();
        let action = match mode {
            Mode::Plan => Action::EditCard { unit: &o.unit, day },
            Mode::Progress => Action::ReportPhase {
                unit: &o.unit,
                involved: &involved,
                day,
            },
        };
        decide(actor, action, state).map(|()| mode)
    }

    /// The store's key of a located phase.
    pub fn phase_key(&self, at: Located) -> PhaseKey<'_> {
        let o = &self.plan.objectives[at.objective];
        PhaseKey {
            plan: self.id(),
            unit: o.unit.as_str(),
            objective: o.label.as_str(),
            position: at.phase + 1,
        }
    }
}

/// A phase as its form shows it.
#[derive(Debug, Clone)]
pub struct PhaseForm {
    pub view: Arc<View>,
    pub actor: Option<Actor>,
    pub at: Located,
    pub mode: Mode,
    pub version: i64,
    pub fields: PhaseFields,
}

impl Cycle {
    /// A phase as `person` may edit it now: its version and fields, or why not.
    pub async fn phase_for_edit(
        &self,
        plan: &PlanId,
        person: Option<&Person>,
        at: PhaseAt<'_>,
    ) -> Outcome<PhaseForm> {
        let (view, actor) = self.view(plan, person, true).await?;
        if person.is_some() && actor.is_none() {
            return Err(Refusal::Denied(domain::Refusal::OtherAdministration));
        }
        let located = view.find_phase(at)?;
        let mode = view.may_edit_phase(located.objective, located.phase, actor.as_ref())?;
        let (version, fields) = self.store.phase_fields(view.phase_key(located)).await?;
        Ok(PhaseForm {
            view,
            actor,
            at: located,
            mode,
            version,
            fields,
        })
    }

    /// Saves a phase's plan (drafting) or report (running) as `person`, from version
    /// `version`: a conflict, not an overwrite, when another save came first.
    pub async fn edit_phase(
        &self,
        plan: &PlanId,
        person: &Person,
        at: PhaseAt<'_>,
        version: Option<i64>,
        wish: Wish<'_>,
        stamp: &Stamp,
    ) -> Outcome<(PhaseForm, PhaseEdit)> {
        let mut form = self.phase_for_edit(plan, Some(person), at).await?;
        // Who may edit comes first; then whether the request says what it edits.
        let version = version.ok_or_else(|| {
            Refusal::Malformed("Il modulo non indica la versione della fase.".into())
        })?;
        let v = form.view.clone();
        let key = v.phase_key(form.at);
        let wished =
            phase_edit::wished(&form.fields, v.summary.state, v.plan.year, form.mode, wish)
                .map_err(|e| Refusal::Invalid(messages::phase_edit_error(&e)))?;
        let outcome = match self
            .store
            .edit_phase(key, version, v.summary.state, &wished, stamp)
            .await?
        {
            Edited::Saved { version } => {
                self.changed(v.id()).await;
                form.version = version;
                form.fields = wished.clone();
                PhaseEdit::Saved {
                    version,
                    fields: wished,
                }
            }
            Edited::Conflict(c) => PhaseEdit::Conflict {
                conflict: *c,
                wished,
            },
        };
        Ok((form, outcome))
    }

    /// Whether `person` may attach evidence to a phase now: the checks made before a file is
    /// received (who asks, the plan's state, the phase's unit).
    pub async fn may_attach(
        &self,
        plan: &PlanId,
        person: &Person,
        at: PhaseAt<'_>,
    ) -> Outcome<(Arc<View>, Located)> {
        let (view, actor) = self.for_write(plan, person).await?;
        let actor = Some(actor);
        let located = view.find_phase(at)?;
        match view.may_edit_phase(located.objective, located.phase, actor.as_ref())? {
            Mode::Progress => Ok((view, located)),
            Mode::Plan => Err(Refusal::OutOfTurn(
                "Il piano è in bozza: i documenti si allegano al monitoraggio.".into(),
            )),
        }
    }

    /// Attaches an evidence file to a phase's report, in the open round if one is: its name
    /// cleaned, its type checked by its content. Returns the file's id.
    pub async fn attach_evidence(
        &self,
        plan: &PlanId,
        person: &Person,
        at: PhaseAt<'_>,
        file_name: &str,
        content: &[u8],
        stamp: &Stamp,
    ) -> Outcome<i64> {
        let (view, located) = self.may_attach(plan, person, at).await?;
        if file_name.is_empty() && content.is_empty() {
            return Err(Refusal::Invalid(
                "Scegliere il documento da allegare.".into(),
            ));
        }
        let name = evidence_name(file_name)
            .ok_or_else(|| Refusal::Invalid("Il documento non ha un nome valido.".into()))?;
        let mime = evidence_type(&name, content).map_err(Refusal::Invalid)?;
        let round = view.monitoring.open_round().map(|r| r.id);
        let id = self
            .store
            .add_evidence(
                view.phase_key(located),
                round,
                &NewEvidence {
                    file_name: &name,
                    content_type: mime,
                    content,
                },
                stamp,
            )
            .await?;
        self.changed(view.id()).await;
        Ok(id)
    }
}

impl Cycle {
    /// An evidence file of a phase (its id as typed), for whoever may read the plan's
    /// results.
    pub async fn evidence(
        &self,
        plan: &PlanId,
        person: Option<&Person>,
        at: PhaseAt<'_>,
        file: &str,
    ) -> Outcome<(EvidenceInfo, Vec<u8>)> {
        let (view, actor) = self.view(plan, person, false).await?;
        let located = view.find_phase(at)?;
        decide(actor.as_ref(), Action::ReadProgress, view.summary.state)?;
        let missing = || Refusal::NotFound("questo documento".into());
        // `12-verbale.pdf` or `12`: the id comes first; the name after it is for people.
        let id = file.split_once('-').map_or(file, |(id, _)| id);
        let file: i64 = id.parse().map_err(|_| missing())?;
        self.store
            .evidence(view.phase_key(located), file)
            .await
            .map_err(|e| match e {
                store::StoreError::NotFound(_) => missing(),
                other => other.into(),
            })
    }
}

/// The name a file is kept under: its last path component, cleaned as every text is (no
/// control or direction-override characters) and within the file name's limit.
pub fn evidence_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?;
    let base: String = base.chars().take(Field::FileName.max_chars()).collect();
    let clean = limits::clean(Field::FileName, &base.replace(['\r', '\n'], " ")).ok()?;
    (!clean.is_empty() && clean != "." && clean != "..").then_some(clean)
}

/// The MIME type of an accepted evidence file, or why it is refused (in Italian).
pub fn evidence_type(name: &str, content: &[u8]) -> Result<&'static str, String> {
    if content.is_empty() {
        return Err("Il file è vuoto.".into());
    }
    if content.len() > EVIDENCE_MAX_BYTES {
        return Err("Il file supera i 10 MB.".into());
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let accepted = "PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT o CSV";
    let (_, mime) = KINDS
        .iter()
        .find(|(e, _)| *e == ext)
        .ok_or_else(|| format!("Tipo di file non accettato: si allegano file {accepted}."))?;
    let detected = infer::get(content).map(|k| k.mime_type());
    let fits = if mime.starts_with("text/") {
        detected.is_none() && std::str::from_utf8(content).is_ok() && !content.contains(&0)
    } else {
        detected == Some(*mime)
    };
    if fits {
        Ok(mime)
    } else {
        Err(format!(
            "Il contenuto del file non corrisponde al suo nome (.{ext}): si allegano file {accepted}."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_must_match_the_name() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
        assert_eq!(evidence_type("verbale.pdf", pdf), Ok("application/pdf"));
        assert_eq!(evidence_type("VERBALE.PDF", pdf), Ok("application/pdf"));
        assert!(
            evidence_type("verbale.png", pdf).is_err(),
            "a PDF named .png"
        );
        assert!(evidence_type("nota.txt", pdf).is_err(), "a PDF named .txt");
        assert_eq!(
            evidence_type("nota.txt", "Fase conclusa il 30/06.".as_bytes()),
            Ok("text/plain")
        );
        assert!(evidence_type("nota.txt", b"\x00\x01binary").is_err());
        assert!(evidence_type("programma.exe", b"MZ\x90\x00").is_err());
        assert!(evidence_type("vuoto.pdf", b"").is_err());
        assert!(evidence_type("senza-estensione", b"testo").is_err());
        let big = vec![b'a'; EVIDENCE_MAX_BYTES + 1];
        assert!(evidence_type("grande.txt", &big).is_err());
    }

    #[test]
    fn names_keep_their_last_component() {
        assert_eq!(
            evidence_name("C:\\atti\\verbale.pdf").as_deref(),
            Some("verbale.pdf")
        );
        assert_eq!(evidence_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(evidence_name("a\u{0}b.txt").as_deref(), Some("ab.txt"));
        assert_eq!(
            evidence_name("fattura\u{202E}fdp.exe").as_deref(),
            Some("fatturafdp.exe"),
            "no right-to-left override"
        );
        assert_eq!(evidence_name(".."), None);
        assert_eq!(evidence_name(""), None);
    }
}
