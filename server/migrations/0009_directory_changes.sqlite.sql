-- A change log beside directory_version, so that instances apply what changed instead of
-- re-reading the whole directory after every write (store::directory_cache).
--
-- Every version records which rows it changed: ('service', id), ('organization', id) or
-- ('all', 0) for the grid and the categories, which every card depends on. A reader takes
-- directory_version and the changes in (its version, that version] from one snapshot of
-- the database, so it can never miss a change nor see one twice.
--
-- SQLite: triggers are row-level only; each changed row bumps the version (as since
-- 0002) and records itself under the new version. SQLite has one writer at a time, so
-- versions are in commit order.
--
-- Instances delete old changes (directory_changes_kept says from which version on the log
-- is whole); one that has fallen behind that point reads the directory whole.
CREATE TABLE directory_changes (
    version   BIGINT NOT NULL,
    entity    TEXT NOT NULL CHECK (entity IN ('service', 'organization', 'all')),
    entity_id BIGINT NOT NULL
);
CREATE INDEX directory_changes_by_version ON directory_changes (version);

CREATE TABLE directory_changes_kept (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    -- Changes of every version above this one are in directory_changes.
    from_version BIGINT NOT NULL
);
INSERT INTO directory_changes_kept (id, from_version) SELECT 1, version FROM directory_version WHERE id = 1;

DROP TRIGGER services_inserted;
CREATE TRIGGER services_inserted AFTER INSERT ON services
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', NEW.id FROM directory_version WHERE id = 1;
END;
DROP TRIGGER services_updated;
CREATE TRIGGER services_updated AFTER UPDATE OF organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age, residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en, cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity, status, status_reason, photo, search_text ON services
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', NEW.id FROM directory_version WHERE id = 1;
END;
DROP TRIGGER services_deleted;
CREATE TRIGGER services_deleted AFTER DELETE ON services
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', OLD.id FROM directory_version WHERE id = 1;
END;
DROP TRIGGER organizations_inserted;
CREATE TRIGGER organizations_inserted AFTER INSERT ON organizations
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'organization', NEW.id FROM directory_version WHERE id = 1;
END;
DROP TRIGGER organizations_updated;
CREATE TRIGGER organizations_updated AFTER UPDATE OF kind, name_zh, name_en, description_zh, description_en, phone, address_zh, address_en, community_id, latitude, longitude, verified, suspended ON organizations
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'organization', NEW.id FROM directory_version WHERE id = 1;
END;
DROP TRIGGER organizations_deleted;
CREATE TRIGGER organizations_deleted AFTER DELETE ON organizations
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'organization', OLD.id FROM directory_version WHERE id = 1;
END;
DROP TRIGGER service_coverage_inserted;
CREATE TRIGGER service_coverage_inserted AFTER INSERT ON service_coverage
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', NEW.service_id FROM directory_version WHERE id = 1;
END;
DROP TRIGGER service_coverage_deleted;
CREATE TRIGGER service_coverage_deleted AFTER DELETE ON service_coverage
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', OLD.service_id FROM directory_version WHERE id = 1;
END;
-- An update may move a coverage row to another service: both change.
DROP TRIGGER service_coverage_updated;
CREATE TRIGGER service_coverage_updated AFTER UPDATE ON service_coverage
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', NEW.service_id FROM directory_version WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', OLD.service_id FROM directory_version WHERE id = 1 AND OLD.service_id <> NEW.service_id;
END;
DROP TRIGGER categories_inserted;
CREATE TRIGGER categories_inserted AFTER INSERT ON categories
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'all', 0 FROM directory_version WHERE id = 1;
END;
DROP TRIGGER categories_updated;
CREATE TRIGGER categories_updated AFTER UPDATE OF slug, group_slug, name_zh, name_en, sort_order ON categories
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'all', 0 FROM directory_version WHERE id = 1;
END;
DROP TRIGGER categories_deleted;
CREATE TRIGGER categories_deleted AFTER DELETE ON categories
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'all', 0 FROM directory_version WHERE id = 1;
END;
DROP TRIGGER grid_units_inserted;
CREATE TRIGGER grid_units_inserted AFTER INSERT ON grid_units
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'all', 0 FROM directory_version WHERE id = 1;
END;
DROP TRIGGER grid_units_updated;
CREATE TRIGGER grid_units_updated AFTER UPDATE OF parent_id, kind, name_zh, name_en, latitude, longitude, sort_order ON grid_units
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'all', 0 FROM directory_version WHERE id = 1;
END;
DROP TRIGGER grid_units_deleted;
CREATE TRIGGER grid_units_deleted AFTER DELETE ON grid_units
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'all', 0 FROM directory_version WHERE id = 1;
END;
