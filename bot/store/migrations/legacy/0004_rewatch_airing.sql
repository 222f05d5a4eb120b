-- A server's rewatch and the airing schedule its airing reminders follow.

CREATE TABLE rewatches (
    guild_id   INTEGER PRIMARY KEY,
    zone       TEXT NOT NULL,                   -- IANA zone of the slots
    slots      TEXT NOT NULL,                   -- e.g. 'Wed 21:00, Thu 21:00'
    status     TEXT NOT NULL CHECK (status IN ('running', 'paused')),
    paused_at  INTEGER,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- One row per episode the server's airing reminders follow (its rewatch, or the broadcast when that
-- lies ahead). Ids stay stable when an episode moves, so its reminders are rescheduled, not replaced.
CREATE TABLE airing_slots (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    episode  INTEGER NOT NULL CHECK (episode >= 1),
    airs_at  INTEGER NOT NULL,
    UNIQUE (guild_id, episode)
) STRICT;

-- Members who want airing reminders by DM (deleted by /progress forget).
CREATE TABLE airing_subscribers (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) STRICT;

ALTER TABLE guild_settings ADD COLUMN airing_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN airing_role_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN airing_offsets TEXT;   -- seconds before airtime, e.g. '24h, 30m'
