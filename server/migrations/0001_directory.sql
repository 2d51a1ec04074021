-- The service directory: the grid, categories, organizations and their offerings.
--
-- One history for SQLite and PostgreSQL. Portable SQL only; where the engines differ the
-- migrator substitutes a token (see server/src/store/migrate.rs):
--   {{ID}}           an integer primary key the database assigns;
--   {{SORTED_TEXT}}  text that sorts by code point on both engines (PostgreSQL's default
--                    collation would otherwise order Chinese names differently from SQLite).
-- Never edit a migration once it has been applied anywhere: add a new one.

CREATE TABLE grid_units (
    id          {{ID}},
    parent_id   BIGINT REFERENCES grid_units (id),
    kind        TEXT NOT NULL CHECK (kind IN ('district', 'subdistrict', 'community', 'zone',
                                              'courtyard', 'estate', 'resident-unit', 'building')),
    -- Stable key so demo and generated data can be reloaded without duplicates.
    code        TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    latitude    DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude   DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    sort_order  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX grid_units_parent ON grid_units (parent_id, sort_order);
CREATE INDEX grid_units_kind ON grid_units (kind, sort_order);

CREATE TABLE categories (
    slug        TEXT PRIMARY KEY,
    group_slug  TEXT NOT NULL CHECK (group_slug IN ('elder-care', 'disability')),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort_order  BIGINT NOT NULL
);

CREATE TABLE organizations (
    id              {{ID}},
    code            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('social-organization', 'volunteer-organization', 'resident-unit')),
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    description_zh  TEXT NOT NULL,
    description_en  TEXT NOT NULL,
    phone           TEXT NOT NULL,
    address_zh      TEXT NOT NULL,
    address_en      TEXT NOT NULL,
    community_id    BIGINT NOT NULL REFERENCES grid_units (id),
    latitude        DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude       DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    verified        BIGINT NOT NULL DEFAULT 0 CHECK (verified IN (0, 1))
);

CREATE TABLE services (
    id                  {{ID}},
    code                TEXT NOT NULL UNIQUE,
    organization_id     BIGINT NOT NULL REFERENCES organizations (id),
    category_slug       TEXT NOT NULL REFERENCES categories (slug),
    name_zh             {{SORTED_TEXT}} NOT NULL,
    name_en             {{SORTED_TEXT}} NOT NULL,
    description_zh      TEXT NOT NULL,
    description_en      TEXT NOT NULL,
    delivery            TEXT NOT NULL CHECK (delivery IN ('on-site', 'at-home')),
    grid_unit_id        BIGINT NOT NULL REFERENCES grid_units (id),
    address_zh          TEXT NOT NULL,
    address_en          TEXT NOT NULL,
    latitude            DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude           DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    hours_zh            TEXT NOT NULL,
    hours_en            TEXT NOT NULL,
    min_age             BIGINT CHECK (min_age BETWEEN 0 AND 150),
    residence_required  BIGINT NOT NULL DEFAULT 0 CHECK (residence_required IN (0, 1)),
    disability_certificate_required BIGINT NOT NULL DEFAULT 0 CHECK (disability_certificate_required IN (0, 1)),
    eligibility_note_zh TEXT,
    eligibility_note_en TEXT,
    cost_kind           TEXT NOT NULL CHECK (cost_kind IN ('free', 'subsidized', 'paid')),
    -- Fen per unit; required unless the service is free.
    price_fen           BIGINT CHECK (price_fen >= 0),
    price_unit_zh       TEXT,
    price_unit_en       TEXT,
    phone               TEXT NOT NULL,
    capacity            BIGINT CHECK (capacity > 0),
    CHECK (cost_kind = 'free' OR (price_fen IS NOT NULL AND price_unit_zh IS NOT NULL AND price_unit_en IS NOT NULL))
);
-- Radius search narrows by a latitude band first, then longitude; with the id the index
-- alone answers which services are within the radius and in what order.
CREATE INDEX services_position ON services (latitude, longitude, id);
CREATE INDEX services_organization ON services (organization_id);
CREATE INDEX services_category ON services (category_slug);
CREATE INDEX services_name_zh ON services (name_zh, id);
CREATE INDEX services_name_en ON services (name_en, id);

-- Grid units an at-home service reaches.
CREATE TABLE service_coverage (
    service_id   BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    grid_unit_id BIGINT NOT NULL REFERENCES grid_units (id),
    PRIMARY KEY (service_id, grid_unit_id)
);

-- Named data sets loaded into this database (demo data); makes loading idempotent.
CREATE TABLE data_loads (
    name       TEXT PRIMARY KEY,
    loaded_at  BIGINT NOT NULL
);
