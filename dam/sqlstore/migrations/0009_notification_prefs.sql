-- Notification preferences: a user's own choice, per preference kind
-- (dam.PreferenceKinds), of whether notifications also go out by email.
-- No row means the user follows the owners' default, which lives in the
-- settings document (email_notifications).

CREATE TABLE notification_prefs (
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    email      INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
