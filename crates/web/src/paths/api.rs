//! The addresses of `/api/v1`; a malformed one is a problem response. The OpenAPI document
//! names its paths from these patterns.

use crate::error::Problem;
use domain::PlanId;

super::addresses! { Problem;
    OpenApi "/api/v1/openapi.json";
    Me "/api/v1/me";
    Audit "/api/v1/audit";
    Plans "/api/v1/plans";
    Plan "/api/v1/plans/{plan}" { plan: PlanId };
    Workbook "/api/v1/plans/{plan}/workbook" { plan: PlanId };
    Acts "/api/v1/plans/{plan}/acts" { plan: PlanId };
    Scores "/api/v1/plans/{plan}/scores" { plan: PlanId };
    Units "/api/v1/plans/{plan}/units" { plan: PlanId };
    Unit "/api/v1/plans/{plan}/units/{unit}" { plan: PlanId, unit: String };
    Objectives "/api/v1/plans/{plan}/objectives" { plan: PlanId };
    Objective "/api/v1/plans/{plan}/units/{unit}/objectives/{label}"
        { plan: PlanId, unit: String, label: String };
    Phases "/api/v1/plans/{plan}/units/{unit}/objectives/{label}/phases"
        { plan: PlanId, unit: String, label: String };
    Phase "/api/v1/plans/{plan}/units/{unit}/objectives/{label}/phases/{n}"
        { plan: PlanId, unit: String, label: String, n: domain::Position };
}

super::in_plan!(Plan, Workbook, Scores, Units, Unit, Objective, Phases);

/// `P`'s pattern as the OpenAPI document writes it: below its server, `/api/v1`.
pub fn documented<P: axum_extra::routing::TypedPath>() -> &'static str {
    P::PATH.strip_prefix("/api/v1").unwrap_or(P::PATH)
}
