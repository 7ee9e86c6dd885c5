//! The frame of every page: skip link, header with the plan's menu, breadcrumbs, main, footer.

use std::sync::{Arc, LazyLock};

use maud::{DOCTYPE, Markup, PreEscaped, Render, html};
use memchr::memmem;

use domain::{Objective, PlanId, Role};

use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::paths;

/// Which entry of the plan's menu a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Tree,
    Matrix,
    Piao,
    Search,
    Diagnostics,
    Scores,
    Rounds,
    Evaluation,
    Relazione,
    Other,
}

impl Section {
    /// The plan's menu, in order.
    const MENU: [Section; 9] = [
        Section::Tree,
        Section::Matrix,
        Section::Piao,
        Section::Search,
        Section::Diagnostics,
        Section::Scores,
        Section::Rounds,
        Section::Evaluation,
        Section::Relazione,
    ];

    /// The menu's name for this section, which is also its page's title.
    fn name(self) -> &'static str {
        match self {
            Section::Tree => "Il piano",
            Section::Matrix => "Matrice delle unità",
            Section::Piao => "PIAO",
            Section::Search => "Cerca",
            Section::Diagnostics => "Diagnostica d'importazione",
            Section::Scores => "Punteggi",
            Section::Rounds => "Monitoraggi",
            Section::Evaluation => "Valutazione",
            Section::Relazione => "Relazione",
            Section::Other => "",
        }
    }

    /// The section's page in plan `plan`.
    fn path(self, plan: &PlanId) -> String {
        match self {
            Section::Tree | Section::Other => paths::plan(plan),
            Section::Matrix => paths::matrix(plan),
            Section::Piao => paths::piao(plan),
            Section::Search => paths::search(plan),
            Section::Diagnostics => paths::diagnostics(plan),
            Section::Scores => paths::scores(plan),
            Section::Rounds => paths::rounds(plan),
            Section::Evaluation => paths::evaluation(plan),
            Section::Relazione => paths::Relazione { plan: plan.clone() }.to_string(),
        }
    }

    /// Whether `who` finds this section in plan `view`'s menu: scores once published or
    /// to people signed in, rounds to people signed in.
    fn shown(self, who: &Viewer, view: &PlanView) -> bool {
        match self {
            Section::Scores => {
                who.person().is_some() || view.summary.state == domain::PlanState::Published
            }
            Section::Rounds => who.person().is_some(),
            // Of the administration's own people, on a plan past its draft.
            Section::Evaluation => {
                who.person()
                    .is_some_and(|p| p.entity.as_deref().is_none_or(|e| e == view.entity))
                    && view.summary.state >= domain::PlanState::Approved
            }
            // To those who read it before it is published, once the plan runs.
            Section::Relazione => {
                who.person().is_some_and(|p| {
                    p.entity.as_deref().is_none_or(|e| e == view.entity)
                        && [Role::Admin, Role::Evaluator, Role::Board, Role::Auditor]
                            .iter()
                            .any(|r| p.roles.contains(r))
                }) && view.summary.state >= domain::PlanState::InExecution
            }
            Section::Piao => view.plan.piao.is_some(),
            _ => true,
        }
    }
}

/// A page: its title, where it sits (breadcrumbs: label and address, the last one is the
/// page itself), the plan it belongs to if any, and its content.
pub struct Page<'a> {
    /// Who is reading: the header offers sign-in or names them.
    pub who: &'a Viewer,
    pub title: &'a str,
    pub crumbs: Vec<(String, String)>,
    pub plan: Option<(&'a PlanView, Section)>,
    pub body: Content<'a>,
}

/// A page's content as the parts it is made of, each copied once, into the page: a page of a
/// large plan is tens of kilobytes, most of it kept by the plan's view.
#[derive(Debug, Default)]
pub struct Content<'a>(Vec<Part<'a>>);

#[derive(Debug)]
enum Part<'a> {
    /// Rendered for this page.
    Made(Markup),
    /// Kept by the plan's view.
    Kept(Arc<str>),
    Borrowed(&'a str),
    /// Kept by the plan's view for every reader alike, each form's token a [`TOKEN_SLOT`]
    /// that takes the reader's.
    Signed(Arc<str>),
}

/// What a form's token is while a part is rendered for every reader alike.
pub const TOKEN_SLOT: &str = "-";
/// Only a template writes it: in what people typed, a quote is escaped.
const SLOT: &str = concat!("name=\"csrf\" value=\"", "-", "\"");
/// Where the token's value starts in a slot: after `name="csrf" value="`.
const SLOT_VALUE: usize = SLOT.len() - TOKEN_SLOT.len() - 1;
static SLOTS: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(SLOT));

impl<'a> Content<'a> {
    pub fn made(mut self, part: Markup) -> Self {
        self.0.push(Part::Made(part));
        self
    }

    pub fn kept(mut self, part: Arc<str>) -> Self {
        self.0.push(Part::Kept(part));
        self
    }

    pub fn borrowed(mut self, part: &'a str) -> Self {
        self.0.push(Part::Borrowed(part));
        self
    }

    /// `more` after what is here.
    pub fn and(mut self, more: Content<'a>) -> Self {
        self.0.extend(more.0);
        self
    }

    /// A part kept for every reader alike, whose forms take the reader's token.
    pub fn signed(mut self, part: Arc<str>) -> Self {
        self.0.push(Part::Signed(part));
        self
    }

    /// The content written into `page`, each form of a signed part with `token`.
    fn write_into(&self, page: &mut String, token: &str) {
        for part in &self.0 {
            match part {
                Part::Made(m) => page.push_str(&m.0),
                Part::Kept(s) => page.push_str(s),
                Part::Borrowed(s) => page.push_str(s),
                Part::Signed(s) => {
                    let mut from = 0;
                    for at in SLOTS.find_iter(s.as_bytes()) {
                        // Up to the value's opening quote, then the reader's token.
                        page.push_str(&s[from..at + SLOT_VALUE]);
                        page.push_str(token);
                        page.push('"');
                        from = at + SLOT.len();
                    }
                    page.push_str(&s[from..]);
                }
            }
        }
    }

    /// Its length once written with a token of `token_len` bytes.
    fn len(&self, token_len: usize) -> usize {
        self.0
            .iter()
            .map(|part| match part {
                Part::Made(m) => m.0.len(),
                Part::Kept(s) => s.len(),
                Part::Borrowed(s) => s.len(),
                Part::Signed(s) => {
                    let slots = SLOTS.find_iter(s.as_bytes()).count();
                    s.len() - slots * TOKEN_SLOT.len() + slots * token_len
                }
            })
            .sum()
    }
}

impl From<Markup> for Content<'_> {
    fn from(markup: Markup) -> Self {
        Content::default().made(markup)
    }
}

impl<'a> Page<'a> {
    /// The page of a section of plan `v`'s menu, titled by it, below the plan.
    pub fn section(
        who: &'a Viewer,
        v: &'a PlanView,
        section: Section,
        body: impl Into<Content<'a>>,
    ) -> Self {
        Page::in_plan(
            who,
            v,
            section.name(),
            vec![(section.name().into(), section.path(v.id()))],
            body,
        )
        .at(section)
    }

    /// A page of plan `v` titled `title`: the breadcrumbs go from the plan down through
    /// `trail`, whose last entry is this page.
    pub fn in_plan(
        who: &'a Viewer,
        v: &'a PlanView,
        title: &'a str,
        trail: Vec<(String, String)>,
        body: impl Into<Content<'a>>,
    ) -> Self {
        let mut crumbs = vec![(v.plan.title.clone(), paths::plan(v.id()))];
        crumbs.extend(trail);
        Page {
            who,
            title,
            crumbs,
            plan: Some((v, Section::Other)),
            body: body.into(),
        }
    }

    /// A page of objective `o` of plan `v`, or of one of its parts (`part`, its last
    /// breadcrumb): the breadcrumbs go through the objective's unit and the objective.
    pub fn in_objective(
        who: &'a Viewer,
        v: &'a PlanView,
        o: &Objective,
        title: &'a str,
        part: Option<(String, String)>,
        body: impl Into<Content<'a>>,
    ) -> Self {
        let unit = v
            .plan
            .unit(&o.unit)
            .map_or(o.unit.as_str(), |u| u.name.as_str());
        let mut trail = vec![
            (unit.to_owned(), paths::unit(v.id(), &o.unit)),
            (
                format!("Obiettivo {}", o.label),
                paths::objective(v.id(), o),
            ),
        ];
        trail.extend(part);
        Page::in_plan(who, v, title, trail, body)
    }

    /// This page as the one of menu entry `section`.
    pub fn at(mut self, section: Section) -> Self {
        if let Some((_, current)) = &mut self.plan {
            *current = section;
        }
        self
    }
}

pub fn render(page: Page<'_>) -> Markup {
    // The frame is rendered around a mark where the content goes, then each part of the
    // content is copied there once. Only a template writes a comment: in anything people
    // typed, `<` is escaped.
    const CONTENT: &str = "<!--contenuto-->";
    let frame = html! {
        (DOCTYPE)
        html lang="it" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (page.title) " · Pegaso" }
                link rel="stylesheet" href="/static/pegaso.css";
            }
            body {
                a class="salta" href="#contenuto" { "Vai al contenuto" }
                @if page.who.1.0 {
                    div class="demo" role="note" {
                        div class="contenitore" {
                            strong { "Dati dimostrativi." }
                            " Il piano viene da un documento pubblico; persone, resoconti, valori, "
                            "atti e punteggi sono simulati per provare Pegaso e non sono dell'ente."
                        }
                    }
                }
                header class="testata" {
                    div class="contenitore" {
                        a class="marchio" href="/" { "Pegaso" }
                        @if let Some((view, _)) = page.plan {
                            span class="ente" { (view.plan.entity.name) " · " (view.plan.title) }
                        } @else {
                            span class="ente" { "Il ciclo della performance" }
                        }
                        (account(page.who))
                    }
                }
                @if let Some((view, section)) = page.plan {
                    nav class="menu" aria-label="Sezioni del piano" {
                        ul {
                            @for entry in Section::MENU.into_iter().filter(|s| s.shown(page.who, view)) {
                                (menu_item(&entry.path(view.id()), entry.name(), section == entry))
                            }
                        }
                    }
                }
                div class="contenitore" {
                    @if !page.crumbs.is_empty() {
                        nav class="briciole" aria-label="Percorso" {
                            ol {
                                li { a href="/" { "Home" } }
                                @for (i, (label, href)) in page.crumbs.iter().enumerate() {
                                    li {
                                        @if i + 1 == page.crumbs.len() {
                                            a href=(href) aria-current="page" { (label) }
                                        } @else {
                                            a href=(href) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    main id="contenuto" tabindex="-1" { (PreEscaped(CONTENT)) }
                }
                footer class="pie" {
                    div class="contenitore" {
                        p { "Pegaso — il ciclo della performance delle pubbliche amministrazioni (D.Lgs. 150/2009)." }
                        p { "Dati in formato aperto: " a href=(paths::OpenData) { "dati aperti (CSV, JSON, DCAT-AP_IT)" } " · " a href=(paths::Transparency) { "Amministrazione trasparente: Performance" } " · " a href="/api/v1/openapi.json" { "API e documentazione OpenAPI" } "." }
                    }
                }
            }
        }
    };
    // The template above writes the mark: without it, the content would go last.
    let mark = memmem::find(frame.0.as_bytes(), CONTENT.as_bytes()).unwrap_or(frame.0.len());
    let (before, after) = frame.0.split_at(mark);
    let after = after.get(CONTENT.len()..).unwrap_or_default();
    let token = page.who.csrf();
    let mut page_text =
        String::with_capacity(before.len() + page.body.len(token.len()) + after.len());
    page_text.push_str(before);
    page.body.write_into(&mut page_text, token);
    page_text.push_str(after);
    PreEscaped(page_text)
}

/// Sign-in, or the person signed in with their pages and the way out.
fn account(who: &Viewer) -> Markup {
    html! {
        nav class="utente" aria-label="Utente" {
            @if let Some(person) = who.person() {
                a href="/account" { (person.name) }
                @if person.roles.contains(&domain::Role::Admin) {
                    " · " a href="/persone" { "Persone" }
                    @if person.entity.is_some() {
                        " · " a href=(paths::Entity) { "Amministrazione" }
                    }
                }
                @if person.roles.iter().any(|r| matches!(r, domain::Role::Admin | domain::Role::Evaluator | domain::Role::Auditor)) {
                    " · " a href="/registro" { "Registro" }
                }
                form class="esci" method="post" action="/uscita" {
                    input type="hidden" name="csrf" value=(who.csrf());
                    button type="submit" { "Esci" }
                }
            } @else {
                a href="/accesso" { "Accedi" }
            }
        }
    }
}

fn menu_item(href: &str, label: &str, current: bool) -> Markup {
    html! {
        li {
            @if current { a href=(href) aria-current="page" { (label) } }
            @else { a href=(href) { (label) } }
        }
    }
}

/// The page shown for an error: what happened and where to go.
pub fn error_page(error: &AppError) -> Markup {
    render(Page {
        who: &Viewer::default(),
        title: error.title(),
        crumbs: vec![],
        plan: None,
        body: html! {
            h1 { (error.title()) }
            p { (error.detail()) }
            @if matches!(error, AppError::SignIn) {
                p { a href="/accesso" { "Accedi" } }
            }
            p { a href="/" { "Torna alla pagina iniziale" } }
        }
        .into(),
    })
}

/// A column heading of a `table`.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    Text(&'a str),
    /// A column of numbers, aligned right.
    Number(&'a str),
}

/// A table of data: its caption, its column headings, then its rows.
pub fn table(caption: impl Render, columns: &[Column<'_>], rows: Markup) -> Markup {
    html! {
        table {
            caption { (caption) }
            thead { tr {
                @for column in columns {
                    @match column {
                        Column::Text(name) => { th scope="col" { (name) } }
                        Column::Number(name) => { th scope="col" class="numero" { (name) } }
                    }
                }
            } }
            tbody { (rows) }
        }
    }
}

#[cfg(test)]
mod tests {
    use maud::html;

    use super::{Content, TOKEN_SLOT};

    #[test]
    fn each_form_of_a_signed_part_takes_the_readers_token_and_nothing_else_changes() {
        let form = |token: &str| {
            html! {
                form method="post" { input type="hidden" name="csrf" value=(token); }
                p { "name=\"csrf\" value=\"-\"" }
            }
            .into_string()
        };
        let card = "<h1>Obiettivo</h1>".to_owned();
        let content = Content::default()
            .borrowed(&card)
            .signed(format!("{}{}", form(TOKEN_SLOT), form(TOKEN_SLOT)).into())
            .kept(form(TOKEN_SLOT).into())
            .made(html! { p { "fine" } });
        let mut page = String::new();
        content.write_into(&mut page, "abc123");
        let expected = [&card, &form("abc123"), &form("abc123"), &form(TOKEN_SLOT)]
            .map(String::as_str)
            .concat()
            + "<p>fine</p>";
        assert_eq!(page, expected);
        // What people typed shows as they typed it: the slot is only a template's.
        assert!(page.contains("name=&quot;csrf&quot; value=&quot;-&quot;"));
        assert_eq!(content.len("abc123".len()), page.len());
    }
}
