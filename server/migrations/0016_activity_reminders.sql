-- The day-before reminder of an activity (issue 11): when it was sent, so each activity is
-- reminded of once, whichever instance claims it first (a conditional update).
ALTER TABLE activities ADD COLUMN reminded_at BIGINT;
CREATE INDEX activities_to_remind ON activities (starts_at) WHERE status = 'published' AND reminded_at IS NULL;
