-- The Master's agenda (issue 19): schedules as durable jobs, and tasks marked for autonomous work.
--
-- A schedule fires by a replica claiming its row (FOR UPDATE SKIP LOCKED on the due index) and,
-- in the same transaction, storing its effect (a reminder's message in the outbox, or a task's
-- reactive job), a schedule_firings row and the row's next firing: one firing across replicas,
-- and a firing is either wholly done or not at all. next_fire_at is null once a schedule is
-- finished (a one-shot that fired) or canceled.

create table schedules (
    id             bigint generated always as identity primary key,
    thread_id      bigint      not null references chat_threads (id), -- where it fires
    kind           text        not null check (kind in ('reminder', 'task')),
    text           text        not null check (length(btrim(text)) > 0), -- the reminder's words, or the task's prompt
    fire_at        timestamptz,                         -- one-shot: when
    cron           text,                                -- recurring: 5-field Unix cron
    time_zone      text        not null,                -- the zone the cron (and the listing) is read in
    token_ceiling  bigint      check (token_ceiling > 0), -- a task run's own ceiling; null for reminders
    status         text        not null default 'active' check (status in ('active', 'done', 'canceled')),
    next_fire_at   timestamptz,                         -- null when not active
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    canceled_at    timestamptz,
    fired_count    int         not null default 0,
    last_fired_at  timestamptz,
    constraint schedules_one_shot_or_cron check ((fire_at is null) <> (cron is null)),
    constraint schedules_task_has_ceiling check ((kind = 'task') = (token_ceiling is not null)),
    constraint schedules_active_has_next check ((status = 'active') = (next_fire_at is not null))
);
-- The claim and the loop's "next due" look only at active schedules, by due time.
create index schedules_due_idx on schedules (next_fire_at) where status = 'active';
create index schedules_thread_idx on schedules (thread_id, id) where status = 'active';

-- One row per firing: what was due, when it really went out, and whether it was late (the agent was
-- down at the time). The unique key makes a firing idempotent even if two claims ever overlapped.
create table schedule_firings (
    id           bigint generated always as identity primary key,
    schedule_id  bigint      not null references schedules (id),
    due_at       timestamptz not null,
    fired_at     timestamptz not null,
    late         boolean     not null,
    skipped      int         not null default 0,        -- later due times also missed, folded into this one
    message_id   bigint      references chat_messages (id), -- a reminder's message
    job_id       bigint      references reactive_jobs (id), -- a task's job
    unique (schedule_id, due_at)
);

-- Tasks the Master marks for the proactive loop to work on alone (issue 19, item 4).
alter table tasks add column autonomous boolean not null default false;
create index tasks_open_idx on tasks (id) where status in ('todo', 'in_progress', 'blocked');
