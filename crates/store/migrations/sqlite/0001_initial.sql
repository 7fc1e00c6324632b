-- KetaPath schema, version 1 (SQLite). Released migrations are never edited: add a new file instead.
-- Conventions shared with the PostgreSQL schema so that one SQL text serves both backends:
--   ids are UUIDv7 as hyphenated lower-case TEXT (clinic ids are the listing's own id);
--   instants are INTEGER microseconds since the Unix epoch, UTC; calendar dates are TEXT YYYY-MM-DD;
--   JSON documents are TEXT; booleans are BOOLEAN (0/1 on SQLite).
-- Every clinic-scoped table carries clinic_id, and composite foreign keys (x_id, clinic_id) make a child row
-- belong to the same clinic as its parent.

CREATE TABLE clinics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    zip TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    position_source TEXT NOT NULL,
    phone TEXT,
    website TEXT,
    offers BIGINT NOT NULL,
    payment BIGINT NOT NULL,
    telehealth BOOLEAN NOT NULL,
    languages TEXT NOT NULL,
    accepting_new_patients BOOLEAN NOT NULL,
    rems_certified BOOLEAN NOT NULL,
    last_verified TEXT,
    verified_by TEXT,
    hours TEXT NOT NULL,
    accessibility TEXT NOT NULL,
    description TEXT,
    demo BOOLEAN NOT NULL,
    listing_version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL
);
CREATE INDEX clinics_listing_version ON clinics (listing_version);

CREATE TABLE staff_users (
    id TEXT PRIMARY KEY,
    clinic_id TEXT REFERENCES clinics (id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('platform_admin', 'clinic_admin', 'prescriber', 'nurse', 'researcher')),
    password_hash TEXT,
    active BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((role IN ('platform_admin', 'researcher')) = (clinic_id IS NULL))
);
CREATE INDEX staff_users_clinic ON staff_users (clinic_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES staff_users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE listing_reports (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    reported_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT,
    contact TEXT,
    status TEXT NOT NULL,
    resolved_at BIGINT,
    resolved_by TEXT REFERENCES staff_users (id)
);
CREATE INDEX listing_reports_clinic ON listing_reports (clinic_id);

CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    mrn TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT,
    phone TEXT,
    email TEXT,
    research_consent BOOLEAN NOT NULL,
    rems_patient_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT,
    UNIQUE (id, clinic_id),
    UNIQUE (clinic_id, mrn)
);
CREATE INDEX patients_clinic_name ON patients (clinic_id, family_name, given_name);

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    treatment TEXT NOT NULL,
    status TEXT NOT NULL,
    planned_sessions BIGINT,
    prescriber_id TEXT REFERENCES staff_users (id),
    started_on TEXT,
    ended_on TEXT,
    end_reason TEXT,
    notes TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX courses_patient ON courses (clinic_id, patient_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    status TEXT NOT NULL,
    scheduled_at BIGINT,
    started_at BIGINT,
    ended_at BIGINT,
    monitored_by TEXT REFERENCES staff_users (id),
    ready_to_leave_minutes BIGINT,
    discharged_at BIGINT,
    discharged_by TEXT REFERENCES staff_users (id),
    discharge_override_reason TEXT,
    notes TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (id, clinic_id),
    FOREIGN KEY (course_id, clinic_id) REFERENCES courses (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX sessions_course ON sessions (clinic_id, course_id);

CREATE TABLE dose_records (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    given_at BIGINT NOT NULL,
    drug TEXT NOT NULL,
    dose_mg REAL NOT NULL,
    route TEXT NOT NULL,
    lot_number TEXT,
    given_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX dose_records_session ON dose_records (clinic_id, session_id);

CREATE TABLE observations (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    observed_at BIGINT NOT NULL,
    minutes_after_dose BIGINT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    recorded_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX observations_session ON observations (clinic_id, session_id, observed_at);

CREATE TABLE adverse_events (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    session_id TEXT,
    occurred_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    description TEXT,
    action_taken TEXT,
    reported_externally BOOLEAN NOT NULL,
    recorded_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX adverse_events_patient ON adverse_events (clinic_id, patient_id);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    course_id TEXT,
    session_id TEXT,
    instrument TEXT NOT NULL,
    items TEXT NOT NULL,
    total BIGINT NOT NULL,
    severity TEXT,
    rule_id TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    source TEXT NOT NULL,
    administered_at BIGINT NOT NULL,
    recorded_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id),
    FOREIGN KEY (course_id, clinic_id) REFERENCES courses (id, clinic_id),
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id)
);
CREATE INDEX assessments_patient ON assessments (clinic_id, patient_id, administered_at);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    received_at BIGINT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    contact_name TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    message TEXT,
    summary TEXT,
    patient_id TEXT,
    updated_at BIGINT NOT NULL,
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX referrals_clinic ON referrals (clinic_id, received_at);

CREATE TABLE self_report_links (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    instrument TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_by TEXT REFERENCES staff_users (id),
    assessment_id TEXT REFERENCES assessments (id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX self_report_links_patient ON self_report_links (clinic_id, patient_id);

-- The audit log is a hash chain: hash = SHA-256(canonical fields of this event || prev_hash).
-- No foreign keys: the log outlives what it describes.
CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT,
    actor_role TEXT NOT NULL,
    clinic_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- Append-only for everyone, the admin included.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
