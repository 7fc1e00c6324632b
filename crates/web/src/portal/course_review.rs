//! The benefit review form of the patient page: `POST /portal/courses/{id}/benefit-review` records a
//! prescriber's continue-or-stop decision at the end of an esketamine induction through the same
//! `ketapath_care::treatment::course::review` as the JSON API, then goes back to the patient page. A refusal (a nurse, a
//! `continue` before week 4, a closed course, a bad field) is the error page with the status the API answers.

use axum::extract::State;
use axum::response::Response;
use ketapath_clinical::protocols::MaintenanceFrequency;
use ketapath_store::domain::CourseId;

use super::csrf::PortalForm;
use super::sign_in_cookie::see_other;
use crate::extract::ApiPath;
use crate::state::AppState;
use ketapath_care::treatment::course::{self, ReviewRequest};

/// `POST /portal/courses/{id}/benefit-review`: `decision` (`continue` or `stop`) and an optional `note`.
pub async fn submit(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("/portal/courses/{id}/benefit-review");
    let reviewed =
        super::in_clinic_record(&form.staff, demo, &path, CourseId::parse("id", &id), async |scope, course_id| {
            let request = ReviewRequest {
                decision: crate::api::courses::decision(form.fields.get("decision"))?,
                note: form.fields.get("note").map(str::to_owned).filter(|n| !n.trim().is_empty()),
                weeks: None,
                maintenance: MaintenanceFrequency::Weekly,
            };
            let reviewed = course::review(scope, course_id, &request, form.staff.store().now()).await?;
            Ok(reviewed.course.patient_id)
        });
    reviewed.await.map_or_else(|refused| refused, |patient| see_other(&format!("{}/{patient}", super::patients::PATH)))
}
