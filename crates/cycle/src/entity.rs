//! What an administration sets for itself, apart from its plans: the licence of its open data
//! (issue 16, point 4) and the emblem on its documents (point 2). Its planning office (the
//! role `admin` of that administration) sets them, or the operator on the command line;
//! anyone reads them, as they are public.

use domain::access::Role;

use crate::{Cycle, Outcome, Refusal};

/// The administration whose settings `person` may change: theirs, when they are its planning
/// office; `what` names the setting in the refusal («La licenza»).
fn own_administration<'a>(person: &'a store::Person, what: &str) -> Outcome<&'a str> {
    if !person.roles.contains(&Role::Admin) {
        return Err(Refusal::Denied(domain::Refusal::Role(&[Role::Admin])));
    }
    person.entity.as_deref().ok_or_else(|| {
        Refusal::Invalid(format!(
            "{what} è di un'amministrazione: questo account è dell'intera installazione."
        ))
    })
}

/// Who sets an administration's emblem: its planning office, signed in, or the operator on
/// the command line, for the administration named.
#[derive(Debug, Clone, Copy)]
pub enum Setter<'a> {
    Office(&'a store::Person),
    Operator(&'a str),
}

impl Cycle {
    /// The administration `setter` sets the emblem of: the office's own, or the one named
    /// (which must have plans here).
    async fn emblem_of<'a>(&self, setter: Setter<'a>) -> Outcome<&'a str> {
        match setter {
            Setter::Office(person) => own_administration(person, "Lo stemma"),
            Setter::Operator(slug) => match self.store.entity_name(slug).await? {
                Some(_) => Ok(slug),
                None => Err(Refusal::NotFound(format!("l'amministrazione «{slug}»"))),
            },
        }
    }

    /// The licence administration `slug` chose for its open data (an id of
    /// `report::opendata::LICENCES`), the default when it chose none.
    pub async fn licence(&self, slug: &str) -> Outcome<&'static str> {
        let chosen = self.store.entity_licence(slug).await?;
        Ok(report::opendata::licence(chosen.as_deref()).0)
    }

    /// The planning office of an administration chooses the licence of its open data.
    pub async fn set_licence(
        &self,
        person: &store::Person,
        licence: &str,
        stamp: &store::Stamp,
    ) -> Outcome<()> {
        let slug = own_administration(person, "La licenza")?;
        let Some((id, _, _)) = report::opendata::LICENCES
            .iter()
            .find(|(id, _, _)| *id == licence)
        else {
            return Err(Refusal::Invalid(
                "La licenza va scelta tra quelle proposte.".into(),
            ));
        };
        self.store.set_entity_licence(slug, id, stamp).await?;
        Ok(())
    }

    /// Administration `slug`'s emblem, if it uploaded one.
    pub async fn emblem(&self, slug: &str) -> Outcome<Option<report::emblem::Emblem>> {
        let kept = self.store.entity_emblem(slug).await?;
        Ok(kept.and_then(report::emblem::kept))
    }

    /// The planning office of an administration uploads its emblem: the file is read whole
    /// and kept as the PNG `report::emblem::read` writes of it (refused in words when it is
    /// not a usable picture). Decoding is work for a blocking thread.
    pub async fn set_emblem(
        &self,
        setter: Setter<'_>,
        file: Vec<u8>,
        stamp: &store::Stamp,
    ) -> Outcome<report::emblem::Emblem> {
        let slug = self.emblem_of(setter).await?;
        let emblem = tokio::task::spawn_blocking(move || report::emblem::read(&file))
            .await
            .map_err(|e| Refusal::Failed(format!("reading an emblem failed: {e}")))?
            .map_err(Refusal::Invalid)?;
        self.store
            .set_entity_emblem(slug, Some(&emblem.png), stamp)
            .await?;
        Ok(emblem)
    }

    /// The planning office of an administration removes its emblem (its documents go without).
    pub async fn remove_emblem(&self, setter: Setter<'_>, stamp: &store::Stamp) -> Outcome<()> {
        let slug = self.emblem_of(setter).await?;
        if self.store.entity_emblem(slug).await?.is_none() {
            return Err(Refusal::OutOfTurn(
                "L'amministrazione non ha uno stemma da togliere.".into(),
            ));
        }
        self.store.set_entity_emblem(slug, None, stamp).await?;
        Ok(())
    }

    /// The name administration `slug` goes by, if it has plans here.
    pub async fn entity_name(&self, slug: &str) -> Outcome<Option<String>> {
        Ok(self.store.entity_name(slug).await?)
    }
}
