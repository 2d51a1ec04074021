-- Attendance and hours (issue 11): the six-digit code an organizer shows at the place,
-- check-in and check-out, no-shows, and the attended minutes the organizer approves (a
-- correction keeps its reason here and in audit_log).
ALTER TABLE activities ADD COLUMN checkin_code TEXT;
ALTER TABLE activity_signups ADD COLUMN checked_in_at BIGINT;
ALTER TABLE activity_signups ADD COLUMN checked_out_at BIGINT;
ALTER TABLE activity_signups ADD COLUMN no_show BIGINT NOT NULL DEFAULT 0;
-- Approved minutes; NULL until the organizer approves them.
ALTER TABLE activity_signups ADD COLUMN minutes BIGINT;
ALTER TABLE activity_signups ADD COLUMN minutes_note TEXT;
ALTER TABLE activity_signups ADD COLUMN approved_by BIGINT;
ALTER TABLE activity_signups ADD COLUMN approved_at BIGINT;
-- A volunteer's recorded hours are summed from their approved sign-ups.
CREATE INDEX activity_signups_hours ON activity_signups (person_id) WHERE approved_at IS NOT NULL;
