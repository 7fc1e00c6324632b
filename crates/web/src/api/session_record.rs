//! `GET /api/v1/sessions/{id}/record.pdf`: the printable session record for the chart (`crate::record_doc`), the
//! same document as the portal's.

use axum::response::Response;

use super::sessions::session_id;
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::record_doc;

/// `GET /api/v1/sessions/{id}/record.pdf`.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}/record.pdf",
    operation_id = "getSessionRecordPdf",
    summary = "The printable record of a session (PDF)",
    description = "The session for the chart: the patient's name and birth date on every page, the course and modality, the pre-checks, the doses, every observation row (time, BP, heart rate, SpO2, MOAA/S, CADSS, note), adverse events, alerts and their acknowledgements, and the discharge or early departure.",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The record", content((String = "application/pdf"))),
    )
)]
pub async fn get(staff: ClinicStaff, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    let record = ketapath_care::treatment::record::record(&staff.scope, session_id(&id)?).await?;
    Ok(record_doc::pdf_response(&record))
}
