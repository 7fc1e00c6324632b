-- Version 7: the clinic's own time zone (an IANA name such as America/Chicago), beside its protocol settings.
-- Empty (NULL) until the clinic chooses one; the portal then derives a default from the listing's state.
ALTER TABLE protocol_settings ADD COLUMN time_zone TEXT;
