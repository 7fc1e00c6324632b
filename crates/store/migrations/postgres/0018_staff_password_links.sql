-- Version 18: one-time set-password links (issue 17, item 1). Released migrations are never edited: add a new file
-- instead.
-- An admin adding a staff member (or resetting a password) may hand over a link instead of a password: the link's
-- secret is shown once and only its SHA-256 is kept (`token_hash`), so a database leak yields no usable link. A link
-- works once (`used_at`) and until `expires_at` (72 hours after it is made); a newer link for the same account, or
-- the account's deactivation, ends the older ones by moving their `expires_at` to that moment. `created_by` is the
-- admin who made it, NULL when it was made from the command line.
CREATE TABLE staff_password_links (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES staff_users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX staff_password_links_user ON staff_password_links (user_id);
