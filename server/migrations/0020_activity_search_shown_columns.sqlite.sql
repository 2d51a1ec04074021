-- The activity search's version (0019) moved on any UPDATE of an activity, so claiming a
-- day-before reminder (reminded_at), showing a check-in code (checkin_code) or handing out
-- a waitlist ticket (tickets) made every instance read its upcoming activities again,
-- though a search shows none of them. Now only the columns a search shows move it.
DROP TRIGGER activity_search_updated;
CREATE TRIGGER activity_search_updated AFTER UPDATE OF
    organization_id, community_id, grid_unit_id, kind, title_zh, title_en, description_zh, description_en, address, latitude, longitude, starts_at, ends_at, signup_deadline, places, confirmed, waitlisted, skills, min_age, status, cancel_reason, revision, updated_at
    ON activities
BEGIN
    UPDATE activity_search_version SET version = version + 1 WHERE id = 1;
END;
