-- Organizations publish their own offerings (issue 9).
--
-- A service row is now also an offering with a life: active (found by search), paused
-- (its page says so, and why), retired (out of the directory, history kept). `draft` is
-- the offering as its organization typed it (JSON of domain::offerings::OfferingInput),
-- what editing starts from; rows from demo or generated data have none. `revision`
-- counts changes so an edit made from an old copy is refused instead of overwriting.
ALTER TABLE services ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'paused', 'retired'));
ALTER TABLE services ADD COLUMN status_reason TEXT;
ALTER TABLE services ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN draft TEXT;
ALTER TABLE services ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
-- The offering's photo: the key of its images in `photos` (or the uploads directory).
ALTER TABLE services ADD COLUMN photo TEXT;
CREATE INDEX services_status ON services (organization_id, status);

-- Who changed what and when: one row per revision, the changed fields as JSON
-- ([{"field", "before", "after"}]). The key makes two writers of one revision collide.
CREATE TABLE service_revisions (
    service_id  BIGINT NOT NULL REFERENCES services (id),
    revision    BIGINT NOT NULL CHECK (revision > 0),
    action      TEXT NOT NULL CHECK (action IN ('created', 'edited', 'paused', 'resumed', 'retired')),
    changed_by  BIGINT REFERENCES people (id),
    changed_at  BIGINT NOT NULL,
    changes     TEXT NOT NULL,
    reason      TEXT,
    PRIMARY KEY (service_id, revision)
);

-- What a refused no-JS form had typed, when it is too long for the one-minute flash
-- cookie (an offering's description). The cookie carries a random key; the table keeps
-- its SHA-256, so a key read from a log opens nothing. Rows go after an hour.
CREATE TABLE form_drafts (
    key_hash    TEXT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    form_values TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX form_drafts_created ON form_drafts (created_at);

-- Offering photos as the server re-encoded them (EXIF, GPS included, never kept), one
-- row per size the pages use, when uploads are kept in the database (the default;
-- `--uploads dir:PATH` keeps them as files instead). A key is the hash of the image, so
-- a URL never changes its content and is cached for a year.
CREATE TABLE photos (
    photo_key    TEXT NOT NULL,
    size         TEXT NOT NULL CHECK (size IN ('card', 'page')),
    content_type TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (photo_key, size)
);

-- The directory shows an offering's status and its reason: they bump directory_version.
DROP TRIGGER services_updated ON services;
CREATE TRIGGER services_updated AFTER UPDATE OF organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age, residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en, cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity, status, status_reason, photo
    ON services FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
