-- Version 24: each patient's statistics record, kept as the registry reads it, so that the registry reads one row
-- per patient instead of every row of nine tables (issue 19, item 3: the registry within 2x of DuckDB at a million
-- patients). Released migrations are never edited: add a new file instead.
--
-- The record is derived data: the store builds it from the patient's rows with the same code as the statistics read
-- from rows (`research_build.rs`). A trigger on every table that record is built from marks the patient stale in
-- the same transaction as the write, so no write path can forget it; the statistics read builds a stale patient
-- from their rows, in its own snapshot, and only trusts the records of patients that are not stale.
-- `version` counts the marks, so that a refresh clears a mark only if no write came after the rows it read.
-- Both tables are kept in patient id order (WITHOUT ROWID), which is the order the registry reads them in.
CREATE TABLE research_statistics (
    patient_id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    format INTEGER NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE research_statistics_stale (
    patient_id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    version BIGINT NOT NULL
) WITHOUT ROWID;
-- Every patient is stale until the first refresh builds their record.
INSERT INTO research_statistics_stale (patient_id, clinic_id, version) SELECT id, clinic_id, 1 FROM patients;

-- A write to a patient or to any row of theirs that the record is built from marks them stale. SQLite has no trigger
-- functions and no dynamic SQL, so each table has the same four triggers written out (the tables are
-- `STATISTICS_SOURCES` in `crates/store/src/tables.rs`; a test counts the triggers on each).
CREATE TRIGGER patients_research_stale_insert AFTER INSERT ON patients BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patients_research_stale_update AFTER UPDATE ON patients BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patients_research_stale_delete AFTER DELETE ON patients BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER patients_research_stale_update_old AFTER UPDATE ON patients
WHEN OLD.id IS NOT NEW.id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER research_consents_research_stale_insert AFTER INSERT ON research_consents BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER research_consents_research_stale_update AFTER UPDATE ON research_consents BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER research_consents_research_stale_delete AFTER DELETE ON research_consents BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER research_consents_research_stale_update_old AFTER UPDATE ON research_consents
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER courses_research_stale_insert AFTER INSERT ON courses BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER courses_research_stale_update AFTER UPDATE ON courses BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER courses_research_stale_delete AFTER DELETE ON courses BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER courses_research_stale_update_old AFTER UPDATE ON courses
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER sessions_research_stale_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER sessions_research_stale_update AFTER UPDATE ON sessions BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER sessions_research_stale_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER sessions_research_stale_update_old AFTER UPDATE ON sessions
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dose_records_research_stale_insert AFTER INSERT ON dose_records BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dose_records_research_stale_update AFTER UPDATE ON dose_records BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dose_records_research_stale_delete AFTER DELETE ON dose_records BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dose_records_research_stale_update_old AFTER UPDATE ON dose_records
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER observations_research_stale_insert AFTER INSERT ON observations BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER observations_research_stale_update AFTER UPDATE ON observations BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER observations_research_stale_delete AFTER DELETE ON observations BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER observations_research_stale_update_old AFTER UPDATE ON observations
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER gate_overrides_research_stale_insert AFTER INSERT ON gate_overrides BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER gate_overrides_research_stale_update AFTER UPDATE ON gate_overrides BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER gate_overrides_research_stale_delete AFTER DELETE ON gate_overrides BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER gate_overrides_research_stale_update_old AFTER UPDATE ON gate_overrides
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER adverse_events_research_stale_insert AFTER INSERT ON adverse_events BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER adverse_events_research_stale_update AFTER UPDATE ON adverse_events BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER adverse_events_research_stale_delete AFTER DELETE ON adverse_events BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER adverse_events_research_stale_update_old AFTER UPDATE ON adverse_events
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assessments_research_stale_insert AFTER INSERT ON assessments BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assessments_research_stale_update AFTER UPDATE ON assessments BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (NEW.patient_id, NEW.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assessments_research_stale_delete AFTER DELETE ON assessments BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assessments_research_stale_update_old AFTER UPDATE ON assessments
WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN
    INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (OLD.patient_id, OLD.clinic_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
