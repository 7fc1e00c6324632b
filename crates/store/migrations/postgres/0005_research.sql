-- Version 5: research consent history, patient addresses, per-clinic outcome publication, and indexes for the
-- research read, which walks each clinic's patients in id order.

-- Every research-consent decision, oldest first. patients.research_consent stays the current state that the
-- portal shows; the research read requires both that flag and, when the history has rows, that the latest one
-- is `given`, so either place saying no excludes the patient.
CREATE TABLE research_consents (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('given', 'withdrawn')),
    decided_on TEXT NOT NULL,
    recorded_by TEXT REFERENCES staff_users (id),
    recorded_at BIGINT NOT NULL,
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX research_consents_patient ON research_consents (clinic_id, patient_id, recorded_at);

-- A patient's postal address: an identifier the export must cut to a three-digit ZIP and a state.
CREATE TABLE patient_addresses (
    patient_id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    street TEXT,
    city TEXT,
    state TEXT,
    zip TEXT,
    updated_at BIGINT NOT NULL,
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);

-- A clinic's choice to show its response and remission rates in the directory (off unless a row says on).
CREATE TABLE outcome_publication (
    clinic_id TEXT PRIMARY KEY REFERENCES clinics (id),
    publish BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES staff_users (id)
);

CREATE INDEX patients_clinic_id ON patients (clinic_id, id);
CREATE INDEX sessions_patient ON sessions (clinic_id, patient_id);
CREATE INDEX dose_records_patient ON dose_records (clinic_id, patient_id);
CREATE INDEX observations_patient ON observations (clinic_id, patient_id);
