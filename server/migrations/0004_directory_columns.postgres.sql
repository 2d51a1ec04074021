-- Only a change to what the directory shows bumps directory_version. 0002 bumped it on
-- any UPDATE of a directory table; from here on an UPDATE counts only when it touches a
-- column the directory shows, so bookkeeping columns added later (counters, states of
-- other features) never invalidate every instance's snapshot. Inserts and deletes
-- still always count. Lists of columns must grow with the directory: a new shown
-- column needs a migration that adds it here.

DROP TRIGGER services_changed ON services;
CREATE TRIGGER services_changed AFTER INSERT OR DELETE OR TRUNCATE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER services_updated AFTER UPDATE OF organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age, residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en, cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity
    ON services FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();

DROP TRIGGER categories_changed ON categories;
CREATE TRIGGER categories_changed AFTER INSERT OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER categories_updated AFTER UPDATE OF slug, group_slug, name_zh, name_en, sort_order
    ON categories FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();

DROP TRIGGER organizations_changed ON organizations;
CREATE TRIGGER organizations_changed AFTER INSERT OR DELETE OR TRUNCATE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER organizations_updated AFTER UPDATE OF kind, name_zh, name_en, description_zh, description_en, phone, address_zh, address_en, community_id, latitude, longitude, verified, suspended
    ON organizations FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();

DROP TRIGGER grid_units_changed ON grid_units;
CREATE TRIGGER grid_units_changed AFTER INSERT OR DELETE OR TRUNCATE ON grid_units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER grid_units_updated AFTER UPDATE OF parent_id, kind, name_zh, name_en, latitude, longitude, sort_order
    ON grid_units FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
