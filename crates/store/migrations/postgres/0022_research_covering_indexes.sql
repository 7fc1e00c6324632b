-- Version 22: the research read's indexes hold the columns the registry reads (issue 19, item 3).
-- Released migrations are never edited: add a new file instead.
-- The registry reads each table for a page of patients by (clinic_id, patient_id). Through the old two-column
-- indexes every row found was then looked up in its table, one B-tree descent per row and most of a table page
-- read for a few columns. Each index below starts with the columns of the one it replaces, so that every query
-- that used the old index can use the new one, and ends with the columns of the statistics read, so that the
-- read finds everything in the index. The blood pressures, the only observations the statistics read, get a
-- partial index of their own; the other observations keep the two-column index. Assessments keep theirs: every
-- assessment write adds to it, and a wider one was not shown to be worth its size (docs/BENCHMARKS.md).
DROP INDEX sessions_patient;
CREATE INDEX sessions_patient ON sessions (
    clinic_id, patient_id, course_id, started_at, ended_at, discharged_at, id
);
DROP INDEX dose_records_patient;
CREATE INDEX dose_records_patient ON dose_records (clinic_id, patient_id, session_id, given_at, dose_mg, id);
DROP INDEX courses_patient;
CREATE INDEX courses_patient ON courses (
    clinic_id, patient_id, id, treatment, started_on, ended_on, created_at
);
CREATE INDEX observations_blood_pressure ON observations (
    clinic_id, patient_id, session_id, observed_at, kind, data, id
) WHERE kind = 'blood_pressure';
