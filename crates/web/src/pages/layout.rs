//! The frame of every page: skip link, header with the plan's menu, breadcrumbs, main, footer.

use maud::{DOCTYPE, Markup, html};

use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::paths;

/// Which entry of the plan's menu a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Tree,
    Matrix,
    Search,
    Diagnostics,
    Scores,
    Rounds,
    Other,
}

/// A page: its title, where it sits (breadcrumbs: label and address, the last one is the
/// page itself), the plan it belongs to if any, and its content.
pub struct Page<'a> {
    /// Who is reading: the header offers sign-in or names them.
    pub who: &'a Viewer,
    pub title: &'a str,
    pub crumbs: Vec<(String, String)>,
    pub plan: Option<(&'a PlanView, Section)>,
    pub body: Markup,
}

pub fn render(page: Page<'_>) -> Markup {
    html! {
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
                            (menu_item(&paths::plan(view.id()), "Il piano", section == Section::Tree))
                            (menu_item(&paths::matrix(view.id()), "Matrice delle unità", section == Section::Matrix))
                            (menu_item(&paths::search(view.id()), "Cerca", section == Section::Search))
                            (menu_item(&paths::diagnostics(view.id()), "Diagnostica d'importazione", section == Section::Diagnostics))
                            @if page.who.person().is_some() || view.summary.state == domain::PlanState::Published {
                                (menu_item(&paths::scores(view.id()), "Punteggi", section == Section::Scores))
                            }
                            @if page.who.person().is_some() {
                                (menu_item(&paths::rounds(view.id()), "Monitoraggi", section == Section::Rounds))
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
                    main id="contenuto" tabindex="-1" { (page.body) }
                }
                footer class="pie" {
                    div class="contenitore" {
                        p { "Pegaso — il ciclo della performance delle pubbliche amministrazioni (D.Lgs. 150/2009)." }
                        p { "Dati in formato aperto: " a href="/api/v1/openapi.json" { "API e documentazione OpenAPI" } "." }
                    }
                }
            }
        }
    }
}

/// Sign-in, or the person signed in with their pages and the way out.
fn account(who: &Viewer) -> Markup {
    html! {
        nav class="utente" aria-label="Utente" {
            @if let Some(person) = who.person() {
                a href="/account" { (person.name) }
                @if person.roles.contains(&domain::Role::Admin) {
                    " · " a href="/persone" { "Persone" }
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
        },
    })
}
