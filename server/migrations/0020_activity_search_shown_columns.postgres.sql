-- The activity search's version (0019) moved on any UPDATE statement on activities, even
-- one that changed no row: the reminder sweep, every five minutes on every instance, made
-- every instance read its upcoming activities again, as did showing a check-in code or
-- handing out a waitlist ticket, though a search shows none of them. Now a row trigger
-- on the columns a search shows: an update of other columns, or of no row, leaves it.
-- Still once per transaction (bump_activity_search_version checks bumped_in).
DROP TRIGGER activity_search_changed ON activities;
CREATE TRIGGER activity_search_changed AFTER INSERT OR UPDATE OF
    organization_id, community_id, grid_unit_id, kind, title_zh, title_en, description_zh, description_en, address, latitude, longitude, starts_at, ends_at, signup_deadline, places, confirmed, waitlisted, skills, min_age, status, cancel_reason, revision, updated_at
    ON activities
    FOR EACH ROW EXECUTE FUNCTION bump_activity_search_version();
