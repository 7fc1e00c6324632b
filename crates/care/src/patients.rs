//! Finding a patient: the query staff send (`q`, `status`, `limit`, `cursor`), parsed once for the JSON API and the
//! portal's search box, and one page of the clinic's patients that match it.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ketapath_clinical::InvalidInput;
use ketapath_store::domain::{PatientId, PatientMatch, PatientStatus, PatientSummary};
use ketapath_store::{ClinicScope, StoreError};
use time::Date;
use time::macros::format_description;

/// How many patients a page holds when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 50;

/// The most patients one page may hold.
pub const MAX_LIMIT: usize = 200;

/// The longest search text accepted: longer than any name and record number together.
const Q_MAX_CHARS: usize = 200;

/// A checked search of the clinic's patients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientQuery {
    pub matching: PatientMatch,
    /// Only patients with this status, when given.
    pub status: Option<PatientStatus>,
    /// At most this many patients per page.
    pub limit: usize,
    /// The last patient of the previous page, from its `next_cursor`.
    pub after: Option<PatientId>,
}

/// One page of a search, and the cursor of the next one (`None` on the last page).
#[derive(Debug, Clone, PartialEq)]
pub struct PatientPage {
    pub patients: Vec<PatientSummary>,
    pub next_cursor: Option<String>,
}

/// Whether `q` has the shape of a date (`YYYY-MM-DD`), so that a mistyped date is refused instead of searched for as
/// a name.
fn looks_like_a_date(q: &str) -> bool {
    let bytes = q.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// A parameter's value when it is given and not blank.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The cursor that resumes a search after `last`: opaque to clients, who send it back as they received it.
fn cursor_of(last: PatientId) -> String {
    URL_SAFE_NO_PAD.encode(last.to_text())
}

fn after_cursor(raw: &str) -> Result<PatientId, InvalidInput> {
    let refused = || InvalidInput::new("cursor", "is not a cursor from this list; start again without it");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| refused())?;
    let text = String::from_utf8(bytes).map_err(|_| refused())?;
    PatientId::parse("cursor", &text).map_err(|_| refused())
}

impl PatientQuery {
    /// The query from its parameters as sent (absent or blank ones take their defaults); an error names the
    /// parameter and says what it accepts.
    pub fn parse(
        q: Option<&str>,
        status: Option<&str>,
        limit: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Self, InvalidInput> {
        let matching = match given(q) {
            None => PatientMatch::Everyone,
            Some(q) if q.chars().count() > Q_MAX_CHARS => {
                return Err(InvalidInput::new("q", format!("must be at most {Q_MAX_CHARS} characters")));
            }
            Some(q) if looks_like_a_date(q) => {
                let date = Date::parse(q, format_description!("[year]-[month]-[day]"))
                    .map_err(|_| InvalidInput::new("q", "is not a real date; write a birth date as YYYY-MM-DD"))?;
                PatientMatch::BirthDate(date)
            }
            Some(q) => PatientMatch::Text(q.to_owned()),
        };
        let status = given(status)
            .map(|code| {
                PatientStatus::parse(code)
                    .map_err(|message| InvalidInput::new("status", format!("the status filter: {message}")))
            })
            .transpose()?;
        let limit =
            match given(limit) {
                None => DEFAULT_LIMIT,
                Some(raw) => raw.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                    InvalidInput::new("limit", format!("must be a whole number from 1 to {MAX_LIMIT}"))
                })?,
            };
        let after = given(cursor).map(after_cursor).transpose()?;
        Ok(PatientQuery { matching, status, limit, after })
    }
}

/// One page of the clinic's patients that `query` finds, ordered by name (family, then given, folded) and id.
/// A cursor naming a patient this clinic does not have is refused as invalid (`cursor`).
pub async fn find(scope: &ClinicScope, query: &PatientQuery) -> Result<PatientPage, StoreError> {
    let mut found = scope.patient_search(&query.matching, query.after).await?;
    if let Some(wanted) = query.status {
        // Statuses are decided from care facts in Rust (`PatientStatus::of`), so the filter is applied here.
        let keep: HashSet<PatientId> = scope
            .patient_care_facts()
            .await?
            .into_iter()
            .filter(|f| f.status() == wanted)
            .map(|f| f.patient_id)
            .collect();
        found.retain(|s| keep.contains(&s.patient.id));
    }
    let more = found.len() > query.limit;
    found.truncate(query.limit);
    let next_cursor = if more { found.last().map(|s| cursor_of(s.patient.id)) } else { None };
    Ok(PatientPage { patients: found, next_cursor })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parameters_parse_or_name_themselves() {
        let q = PatientQuery::parse(Some(" Jos "), None, None, None).unwrap();
        assert_eq!(q.matching, PatientMatch::Text("Jos".to_owned()));
        assert_eq!(q.limit, DEFAULT_LIMIT);
        let q = PatientQuery::parse(Some("1980-04-01"), Some("follow_up"), Some("200"), Some("")).unwrap();
        assert!(matches!(q.matching, PatientMatch::BirthDate(_)));
        assert_eq!((q.status, q.limit, q.after), (Some(PatientStatus::FollowUp), 200, None));
        for (args, field) in [
            ([None, None, Some("0"), None], "limit"),
            ([None, None, Some("201"), None], "limit"),
            ([None, None, Some("ten"), None], "limit"),
            ([None, None, None, Some("not-a-cursor!")], "cursor"),
            ([Some("1980-02-30"), None, None, None], "q"),
            ([None, Some("sleeping"), None, None], "status"),
        ] {
            let error = PatientQuery::parse(args[0], args[1], args[2], args[3]).unwrap_err();
            assert_eq!(error.field, field, "{args:?}");
        }
        let id = PatientId::parse("id", "01890a5d-ac96-774b-bcce-b302099a8057").unwrap();
        assert_eq!(PatientQuery::parse(None, None, None, Some(&cursor_of(id))).unwrap().after, Some(id));
    }
}
