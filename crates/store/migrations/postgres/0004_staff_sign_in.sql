-- Version 4: staff sign-in on the web portal. Released migrations are never edited: add a new file instead.
-- Browser sessions (only the SHA-256 of the cookie's secret is kept, so a database leak yields no usable cookie),
-- lock-out after repeated failed sign-ins, a TOTP second factor per user, and each clinic's security settings.

CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY,
    id_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES staff_users (id),
    csrf_secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    peer TEXT
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

-- Sign-in state per user, in its own table rather than new staff_users columns, so that the account rows (and the
-- queries that read them) never carry the TOTP secret, and data written before this version is left untouched.
-- A user without a row has no failures, no lock and no second factor.
CREATE TABLE staff_sign_in (
    user_id TEXT PRIMARY KEY REFERENCES staff_users (id),
    failed_logins BIGINT NOT NULL,
    locked_until BIGINT,
    totp_secret TEXT,
    totp_enabled BOOLEAN NOT NULL,
    totp_last_step BIGINT
);

CREATE TABLE clinic_security (
    clinic_id TEXT PRIMARY KEY REFERENCES clinics (id),
    require_totp BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES staff_users (id)
);
