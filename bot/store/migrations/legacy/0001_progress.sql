-- How far each member has watched. Horizon 0 (no row) means nothing watched yet.
CREATE TABLE member_progress (
    user_id    INTEGER PRIMARY KEY,
    episode    INTEGER NOT NULL CHECK (episode >= 0),
    updated_at INTEGER NOT NULL  -- UTC epoch seconds
) STRICT;
