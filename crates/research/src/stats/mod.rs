//! Registry statistics: proportions with Wilson intervals, Kaplan–Meier estimates, quartiles, event rates,
//! small-cell suppression, and the registry aggregation over consenting patients.

pub mod input;
pub mod km;
pub mod own_clinic;
pub mod quantiles;
pub mod rates;
pub mod registry;
pub mod suppress;
pub mod wilson;

pub use km::{Step, km, median_survival};
pub use own_clinic::{ClinicReport, Table, TableName, TimeToResponse, own_clinic_report};
pub use quantiles::{Quartiles, quartiles};
pub use rates::per_100_sessions;
pub use suppress::{Suppressed, Threshold, Visibility};
pub use wilson::{Interval, Proportion, Z_95, wilson};
