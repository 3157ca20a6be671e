-- The Master's standing goals (issue 19, item 4): lasting aims the proactive loop works toward
-- while it has no autonomous task to finish, e.g. "keep the home server's disks healthy". A goal
-- is set and dropped only by the Master (/goals, or a run the Master asked); while one is active
-- the loop runs (paced by the day's budget as for autonomous tasks). Dropped goals keep their row.
create table standing_goals (
    id          bigint generated always as identity primary key,
    text        text        not null check (length(btrim(text)) between 1 and 500),
    created_at  timestamptz not null,
    dropped_at  timestamptz
);
create index standing_goals_active_idx on standing_goals (id) where dropped_at is null;
