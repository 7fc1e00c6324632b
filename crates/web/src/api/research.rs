//! The research routes: `GET /api/v1/registry` (public registry statistics, small cells suppressed) and
//! `GET /api/v1/research/export?file=…&format=csv|ndjson[&shifted_dates=true]` (one file of the de-identified
//! export, researchers only; no calendar dates unless `shifted_dates=true`),
//! and `GET /api/v1/clinic/registry` (a clinic's own statistics for its staff, unsuppressed, never cached or shared).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::InvalidInput;
use ketapath_research::{
    DateForm, Export, ExportFile, ExportKey, ExportStream, Format, RegistryBuilder, patient_order,
};
use ketapath_store::{OrderedPages, RESEARCH_PAGE};
use serde::Deserialize;
use tokio_stream::wrappers::ReceiverStream;
use utoipa::IntoParams;
use utoipa::openapi::schema::ObjectBuilder;

use super::openapi::codes;
use super::openapi_schemas::Error;
use crate::auth::{ClinicStaff, StaffActor};
use crate::error::ApiError;
use crate::extract::Db;
use crate::state::AppState;

/// The files of the export, by the name the `file` parameter takes.
pub const EXPORT_FILES: [&str; 5] = ["patients", "courses", "assessments", "sessions", "adverse_events"];

/// `GET /api/v1/registry`.
#[utoipa::path(
    get,
    path = "/api/v1/registry",
    operation_id = "getRegistry",
    summary = "Registry statistics over consenting patients",
    description = "Response and remission by modality and instrument with Wilson 95% intervals, time to first response, durability (Kaplan-Meier), adverse events per 100 sessions and blood-pressure gate rates. Any figure about fewer than 11 patients is the string \"< 11\". Computed on a schedule and cached, not per request.",
    responses(
        (status = 200, description = "The registry", body = inline(super::openapi_schemas::Registry)),
        (status = 503, description = "This server has no database (`not_ready`)", body = Error),
    )
)]
pub async fn public_registry(State(state): State<AppState>, Db(store): Db) -> Result<Response, ApiError> {
    let snapshot = state.research.snapshot(&store).await?;
    Ok(axum::Json(&snapshot.registry).into_response())
}

/// The query of the export route as sent.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    #[param(schema_with = export_files, required = true)]
    file: Option<String>,
    #[param(schema_with = export_formats)]
    format: Option<String>,
    /// `true` for dates shifted per patient (none after the export date), which need an Expert Determination;
    /// `false` (the default) for no calendar dates: days since each patient's first event and its year.
    #[param(schema_with = shifted_dates)]
    shifted_dates: Option<String>,
}

fn export_files() -> ObjectBuilder {
    codes(EXPORT_FILES)
}

fn export_formats() -> ObjectBuilder {
    codes(["csv", "ndjson"]).default(Some("csv".into()))
}

fn shifted_dates() -> ObjectBuilder {
    codes(["true", "false"]).default(Some("false".into()))
}

impl ExportQuery {
    fn parse(&self) -> Result<(&'static str, Format, DateForm), InvalidInput> {
        let raw = self.file.as_deref().ok_or_else(|| InvalidInput::new("file", "is required"))?;
        let file = EXPORT_FILES
            .into_iter()
            .find(|f| *f == raw)
            .ok_or_else(|| InvalidInput::new("file", format!("must be one of {}", EXPORT_FILES.join(", "))))?;
        let format = Format::parse(self.format.as_deref().unwrap_or("csv"))?;
        let form = match self.shifted_dates.as_deref().unwrap_or("false") {
            "false" => DateForm::Offsets,
            "true" => DateForm::Shifted,
            _ => return Err(InvalidInput::new("shifted_dates", "must be true or false")),
        };
        Ok((file, format, form))
    }
}

/// `GET /api/v1/research/export`: 401 without a valid token, 403 for every role but researcher, then the file.
#[utoipa::path(
    get,
    path = "/api/v1/research/export",
    operation_id = "getResearchExportFile",
    summary = "One file of the de-identified research export (researcher role only)",
    description = "The data dictionary is docs/research-export.md. Only patients whose research consent stands today are included. By default no file holds a calendar date: events are whole days since each patient's first event (minutes within a session) and the patients file gives the year of the first event, meeting Safe Harbor's date rule. `shifted_dates=true` gives dates shifted per patient instead (none after the export date); shifted dates need an Expert Determination before the data leave the clinic.",
    params(ExportQuery),
    responses(
        (status = 200, description = "The file", content((String = "text/csv"), (String = "application/x-ndjson"))),
        (status = 400, description = "Unknown or missing `file`, unknown `format`, `shifted_dates` other than true or false (`invalid_input`)", body = Error),
        (status = 403, description = "The token's role is not researcher (`forbidden`)", body = Error),
        (status = 503, description = "No database or no export key on this server (`not_ready`)", body = Error),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    staff: StaffActor,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let reader = staff.store().research_reader(&staff.actor).await?;
    let (file, format, form) = query.parse()?;
    let key = state
        .research_key
        .clone()
        .ok_or_else(|| ApiError::NotReady("no research export key is configured on this server".to_owned()))?;
    let as_of = staff.store().now().date();
    let order = Arc::clone(&key);
    let pages = reader.pages_in_order(as_of, RESEARCH_PAGE, move |id| patient_order(&order, id)).await?;
    let name = format!("{file}.{}", format.extension());
    let body = export_body(pages, key, as_of, form, format, name.clone());
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Ndjson => "application/x-ndjson",
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The body of one export file, made a page of patients at a time while the client reads it: memory holds one
/// page and two parts of the file in flight, whatever the number of patients (the whole export of a million
/// patients takes gigabytes). The audit event, the role check and the read of the patients' ids come before the
/// status is sent, so those fail as answers; a failure after the first part can no longer change the status, so
/// it is logged and the body is cut off (no last chunk), which every HTTP client reports as an incomplete
/// download rather than a complete file.
fn export_body(
    mut pages: OrderedPages,
    key: Arc<ExportKey>,
    as_of: time::Date,
    form: DateForm,
    format: Format,
    name: String,
) -> Body {
    let (parts, receiver) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(2);
    tokio::spawn(async move {
        let written = async {
            // Each part is the named file's share of the page; the others are dropped.
            let of_file = |files: Vec<ExportFile>| files.into_iter().find(|f| f.name == name).map(|f| f.contents);
            let header = of_file(Export { form, ..Export::default() }.files(format)?).unwrap_or_default();
            if parts.send(Ok(header)).await.is_err() {
                return Ok(());
            }
            let mut stream = ExportStream::new(&key, as_of, form);
            while let Some(page) = pages.next().await? {
                let part = of_file(stream.add_page(&page)?.files_part(format, false)?).unwrap_or_default();
                // The client went away: stop reading.
                if parts.send(Ok(part)).await.is_err() {
                    return Ok(());
                }
            }
            stream.finish()?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        if let Err(error) = written {
            tracing::error!(%error, "research export failed part-way; the file was cut off");
            let _ = parts.send(Err(std::io::Error::other("the research export failed"))).await;
        }
    });
    Body::from_stream(ReceiverStream::new(receiver))
}

/// `GET /api/v1/clinic/registry`: the caller's clinic's own registry over its consenting patients. Figures are not
/// suppressed (the staff already see these patients), so the answer is `no-store` and computed per request from the
/// clinic's own patients only.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/registry",
    operation_id = "getOwnClinicRegistry",
    summary = "The caller's clinic's registry over its own consenting patients, not suppressed (clinic roles only)",
    responses(
        (status = 200, description = "The clinic's registry (Cache-Control: no-store)", body = inline(super::openapi_schemas::Registry)),
    )
)]
pub async fn own_clinic(staff: ClinicStaff) -> Result<Response, ApiError> {
    let as_of = staff.store.now().date();
    let config = ketapath_research::RegistryConfig {
        visibility: ketapath_research::Visibility::OwnClinic,
        ..ketapath_research::RegistryConfig::public(as_of)
    };
    // A page at a time, as the registry refresher does: memory holds one page, whatever the clinic's size.
    let mut builder = RegistryBuilder::new(config);
    staff.scope.for_each_research_page(as_of, RESEARCH_PAGE, |page| builder.add_all(&page).map_err(refused)).await?;
    let stats = builder.finish().map_err(refused)?;
    Ok(super::private_json(&stats))
}

/// A stored record the rules refuse is a data fault, not the caller's: log the field, answer 500.
fn refused(error: InvalidInput) -> ApiError {
    tracing::error!(field = %error.field, "clinic registry refused a stored record");
    ApiError::Internal
}
