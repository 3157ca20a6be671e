-- Browser sessions of the console and the dashboard (issue 11). The cookie holds a random id;
-- only its SHA-256 is stored, so a copy of the database cannot be used to log in.
create table web_sessions (
    id_sha256     text        primary key,
    csrf_token    text        not null,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    last_seen_at  timestamptz not null
);
create index web_sessions_expires_idx on web_sessions (expires_at);
