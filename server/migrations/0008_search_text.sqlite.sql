-- One normalization of a service's text for search (domain::fold: full-width to half-width,
-- Unicode lower case), written with the text by the application and used by the
-- in-memory index and by the SQL search alike. Rows written before this column existed
-- are filled in by the server after migrating (`SqlStore::backfill_search_text`): the
-- folding is Rust's, which no SQL of either engine can repeat.
ALTER TABLE services ADD COLUMN search_text TEXT;

-- The snapshot reads it, so a change to it (the backfill, or by hand) bumps the version.
DROP TRIGGER services_updated;
CREATE TRIGGER services_updated AFTER UPDATE OF organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age, residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en, cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity, status, status_reason, photo, search_text
    ON services
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
