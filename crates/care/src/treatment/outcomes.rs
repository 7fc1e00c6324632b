//! Outcomes per patient and instrument: baseline, latest, change, response, remission, time to first response
//! and loss of response, each naming its rule, from the patient's assessments and first dose.

use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::outcomes::{Measurement, Outcome, OutcomeConfig, definition, evaluate};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{Assessment, AssessmentContext, PatientId};

use super::TreatmentResult;

/// The baseline of one instrument's assessments (oldest first): the first marked `baseline`, else the first.
fn baseline(assessments: &[&Assessment]) -> Option<usize> {
    assessments.iter().position(|a| a.context == Some(AssessmentContext::Baseline)).or(if assessments.is_empty() {
        None
    } else {
        Some(0)
    })
}

fn measurement(a: &Assessment) -> Measurement {
    Measurement { taken_at: a.administered_at, total: u16::try_from(a.total).unwrap_or(u16::MAX) }
}

/// The outcome of every instrument with a response rule that the patient has assessments of, in the order of
/// the instrument list. Time to response counts from the patient's first dose.
pub async fn outcomes(scope: &ClinicScope, patient: PatientId) -> TreatmentResult<Vec<Outcome>> {
    let assessments = scope.assessments(patient).await?;
    let first_dose = scope.first_dose_at(patient).await?;
    let config = OutcomeConfig::default();
    let mut out = Vec::new();
    for instrument in Instrument::ALL {
        // Instruments without a response definition (dissociation and sedation scales) have no outcome.
        if definition(instrument, &config).is_err() {
            continue;
        }
        let series: Vec<&Assessment> = assessments.iter().filter(|a| a.instrument == instrument).collect();
        let Some(b) = baseline(&series) else { continue };
        let base = measurement(series[b]);
        let later: Vec<Measurement> = series
            .iter()
            .enumerate()
            .filter(|(i, a)| *i != b && a.administered_at >= base.taken_at)
            .map(|(_, a)| measurement(a))
            .collect();
        out.push(evaluate(instrument, &base, &later, first_dose, &config)?);
    }
    Ok(out)
}
