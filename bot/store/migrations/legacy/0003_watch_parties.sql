-- Watch parties, their RSVPs, member preferences, and the one durable reminder queue of the bot.

CREATE TABLE watch_parties (
    id                      INTEGER PRIMARY KEY,
    guild_id                INTEGER NOT NULL,
    channel_id              INTEGER NOT NULL,   -- announcement and reminders are posted here
    host_id                 INTEGER NOT NULL,
    first_episode           INTEGER NOT NULL CHECK (first_episode >= 1),
    last_episode            INTEGER NOT NULL CHECK (last_episode >= first_episode),
    starts_at               INTEGER NOT NULL,   -- UTC epoch seconds
    ends_at                 INTEGER NOT NULL CHECK (ends_at > starts_at),
    timezone                TEXT NOT NULL,      -- IANA name the host typed the time in
    note                    TEXT NOT NULL DEFAULT '',
    capacity                INTEGER CHECK (capacity IS NULL OR capacity > 0),
    announcement_message_id INTEGER,
    event_id                INTEGER,            -- Discord scheduled event, when one was made
    status                  TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
) STRICT;
CREATE INDEX watch_parties_upcoming ON watch_parties (guild_id, status, starts_at);

CREATE TABLE rsvps (
    party_id   INTEGER NOT NULL REFERENCES watch_parties (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('going', 'maybe', 'declined', 'waitlist')),
    seq        INTEGER NOT NULL,                -- order of the latest change: wait-list order
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (party_id, user_id)
) STRICT;
CREATE INDEX rsvps_waitlist ON rsvps (party_id, status, seq);

-- Per-member preferences (deleted by /progress forget).
CREATE TABLE member_settings (
    user_id             INTEGER PRIMARY KEY,
    timezone            TEXT,                   -- IANA name
    party_dm_reminders  INTEGER NOT NULL DEFAULT 0 CHECK (party_dm_reminders IN (0, 1)),
    updated_at          INTEGER NOT NULL
) STRICT;

ALTER TABLE guild_settings ADD COLUMN timezone TEXT;           -- server default IANA zone
ALTER TABLE guild_settings ADD COLUMN staff_channel_id INTEGER; -- where delivery problems are reported
ALTER TABLE guild_settings ADD COLUMN reminder_offsets TEXT;    -- seconds before start, comma-separated

-- The durable scheduler: one row per message to send at a moment.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,              -- 'party' (later also 'airing')
    guild_id       INTEGER NOT NULL,
    ref_id         INTEGER NOT NULL,           -- the party (or schedule) it belongs to
    offset_seconds INTEGER NOT NULL CHECK (offset_seconds >= 0),  -- before event_at; 0 = "starting now"
    event_at       INTEGER NOT NULL,           -- the moment the reminder is about
    due_at         INTEGER NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'claimed', 'sent', 'skipped', 'failed', 'cancelled')),
    claim_token    TEXT,
    claimed_at     INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 0,
    sent_at        INTEGER,
    message_id     INTEGER,
    detail         TEXT,                       -- why it was skipped or failed (Discord's error)
    UNIQUE (kind, ref_id, offset_seconds)
) STRICT;
CREATE INDEX reminders_due ON reminders (due_at) WHERE state = 'pending';
CREATE INDEX reminders_claimed ON reminders (claimed_at) WHERE state = 'claimed';

-- Delivery problems already reported to a server's staff, so each is reported once.
CREATE TABLE delivery_problems (
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    problem     TEXT NOT NULL,                  -- e.g. 'missing_permissions', 'unknown_channel'
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id, problem)
) STRICT;
