-- In-app notifications: every change of a request that concerns a person (issue 10),
-- written in the same transaction as the change, in both languages. People who asked for
-- it also get a text message through the outbox (the sender interface of issue 4).
CREATE TABLE notifications (
    id          {{ID}},
    person_id   BIGINT NOT NULL REFERENCES people (id),
    kind        TEXT NOT NULL,
    request_id  BIGINT REFERENCES requests (id),
    text_zh     TEXT NOT NULL,
    text_en     TEXT NOT NULL,
    -- The page it is about.
    link        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX notifications_person ON notifications (person_id, id);
-- The header's count reads only the unread.
CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL;

-- Whether the person asked for notifications by text message as well.
ALTER TABLE people ADD COLUMN sms_notifications BIGINT NOT NULL DEFAULT 0;
