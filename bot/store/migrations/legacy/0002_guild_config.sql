-- Per-server configuration, edited by members with Manage Server.
CREATE TABLE guild_settings (
    guild_id              INTEGER PRIMARY KEY,
    discussion_channel_id INTEGER,           -- text or forum channel for episode threads
    -- The last episode everyone is assumed to have seen, for public posts. NULL means staff have
    -- not fixed one: the line is then automatic (0 today; later it can follow a rewatch schedule).
    spoiler_line          INTEGER CHECK (spoiler_line IS NULL OR spoiler_line >= 0),
    updated_at            INTEGER NOT NULL
) STRICT;

-- Channels where the bot never posts plot points untagged, whatever the line.
CREATE TABLE spoiler_free_channels (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) STRICT;

-- The discussion thread of each episode in each server.
CREATE TABLE discussion_threads (
    guild_id   INTEGER NOT NULL,
    episode    INTEGER NOT NULL CHECK (episode >= 1),
    thread_id  INTEGER NOT NULL,
    parent_id  INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, episode)
) STRICT;
