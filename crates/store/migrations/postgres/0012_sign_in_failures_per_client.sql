-- Version 12: failed sign-ins counted per account and client address, so that a stranger's wrong passwords lock
-- out only the stranger's address, never the account's owner signing in from elsewhere.
-- The address itself is not stored: `client_hash` is the SHA-256 of the client key (an IPv4 address or an IPv6
-- /64 network). A row is forgotten a day after its last failure once any lock has passed.
CREATE TABLE staff_sign_in_failures (
    user_id TEXT NOT NULL REFERENCES staff_users (id),
    client_hash TEXT NOT NULL,
    failed_logins BIGINT NOT NULL,
    last_failed_at BIGINT NOT NULL,
    locked_until BIGINT,
    PRIMARY KEY (user_id, client_hash)
);
CREATE INDEX staff_sign_in_failures_last ON staff_sign_in_failures (last_failed_at);

-- The account-wide count and lock of version 4 are no longer read; clear them so no account stays locked for all.
UPDATE staff_sign_in SET failed_logins = 0, locked_until = NULL;
