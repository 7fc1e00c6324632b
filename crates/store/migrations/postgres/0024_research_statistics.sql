-- Version 24: each patient's statistics record, kept as the registry reads it, so that the registry reads one row
-- per patient instead of every row of nine tables (issue 19, item 3: the registry within 2x of DuckDB at a million
-- patients). Released migrations are never edited: add a new file instead.
--
-- The record is derived data: the store builds it from the patient's rows with the same code as the statistics read
-- from rows (`research_build.rs`). A trigger on every table that record is built from marks the patient stale in
-- the same transaction as the write, so no write path can forget it; the statistics read builds a stale patient
-- from their rows, in its own snapshot, and only trusts the records of patients that are not stale.
-- `version` counts the marks, so that a refresh clears a mark only if no write came after the rows it read.
CREATE TABLE research_statistics (
    patient_id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    format BIGINT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE research_statistics_stale (
    patient_id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    version BIGINT NOT NULL
);
-- Every patient is stale until the first refresh builds their record.
INSERT INTO research_statistics_stale (patient_id, clinic_id, version) SELECT id, clinic_id, 1 FROM patients;

-- A write to a patient or to any row of theirs that the record is built from marks them stale (and, for an update
-- that moves a row to another patient, the patient it left).
CREATE FUNCTION research_statistics_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_patient TEXT;
    old_patient TEXT;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        -- Separate assignments: PL/pgSQL resolves a record's field only when the statement runs.
        IF TG_TABLE_NAME = 'patients' THEN new_patient := NEW.id; ELSE new_patient := NEW.patient_id; END IF;
        INSERT INTO research_statistics_stale (patient_id, clinic_id, version) VALUES (new_patient, NEW.clinic_id, 1)
            ON CONFLICT (patient_id) DO UPDATE SET version = research_statistics_stale.version + 1;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        IF TG_TABLE_NAME = 'patients' THEN old_patient := OLD.id; ELSE old_patient := OLD.patient_id; END IF;
        IF new_patient IS DISTINCT FROM old_patient THEN
            INSERT INTO research_statistics_stale (patient_id, clinic_id, version)
                VALUES (old_patient, OLD.clinic_id, 1)
                ON CONFLICT (patient_id) DO UPDATE SET version = research_statistics_stale.version + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
-- The same trigger on each table, named after it.
DO $$
DECLARE
    source TEXT;
BEGIN
    FOREACH source IN ARRAY ARRAY['patients', 'research_consents', 'courses', 'sessions', 'dose_records',
                                  'observations', 'gate_overrides', 'adverse_events', 'assessments'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION research_statistics_mark_stale()',
                       source || '_research_stale', source);
    END LOOP;
END;
$$;
