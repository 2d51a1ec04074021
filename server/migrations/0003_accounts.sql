-- Accounts: people and how they sign in, sessions, one-time codes, the SMS outbox,
-- rate limits, roles (community staff, organization members), family links, personal
-- API tokens, consent records and the audit log.
--
-- None of these tables is part of the directory: writing them never bumps
-- directory_version (see 0004), so signing in never invalidates a snapshot.
-- Times are epoch milliseconds. Secrets are never stored: sessions, codes and API
-- tokens by their SHA-256, passwords by their argon2id hash.

CREATE TABLE people (
    id              {{ID}},
    -- A mainland mobile number (11 digits) or a lower-cased e-mail address; NULL once
    -- the account is deleted (the row stays so that ratings given stay, anonymized).
    login           TEXT UNIQUE,
    display_name    TEXT NOT NULL,
    -- argon2id PHC string; NULL for people who sign in with codes only.
    password_hash   TEXT,
    volunteer       BIGINT NOT NULL DEFAULT 0 CHECK (volunteer IN (0, 1)),
    volunteer_skills TEXT,
    volunteer_availability TEXT,
    home_grid_unit_id BIGINT REFERENCES grid_units (id),
    -- Created by community staff in person for someone without a phone of their own.
    created_by      BIGINT REFERENCES people (id),
    created_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);

-- Sign-ups waiting for the code that proves the login is the person's.
CREATE TABLE pending_registrations (
    login           TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    password_hash   TEXT,
    notice_version  TEXT NOT NULL,
    -- The hash of the secret only the registering client holds (see the domain's
    -- PendingRegistration): a code alone does not complete someone else's sign-up.
    secret_hash     TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- What the person agreed to at sign-up (PIPL): which notice, when.
CREATE TABLE consents (
    person_id       BIGINT NOT NULL REFERENCES people (id),
    notice_version  TEXT NOT NULL,
    accepted_at     BIGINT NOT NULL,
    PRIMARY KEY (person_id, notice_version)
);

CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    created_at      BIGINT NOT NULL,
    -- Refreshed at most once a minute; a session idle past the limit is over.
    last_seen_at    BIGINT NOT NULL,
    -- However active, a session ends here (absolute expiry).
    expires_at      BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

-- One-time codes sent by SMS or e-mail: sign-in, and confirming a family link.
CREATE TABLE one_time_codes (
    id              {{ID}},
    login           TEXT NOT NULL,
    purpose         TEXT NOT NULL CHECK (purpose IN ('sign-in', 'family-link')),
    code_hash       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    used_at         BIGINT
);
CREATE INDEX one_time_codes_login ON one_time_codes (login, purpose, created_at);

-- Messages the built-in sender "sends": `doorstep outbox` prints them. A real SMS
-- gateway would read from here too, so a message is never lost with a request.
CREATE TABLE outbox (
    id              {{ID}},
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient       TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);

-- Fixed-window counters, shared by every instance: key = what is limited and for whom.
CREATE TABLE rate_limits (
    key             TEXT PRIMARY KEY,
    window_start    BIGINT NOT NULL,
    hits            BIGINT NOT NULL
);

CREATE TABLE community_staff (
    person_id       BIGINT NOT NULL REFERENCES people (id),
    community_id    BIGINT NOT NULL REFERENCES grid_units (id),
    PRIMARY KEY (person_id, community_id)
);

-- Organizations registered through the app: their credit code, contact and state.
-- Kept beside `organizations` (the directory row) so that account work never writes
-- the directory table except for a real directory change.
CREATE TABLE organization_accounts (
    organization_id BIGINT PRIMARY KEY REFERENCES organizations (id),
    credit_code     TEXT NOT NULL UNIQUE,
    contact_name    TEXT NOT NULL,
    contact_phone   TEXT NOT NULL,
    registered_by   BIGINT NOT NULL REFERENCES people (id),
    registered_at   BIGINT NOT NULL
);

CREATE TABLE organization_communities (
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    community_id    BIGINT NOT NULL REFERENCES grid_units (id),
    PRIMARY KEY (organization_id, community_id)
);

CREATE TABLE organization_members (
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    person_id       BIGINT NOT NULL REFERENCES people (id),
    role            TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    added_at        BIGINT NOT NULL,
    PRIMARY KEY (organization_id, person_id)
);
CREATE INDEX organization_members_person ON organization_members (person_id);

-- 亲友代办: `member` may act for `person`. Pending until confirmed by a code from the
-- member's own account or by community staff in person.
CREATE TABLE family_links (
    id              {{ID}},
    person_id       BIGINT NOT NULL REFERENCES people (id),
    member_id       BIGINT NOT NULL REFERENCES people (id),
    relation        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'active', 'ended')),
    created_at      BIGINT NOT NULL,
    confirmed_at    BIGINT,
    confirmed_by    BIGINT REFERENCES people (id),
    ended_at        BIGINT,
    CHECK (person_id <> member_id)
);
CREATE INDEX family_links_person ON family_links (person_id, status);
-- One open link per pair, whatever the concurrency.
CREATE UNIQUE INDEX family_links_open ON family_links (person_id, member_id) WHERE status <> 'ended';
CREATE INDEX family_links_member ON family_links (member_id, status);

CREATE TABLE api_tokens (
    id              {{ID}},
    person_id       BIGINT NOT NULL REFERENCES people (id),
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
);

-- Staff and owner actions: who did what to what, for whom, from which request.
CREATE TABLE audit_log (
    id              {{ID}},
    at              BIGINT NOT NULL,
    actor_id        BIGINT REFERENCES people (id),
    action          TEXT NOT NULL,
    subject_kind    TEXT NOT NULL,
    subject_id      BIGINT,
    on_behalf_of    BIGINT REFERENCES people (id),
    request_id      TEXT,
    detail          TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

-- The state community staff give a registered organization. Directory columns: a
-- change here is a directory change (verified organizations' offerings show; a
-- suspended organization's leave at once).
ALTER TABLE organizations ADD COLUMN suspended BIGINT NOT NULL DEFAULT 0;
