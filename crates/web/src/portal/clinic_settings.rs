//! The clinic settings page `/portal/clinic/settings`: every protocol setting (thresholds, times, the REMS
//! setting type) grouped by modality and by step of the session, each as a sentence around its value
//! (`setting_words`) with a visible `[U]` / `[S]` marker, and its default, limit, plain-words source and
//! confidence behind a `<details>`, from `ProtocolSettings::describe` as the JSON API's
//! `GET /api/v1/clinic/protocol-settings` shows it;
//! a form to change values or reset one (or all) to the default for the roles the API's `PUT` allows (clinic
//! admins and prescribers; others read it), checked by the same `ProtocolSettings::from_json`, a refused value
//! shown again (400) naming the setting with what was typed (a value past its floor names the floor and its
//! source; each floor is shown beside its setting); and the outcome-publication choice (clinic admins
//! only, as `PUT /api/v1/clinic/outcome-publication`).
//!
//! The same form carries the clinic's time zone (`time_zone`, an IANA name checked by `ClinicTime::named`; empty
//! for the default), in which every portal page and the REMS form show and read dates and times. Until it is
//! chosen, the page names the default derived from the listing's state as unverified.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::protocols::{ProtocolSettings, SettingView};
use ketapath_clinical::rule::Confidence;
use ketapath_store::ClinicScope;
use ketapath_store::domain::{DEFAULT_REFERRAL_DAILY_CAP, MAX_REFERRAL_DAILY_CAP, Role};
use serde_json::Value;

use super::csrf::{Fields, PortalForm};
use super::labels;
use super::setting_words::{Group, Step, wording};
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::{ClinicTime, ZoneSource};
use ketapath_care::treatment::{TreatmentError, protocol_settings};

pub const PATH: &str = "/portal/clinic/settings";
pub const PUBLICATION_PATH: &str = "/portal/clinic/outcome-publication";

/// The path of the daily referral cap's form.
pub const REFERRAL_CAP_PATH: &str = "/portal/clinic/referral-cap";
/// The form field of the clinic's time zone.
const TIME_ZONE: &str = ketapath_care::clinic_time::SETTING;

/// How a setting is entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A whole number; `optional` when empty turns the criterion off.
    Whole {
        optional: bool,
    },
    /// A decimal number.
    Decimal,
    YesNo,
    /// One of the listed codes.
    Choice(Vec<&'static str>),
}

/// The codes a text setting takes.
fn choices(name: &str) -> Vec<&'static str> {
    match name {
        "rems.setting_type" => vec!["outpatient", "inpatient"],
        _ => Vec::new(),
    }
}

/// Sets a dotted path inside a settings document, creating the objects on the way.
fn set_path(document: &mut Value, name: &str, value: Value) {
    let mut at = document;
    let parts: Vec<&str> = name.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if !at.is_object() {
            *at = Value::Object(serde_json::Map::new());
        }
        let Value::Object(map) = at else { return };
        if i + 1 == parts.len() {
            map.insert((*part).to_owned(), value);
            return;
        }
        at = map.entry((*part).to_owned()).or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
}

fn defaults() -> Value {
    serde_json::to_value(ProtocolSettings::default()).unwrap_or(Value::Null)
}

/// Whether the rules accept `value` for `name` alone (every other setting at its default): a probe that tells
/// which setting a type error of the whole document was about, and whether a number may be left empty.
fn accepted_alone(name: &str, value: Value) -> bool {
    let mut probe = defaults();
    set_path(&mut probe, name, value);
    ProtocolSettings::from_json(&probe).is_ok()
}

fn kind_of(view: &SettingView) -> Kind {
    match &view.default {
        Value::Bool(_) => Kind::YesNo,
        Value::String(_) => Kind::Choice(choices(view.name)),
        Value::Number(n) if n.is_u64() || n.is_i64() => {
            Kind::Whole { optional: accepted_alone(view.name, Value::Null) }
        }
        _ => Kind::Decimal,
    }
}

/// A value as the page shows it and a form field carries it.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One setting as the page shows it: a sentence around its value, and its source behind a `<details>`.
#[derive(Debug, Clone)]
pub struct SettingRow {
    pub name: &'static str,
    pub id: String,
    /// The setting's name in words, for the reset button.
    pub label: &'static str,
    /// The sentence before the value, and after it (`setting_words`).
    pub before: &'static str,
    pub after: &'static str,
    pub kind: Kind,
    pub value: String,
    /// The value as read-only staff see it: words for a choice, `off` for an empty criterion.
    pub shown: String,
    pub default: String,
    pub changed: bool,
    /// `[U]` or `[S]` for a value to check before relying on it, empty for a verified one.
    pub marker: String,
    /// The confidence in words: "verified in a primary source", "unverified default", "secondary source".
    pub status: &'static str,
    pub verified: bool,
    pub rule: String,
    /// Where the value comes from, in plain words.
    pub source: &'static str,
    /// The limit the clinic may not cross, with where it comes from (empty when the setting has none).
    pub floor: String,
}

impl SettingRow {
    pub fn is_yes_no(&self) -> bool {
        self.kind == Kind::YesNo
    }

    /// The `(code, words)` of a choice (empty for other kinds).
    pub fn options(&self) -> Vec<(&'static str, String)> {
        match &self.kind {
            Kind::Choice(options) => options.iter().map(|o| (*o, labels::setting_type_code(o))).collect(),
            _ => Vec::new(),
        }
    }
}

/// The settings of one step of the session, within one modality.
#[derive(Debug, Clone)]
pub struct StepRows {
    pub title: &'static str,
    pub rows: Vec<SettingRow>,
}

/// The settings of one modality, step by step.
#[derive(Debug, Clone)]
pub struct GroupRows {
    pub title: &'static str,
    pub id: &'static str,
    pub steps: Vec<StepRows>,
}

#[derive(Template)]
#[template(path = "portal_clinic_settings.html")]
struct SettingsPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    can_edit: bool,
    can_publish: bool,
    publish: bool,
    updated: String,
    /// A refused change: the message naming the setting.
    error: Option<String>,
    groups: Vec<GroupRows>,
    /// The time zone field: as typed after a refusal, else the chosen zone (empty when none is chosen).
    time_zone: String,
    /// The zone in use and where it comes from, in a sentence.
    time_zone_note: String,
    time_zone_unverified: bool,
    /// The clinic's cap on public referrals in 24 hours, and whether it is the platform default.
    referral_cap: u32,
    referral_cap_default: bool,
    default_referral_cap: u32,
}

/// A confidence as the page says it.
fn confidence_words(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::Confirmed => "verified in a primary source",
        Confidence::Secondary => "from a secondary source: check it before relying on it",
        Confidence::Unverified => "unverified default: check it against your protocol before relying on it",
    }
}

fn marker(confidence: Confidence) -> String {
    match confidence {
        Confidence::Confirmed => String::new(),
        other => format!("[{}]", other.tag()),
    }
}

fn rows(settings: &ProtocolSettings, typed: Option<&Fields>) -> Vec<SettingRow> {
    settings
        .describe()
        .iter()
        .map(|view| {
            let words = wording(view.name);
            let kind = kind_of(view);
            let value = match typed {
                Some(fields) => fields.get(view.name).unwrap_or_default().to_owned(),
                None => text(&view.value),
            };
            let shown = match (&kind, value.as_str()) {
                (Kind::Choice(_), code) => labels::setting_type_code(code),
                (_, "") => "off".to_owned(),
                (_, other) => other.to_owned(),
            };
            SettingRow {
                name: view.name,
                id: format!("setting-{}", view.name.replace('.', "-")),
                label: view.label,
                before: words.map_or(view.label, |w| w.before),
                after: words.map_or(view.unit.unwrap_or_default(), |w| w.after),
                kind,
                shown,
                value,
                default: match &view.default {
                    Value::String(code) => labels::setting_type_code(code),
                    other => text(other),
                },
                changed: view.changed,
                marker: marker(view.rule.confidence),
                status: confidence_words(view.rule.confidence),
                verified: view.verified,
                rule: view.rule.reference().to_string(),
                // A setting without words would show its rule's summary rather than an internal reference.
                source: words.map_or(view.rule.summary, |w| w.source),
                floor: view
                    .floor
                    .map(|f| {
                        let source = words.and_then(|w| w.limit_source).unwrap_or_default();
                        format!("{} ({source}; {})", f.limit, confidence_words(f.confidence))
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The rows grouped by modality, then by step of the session, in the order of a session; empty steps are left out.
fn grouped(rows: Vec<SettingRow>) -> Vec<GroupRows> {
    let place = |row: &SettingRow| wording(row.name).map_or((Group::Every, Step::Monitoring), |w| (w.group, w.step));
    Group::ALL
        .iter()
        .map(|group| GroupRows {
            title: group.title(),
            id: group.id(),
            steps: Step::ALL
                .iter()
                .map(|step| StepRows {
                    title: step.title(),
                    rows: rows.iter().filter(|r| place(r) == (*group, *step)).cloned().collect(),
                })
                .filter(|s| !s.rows.is_empty())
                .collect(),
        })
        .filter(|g| !g.steps.is_empty())
        .collect()
}

/// The page, with what was typed and the refusal when a change was refused.
async fn settings_page(
    staff: &PortalStaff,
    scope: &ClinicScope,
    demo: bool,
    typed: Option<&Fields>,
    error: Option<String>,
) -> Result<SettingsPage, TreatmentError> {
    let settings = protocol_settings(scope).await?;
    let saved = scope.protocol_settings().await?;
    let role = staff.actor().role;
    let zone = ClinicTime::of(scope).await?;
    let chosen = scope.time_zone().await?;
    let own_cap = scope.referral_daily_cap().await?;
    let time_zone_note = match zone.source() {
        ZoneSource::Chosen => format!("The clinic's time zone is {}, chosen by the clinic.", zone.name()),
        ZoneSource::FromState => format!(
            "No time zone is chosen: the portal uses {}, the primary zone of the listing's state (an unverified \
             default; a state split between zones takes its most populous one). Check it and save it, or type another.",
            zone.name()
        ),
        ZoneSource::Utc => "No time zone is chosen and none could be derived from the listing: the portal uses UTC. \
                            Type the clinic's zone."
            .to_owned(),
    };
    Ok(SettingsPage {
        layout: layout("Clinic settings", demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        can_edit: matches!(role, Role::ClinicAdmin | Role::Prescriber),
        can_publish: role == Role::ClinicAdmin,
        publish: scope.publishes_outcomes().await?,
        updated: saved.map(|s| format!("Last changed on {}.", zone.day_text(s.updated_at))).unwrap_or_default(),
        error,
        groups: grouped(rows(&settings, typed)),
        time_zone: match typed {
            Some(fields) => fields.get(TIME_ZONE).unwrap_or_default().to_owned(),
            None => chosen.unwrap_or_default(),
        },
        time_zone_unverified: zone.source() != ZoneSource::Chosen,
        time_zone_note,
        referral_cap: own_cap.unwrap_or(DEFAULT_REFERRAL_DAILY_CAP),
        referral_cap_default: own_cap.is_none(),
        default_referral_cap: DEFAULT_REFERRAL_DAILY_CAP,
    })
}

/// `GET /portal/clinic/settings`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff) -> Response {
    let demo = state.config.demo;
    let scope = match super::clinic_scope(&staff, demo, PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    match settings_page(&staff, &scope, demo, None, None).await {
        Ok(p) => render(StatusCode::OK, &p),
        Err(error) => respond(PATH, demo, error.into()),
    }
}

/// One typed value in the settings document's type; errors name the setting.
fn typed_value(view: &SettingView, raw: &str) -> Result<Value, InvalidInput> {
    let name = view.name;
    match kind_of(view) {
        Kind::YesNo => match raw {
            "yes" => Ok(Value::Bool(true)),
            "no" => Ok(Value::Bool(false)),
            _ => Err(InvalidInput::new(name, "must be yes or no")),
        },
        Kind::Choice(options) => match options.iter().find(|o| **o == raw) {
            Some(code) => Ok(Value::String((*code).to_owned())),
            None => Err(InvalidInput::new(name, format!("must be one of {}", options.join(", ")))),
        },
        Kind::Whole { optional } if raw.is_empty() => {
            // A criterion with a floor is sent on empty, so the refusal names the floor and its source.
            if optional || ketapath_clinical::protocols::settings::floor(name).is_some() {
                Ok(Value::Null)
            } else {
                Err(InvalidInput::new(name, "is required"))
            }
        }
        Kind::Whole { .. } => {
            raw.parse::<u64>().map(Value::from).map_err(|_| InvalidInput::new(name, "must be a whole number"))
        }
        Kind::Decimal => raw
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from)
            .ok_or_else(|| InvalidInput::new(name, "must be a number")),
    }
}

/// The settings document a post asks for: every setting as typed, then the reset it asked for (`reset` = a
/// setting's name, or `all`), checked by the rules. Errors name the setting.
fn requested(current: &ProtocolSettings, fields: &Fields) -> Result<ProtocolSettings, InvalidInput> {
    let views = current.describe();
    let reset = fields.get("reset").unwrap_or_default();
    if reset == "all" {
        return Ok(ProtocolSettings::default());
    }
    let mut document = serde_json::to_value(current).map_err(|e| InvalidInput::new("settings", e.to_string()))?;
    for view in &views {
        let value = if view.name == reset {
            view.default.clone()
        } else {
            match fields.get(view.name) {
                Some(raw) => typed_value(view, raw)?,
                None => view.value.clone(),
            }
        };
        set_path(&mut document, view.name, value);
    }
    ProtocolSettings::from_json(&document).map_err(|error| {
        // A type error of the whole document ("settings"): name the setting whose value alone is refused.
        if error.field != "settings" {
            return error;
        }
        views
            .iter()
            .find(|v| {
                document
                    .pointer(&format!("/{}", v.name.replace('.', "/")))
                    .is_some_and(|value| !accepted_alone(v.name, value.clone()))
            })
            .map(|v| InvalidInput::new(v.name, error.message.clone()))
            .unwrap_or(error)
    })
}

/// The label of setting `name` with its name, for a message.
fn named(name: &str) -> String {
    match ProtocolSettings::default().describe().into_iter().find(|v| v.name == name) {
        Some(view) => format!("{} ({name})", view.label),
        None => name.to_owned(),
    }
}

/// The page again under `status` with a refusal and what was typed.
async fn refused(form: &PortalForm, scope: &ClinicScope, demo: bool, status: StatusCode, message: String) -> Response {
    match settings_page(&form.staff, scope, demo, Some(&form.fields), Some(message)).await {
        Ok(p) => render(status, &p),
        Err(error) => respond(PATH, demo, error.into()),
    }
}

/// The answer to a settings post once the store has answered: back to the settings page when it was saved; the page
/// again with the refusal when the store refused the role (`who_may` says which roles may); the error page for `path`
/// otherwise.
async fn saved(
    form: &PortalForm,
    scope: &ClinicScope,
    demo: bool,
    path: &str,
    result: Result<(), ApiError>,
    who_may: &str,
) -> Response {
    match result {
        Ok(()) => see_other(PATH),
        Err(ApiError::Forbidden(reason)) => {
            refused(form, scope, demo, StatusCode::FORBIDDEN, format!("Not changed: {reason}. {who_may}")).await
        }
        Err(error) => respond(path, demo, error),
    }
}

/// `POST /portal/clinic/settings`: saves the settings as typed, or resets one (or all) to the default, through the
/// same check as `PUT /api/v1/clinic/protocol-settings`; nurses are refused by the store (403).
pub async fn save(State(state): State<AppState>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let scope = match super::clinic_scope(&form.staff, demo, PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let current = match protocol_settings(&scope).await {
        Ok(settings) => settings,
        Err(error) => return respond(PATH, demo, error.into()),
    };
    // The time zone first: an unknown name refuses the whole post, naming the setting and keeping what was typed.
    let zone = match form.fields.get(TIME_ZONE).map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(name) => match ClinicTime::named(name) {
            Ok(zone) => Some(Some(zone.name().to_owned())),
            Err(invalid) => {
                let message = format!("Clinic time zone ({}): {}", invalid.field, invalid.message);
                return refused(&form, &scope, demo, StatusCode::BAD_REQUEST, message).await;
            }
        },
    };
    let checked = match requested(&current, &form.fields) {
        Ok(checked) => checked,
        Err(invalid) => {
            let message = format!("{}: {}", named(&invalid.field), invalid.message);
            return refused(&form, &scope, demo, StatusCode::BAD_REQUEST, message).await;
        }
    };
    let saved_settings = async {
        let values = serde_json::to_value(&checked).map_err(|_| ApiError::Internal)?;
        scope.put_protocol_settings(&values).await?;
        if let Some(zone) = zone
            && zone != scope.time_zone().await?
        {
            scope.set_time_zone(zone.as_deref()).await?;
        }
        Ok::<_, ApiError>(())
    };
    let who_may = "Clinic admins and prescribers change the settings.";
    saved(&form, &scope, demo, PATH, saved_settings.await, who_may).await
}

/// `POST /portal/clinic/outcome-publication`: `publish` = `yes` or `no`; clinic admins only (403 otherwise, from
/// the store, as for the API).
pub async fn set_publication(State(state): State<AppState>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let scope = match super::clinic_scope(&form.staff, demo, PUBLICATION_PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let publish = match form.fields.get("publish") {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            let message = "publish: must be yes or no".to_owned();
            return refused(&form, &scope, demo, StatusCode::BAD_REQUEST, message).await;
        }
    };
    let result = scope.set_publish_outcomes(publish).await.map(|_| ()).map_err(ApiError::from);
    saved(&form, &scope, demo, PUBLICATION_PATH, result, "Only clinic admins choose outcome publication.").await
}

/// `POST /portal/clinic/referral-cap`: `referral_daily_cap`, a whole number from 1 to 1000, or empty for the
/// platform default; clinic admins only (403 otherwise, from the store).
pub async fn set_referral_cap(State(state): State<AppState>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let scope = match super::clinic_scope(&form.staff, demo, REFERRAL_CAP_PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let cap = match form.fields.get("referral_daily_cap").unwrap_or_default() {
        "" => None,
        raw => match raw.parse::<u32>() {
            Ok(cap) => Some(cap),
            Err(_) => {
                let message = format!(
                    "Daily referral cap (referral_daily_cap): must be a whole number from 1 to \
                     {MAX_REFERRAL_DAILY_CAP}, or empty for the platform default"
                );
                return refused(&form, &scope, demo, StatusCode::BAD_REQUEST, message).await;
            }
        },
    };
    match scope.set_referral_daily_cap(cap).await.map_err(ApiError::from) {
        Err(ApiError::InvalidInput(invalid)) => {
            let message = format!("Daily referral cap ({}): {}", invalid.field, invalid.message);
            refused(&form, &scope, demo, StatusCode::BAD_REQUEST, message).await
        }
        result => {
            let who_may = "Only clinic admins set the daily referral cap.";
            saved(&form, &scope, demo, REFERRAL_CAP_PATH, result, who_may).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_settings_are_checked_by_the_rules_and_errors_name_the_setting() {
        let current = ProtocolSettings::default();
        let ok = requested(&current, &Fields::parse(b"discharge.min_spo2=96&rems.setting_type=inpatient")).unwrap();
        assert_eq!(ok.values().discharge.min_spo2, Some(96));
        assert_eq!(ok.values().rems.setting_type, ketapath_clinical::rems::SettingType::Inpatient);
        let off = requested(&current, &Fields::parse(b"discharge.min_spo2=")).unwrap_err();
        assert_eq!(off.field, "discharge.min_spo2");
        assert!(off.message.contains("cannot be switched off") && off.message.contains("at least 90"), "{off:?}");
        let low = requested(&current, &Fields::parse(b"discharge.min_spo2=80")).unwrap_err();
        assert_eq!(low.field, "discharge.min_spo2");
        let low = requested(&current, &Fields::parse(b"monitoring.minimum_minutes.esketamine_nasal=90")).unwrap_err();
        assert_eq!(low.field, "monitoring.minimum_minutes.esketamine_nasal");
        let overflow = requested(&current, &Fields::parse(b"discharge.min_moaas=300")).unwrap_err();
        assert_eq!(overflow.field, "discharge.min_moaas", "{overflow:?}");
        let word = requested(&current, &Fields::parse(b"iv.infusion_minutes=forty")).unwrap_err();
        assert_eq!((word.field.as_str(), word.message.as_str()), ("iv.infusion_minutes", "must be a whole number"));
        let required = requested(&current, &Fields::parse(b"iv.infusion_minutes=")).unwrap_err();
        assert_eq!(required.field, "iv.infusion_minutes");
        let changed = requested(&current, &Fields::parse(b"discharge.min_spo2=90")).unwrap();
        let reset = requested(&changed, &Fields::parse(b"discharge.min_spo2=90&reset=discharge.min_spo2")).unwrap();
        assert_eq!(reset.values().discharge.min_spo2, Some(94));
        assert_eq!(requested(&changed, &Fields::parse(b"reset=all")).unwrap(), ProtocolSettings::default());
    }
}
