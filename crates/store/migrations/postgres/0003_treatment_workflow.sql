-- Version 3: the treatment workflow. Where an assessment was taken (baseline, pre-session, ...), the intake
-- document of each patient, the schedule and contraindication override of a course, the pre-dose checks of a
-- session, prescriber overrides of session gates, each clinic's protocol settings and the REMS Patient
-- Monitoring Form of each session. JSON documents are TEXT, as in version 1.

ALTER TABLE assessments ADD COLUMN context TEXT;

ALTER TABLE courses ADD COLUMN schedule TEXT;
ALTER TABLE courses ADD COLUMN contraindication_override_reason TEXT;
ALTER TABLE courses ADD COLUMN contraindication_override_by TEXT REFERENCES staff_users (id);

ALTER TABLE sessions ADD COLUMN pre_checks TEXT;

-- One intake per patient: the staff-entered answers and the results computed from them with their rule ids.
CREATE TABLE patient_intakes (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    document TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    updated_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (clinic_id, patient_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);

-- A prescriber's decision to pass a gate (blood pressure before a dose, discharge criteria), with the reason.
CREATE TABLE gate_overrides (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    gate TEXT NOT NULL,
    reason TEXT NOT NULL,
    rules TEXT NOT NULL,
    overridden_by TEXT NOT NULL REFERENCES staff_users (id),
    at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX gate_overrides_session ON gate_overrides (clinic_id, session_id);

-- One settings document per clinic; missing keys take the protocol defaults.
CREATE TABLE protocol_settings (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL UNIQUE REFERENCES clinics (id),
    document TEXT NOT NULL,
    updated_by TEXT REFERENCES staff_users (id),
    updated_at BIGINT NOT NULL
);

-- The Patient Monitoring Form of a session once staff have submitted it: the form as submitted.
CREATE TABLE rems_forms (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    form TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    submitted_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    UNIQUE (clinic_id, session_id),
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
