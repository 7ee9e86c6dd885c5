//! What every write passes before its body is read: who is asking (a session for pages, a
//! token for the API; only signing in needs neither), whether the plan it names is of their
//! administration, for an upload the form's CSRF token (sent in the address, since it cannot
//! be read from a body not yet read), and the body's size limit, checked against the declared
//! length at once and enforced again while the body streams. So a stranger's upload costs the
//! server no memory, and a write from another administration is refused in the same way
//! everywhere. Each address's limit is written here, once.

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::header::{CONNECTION, CONTENT_LENGTH};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::Limited;

use crate::AppState;
use crate::auth::{Caller, Viewer, plan_of};
use crate::error::{AppError, Problem};
use crate::pages::EVIDENCE_MAX_BYTES;
use crate::paths;
use axum_extra::routing::TypedPath;

/// The largest form or JSON body, where no other limit is written below.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The largest body the route with this pattern takes.
pub fn body_limit(route: &str) -> usize {
    match route {
        // A username and a password (1,024 characters, percent-encoded).
        paths::SignIn::PATH => 16 * 1024,
        // The scoring rules: JSON of up to 100,000 characters, percent-encoded.
        // The measurement system's JSON, and the draft's forms: a card's nine paragraphs of
        // up to 20,000 characters, percent-encoded, are more than the default.
        paths::Scores::PATH
        | paths::DraftCard::PATH
        | paths::DraftCards::PATH
        | paths::DraftCheck::PATH
        | paths::DraftStrategy::PATH
        | paths::DraftCodes::PATH
        | paths::DraftPiao::PATH
        | paths::DraftUnit::PATH
        | paths::DraftUnits::PATH
        | paths::EvaluationSystem::PATH
        | paths::EvaluationSheet::PATH => 1024 * 1024,
        paths::PhaseEvidence::PATH => EVIDENCE_MAX_BYTES + BODY_LIMIT,
        paths::NewPlanDocument::PATH => cycle::documents::MAX_BYTES + BODY_LIMIT,
        paths::EvaluationStaffFile::PATH => workbook::staff::MAX_BYTES + BODY_LIMIT,
        paths::EntityEmblem::PATH => report::emblem::MAX_BYTES + BODY_LIMIT,
        _ => BODY_LIMIT,
    }
}

/// The largest file the route takes, for a route that takes one: its form sends the CSRF
/// token in the address, to be checked before a byte of the body is read.
fn upload_limit(route: &str) -> Option<usize> {
    match route {
        paths::PhaseEvidence::PATH => Some(EVIDENCE_MAX_BYTES),
        paths::NewPlanDocument::PATH => Some(cycle::documents::MAX_BYTES),
        paths::EvaluationStaffFile::PATH => Some(workbook::staff::MAX_BYTES),
        paths::EntityEmblem::PATH => Some(report::emblem::MAX_BYTES),
        _ => None,
    }
}

/// The plan an address names (`/piani/{plan}/…`, `/api/v1/plans/{plan}/…`).
fn plan_in(path: &str) -> Option<&str> {
    path.strip_prefix("/piani/")
        .or_else(|| path.strip_prefix("/api/v1/plans/"))
        .and_then(|rest| rest.split('/').next())
        .filter(|p| !p.is_empty())
}

/// The value of `name` in a query string.
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A refusal before the body: the answer closes the connection, which may still hold a body
/// nobody will read.
fn refuse(api: bool, error: AppError) -> Response {
    let mut response = if api {
        Problem(error).into_response()
    } else {
        error.into_response()
    };
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The guard itself, a layer on every route.
pub async fn writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let path = req.uri().path().to_owned();
    let api = path.starts_with("/api/");
    let limit = body_limit(&route);
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        // For a file, the limit people read is the file's (the form around it is not theirs).
        let max = upload_limit(&route).unwrap_or(limit);
        return refuse(
            api,
            AppError::TooLarge {
                max_bytes: Some(max),
            },
        );
    }
    let (mut parts, body) = req.into_parts();
    if route != paths::SignIn::PATH {
        let person = if api {
            match Caller::from_request_parts(&mut parts, &state).await {
                Ok(Caller(person)) => person,
                Err(Problem(e)) => return refuse(true, e),
            }
        } else {
            match Viewer::from_request_parts(&mut parts, &state).await {
                Ok(viewer) => {
                    if upload_limit(&route).is_some()
                        && viewer.0.is_some()
                        && let Err(e) = viewer.checked(address_token(&parts))
                    {
                        return refuse(false, e);
                    }
                    viewer.0.map(|s| s.person)
                }
                Err(e) => return refuse(false, e),
            }
        };
        let Some(person) = person else {
            return refuse(api, AppError::SignIn);
        };
        // Only an address with a plan in it names one (`/piani/nuovo` does not).
        let plan = Some(&path).filter(|_| route.contains("{plan}"));
        if let (Some(entity), Some(plan)) =
            (person.entity.as_deref(), plan.and_then(|p| plan_in(p)))
            && !plan_of(entity, plan)
        {
            return refuse(
                api,
                AppError::Forbidden(domain::messages::refusal(
                    &domain::Refusal::OtherAdministration,
                )),
            );
        }
    }
    let body = Body::new(Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// The `csrf` value of the address's query.
fn address_token(parts: &axum::http::request::Parts) -> &str {
    parts
        .uri
        .query()
        .and_then(|q| query_value(q, "csrf"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_plans_are_read_from_the_address() {
        assert_eq!(body_limit("/accesso"), 16 * 1024);
        assert_eq!(body_limit("/piani/{plan}/atti"), BODY_LIMIT);
        assert!(
            body_limit("/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati")
                > EVIDENCE_MAX_BYTES
        );
        assert!(body_limit("/piani/nuovo/documento") > cycle::documents::MAX_BYTES);
        assert_eq!(
            upload_limit("/piani/nuovo/documento"),
            Some(cycle::documents::MAX_BYTES)
        );
        assert_eq!(
            upload_limit("/ente/stemma"),
            Some(report::emblem::MAX_BYTES)
        );
        assert!(body_limit("/ente/stemma") > report::emblem::MAX_BYTES);
        assert_eq!(upload_limit("/piani/nuovo"), None);
        assert_eq!(plan_in("/piani/roma-2021/atti"), Some("roma-2021"));
        assert_eq!(plan_in("/api/v1/plans/roma-2021/acts"), Some("roma-2021"));
        assert_eq!(plan_in("/persone"), None);
        assert_eq!(plan_in("/piani/"), None);
        assert_eq!(query_value("a=1&csrf=xyz", "csrf"), Some("xyz"));
        assert_eq!(query_value("csrfx=1", "csrf"), None);
    }
}
