-- Version 19: the clinic's own listing and "List your clinic" (issue 17, items 2 and 5).
-- `listing_field_verifications` holds, per clinic and listing field (`phone`, `hours`, …), the date its clinic (or a
-- platform admin) last verified it, so that a later CSV import never silently overwrites a field verified more
-- recently than the import's own date. `verified_on` is the clinic's calendar date, `YYYY-MM-DD`.
CREATE TABLE listing_field_verifications (
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    field TEXT NOT NULL,
    verified_on TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, field)
);

-- A clinic that is not listed asking to be: kept out of the directory until a platform admin approves it (status
-- `pending`, then `approved` with the clinic it became, or `declined` with the reason).
CREATE TABLE listing_requests (
    id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    zip TEXT NOT NULL,
    phone TEXT NOT NULL,
    website TEXT,
    offers BIGINT NOT NULL,
    rems_certified BOOLEAN NOT NULL,
    npi TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT REFERENCES staff_users (id),
    decline_reason TEXT,
    clinic_id TEXT REFERENCES clinics (id)
);
CREATE INDEX listing_requests_status ON listing_requests (status, received_at);
