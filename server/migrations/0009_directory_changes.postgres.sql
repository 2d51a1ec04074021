-- A change log beside directory_version, so that instances apply what changed instead of
-- re-reading the whole directory after every write (store::directory_cache).
--
-- Every version records which rows it changed: ('service', id), ('organization', id) or
-- ('all', 0) for the grid and the categories, which every card depends on. A reader takes
-- directory_version and the changes in (its version, that version] from one snapshot of
-- the database, so it can never miss a change nor see one twice.
--
-- Why versions are in commit order: every directory write bumps the one directory_version
-- row, whose row lock is held until commit, so the next writer's bump waits for it.
--
-- PostgreSQL: a BEFORE STATEMENT trigger bumps the version once per statement (taking the
-- row lock first); AFTER ROW triggers then record each changed row under that version,
-- which the transaction already sees as its own. A statement that changes no row bumps
-- the version with no change row: an empty delta, harmless.
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

CREATE FUNCTION record_directory_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO directory_changes (version, entity, entity_id)
    SELECT version, TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END
    FROM directory_version WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE FUNCTION record_coverage_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO directory_changes (version, entity, entity_id)
    SELECT version, 'service', CASE WHEN TG_OP = 'DELETE' THEN OLD.service_id ELSE NEW.service_id END
    FROM directory_version WHERE id = 1;
    IF TG_OP = 'UPDATE' AND OLD.service_id <> NEW.service_id THEN
        INSERT INTO directory_changes (version, entity, entity_id)
        SELECT version, 'service', OLD.service_id FROM directory_version WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION record_directory_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO directory_changes (version, entity, entity_id)
    SELECT version, 'all', 0 FROM directory_version WHERE id = 1;
    RETURN NULL;
END
$$;

DROP TRIGGER services_changed ON services;
DROP TRIGGER services_updated ON services;
DROP TRIGGER organizations_changed ON organizations;
DROP TRIGGER organizations_updated ON organizations;
DROP TRIGGER service_coverage_changed ON service_coverage;
DROP TRIGGER categories_changed ON categories;
DROP TRIGGER categories_updated ON categories;
DROP TRIGGER grid_units_changed ON grid_units;
DROP TRIGGER grid_units_updated ON grid_units;

-- Services: the columns the directory shows (as 0008 listed them).
CREATE TRIGGER services_bump BEFORE INSERT OR DELETE OR TRUNCATE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER services_update_bump BEFORE UPDATE OF organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age, residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en, cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity, status, status_reason, photo, search_text
    ON services FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER services_record AFTER INSERT OR DELETE ON services
    FOR EACH ROW EXECUTE FUNCTION record_directory_row('service');
CREATE TRIGGER services_update_record AFTER UPDATE OF organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age, residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en, cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity, status, status_reason, photo, search_text
    ON services FOR EACH ROW EXECUTE FUNCTION record_directory_row('service');
CREATE TRIGGER services_truncated AFTER TRUNCATE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION record_directory_statement();

-- Organizations (as 0004 listed their columns).
CREATE TRIGGER organizations_bump BEFORE INSERT OR DELETE OR TRUNCATE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER organizations_update_bump BEFORE UPDATE OF kind, name_zh, name_en, description_zh, description_en, phone, address_zh, address_en, community_id, latitude, longitude, verified, suspended
    ON organizations FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER organizations_record AFTER INSERT OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION record_directory_row('organization');
CREATE TRIGGER organizations_update_record AFTER UPDATE OF kind, name_zh, name_en, description_zh, description_en, phone, address_zh, address_en, community_id, latitude, longitude, verified, suspended
    ON organizations FOR EACH ROW EXECUTE FUNCTION record_directory_row('organization');
CREATE TRIGGER organizations_truncated AFTER TRUNCATE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION record_directory_statement();

-- Coverage belongs to its service.
CREATE TRIGGER service_coverage_bump BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_coverage
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER service_coverage_record AFTER INSERT OR UPDATE OR DELETE ON service_coverage
    FOR EACH ROW EXECUTE FUNCTION record_coverage_row();
CREATE TRIGGER service_coverage_truncated AFTER TRUNCATE ON service_coverage
    FOR EACH STATEMENT EXECUTE FUNCTION record_directory_statement();

-- Categories and the grid: rare, and every card shows them; one 'all' per statement.
CREATE TRIGGER categories_bump BEFORE INSERT OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER categories_update_bump BEFORE UPDATE OF slug, group_slug, name_zh, name_en, sort_order
    ON categories FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER categories_record AFTER INSERT OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION record_directory_statement();
CREATE TRIGGER categories_update_record AFTER UPDATE OF slug, group_slug, name_zh, name_en, sort_order
    ON categories FOR EACH STATEMENT EXECUTE FUNCTION record_directory_statement();
CREATE TRIGGER grid_units_bump BEFORE INSERT OR DELETE OR TRUNCATE ON grid_units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER grid_units_update_bump BEFORE UPDATE OF parent_id, kind, name_zh, name_en, latitude, longitude, sort_order
    ON grid_units FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER grid_units_record AFTER INSERT OR DELETE OR TRUNCATE ON grid_units
    FOR EACH STATEMENT EXECUTE FUNCTION record_directory_statement();
CREATE TRIGGER grid_units_update_record AFTER UPDATE OF parent_id, kind, name_zh, name_en, latitude, longitude, sort_order
    ON grid_units FOR EACH STATEMENT EXECUTE FUNCTION record_directory_statement();
