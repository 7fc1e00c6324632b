//! Router tests without a socket (`tower::ServiceExt::oneshot`), plus one real-socket round trip.
//!
//! One test binary with modules per area keeps link time down on a shared machine.

mod access_matrix;
mod api;
mod api_fixture;
mod assets;
mod benefit_review;
mod check;
mod clinics;
mod conformance;
mod date_bounds;
mod demo_care;
mod fhir;
mod freshness;
mod headers;
mod hostile;
mod injection;
mod no_database;
mod openapi;
mod ops;
mod pages;
mod patient_search;
mod patients;
mod portal_auth;
mod portal_care;
mod portal_flowsheet;
mod portal_forms;
mod portal_pages;
mod portal_readable;
mod portal_review;
mod portal_support;
mod privacy;
mod referral;
mod referral_abuse;
mod research;
mod screenings;
mod self_report;
mod session_alerts;
mod session_record;
mod session_workflow;
mod socket;
mod support;
