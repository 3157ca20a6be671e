-- Proactive loop state (issue 6): the pause switch and next wake shared by all replicas, and one
-- row per proactive cycle. A running cycle's token_ceiling stays reserved against the day's
-- budget until the cycle is finished or its lease has passed, so that no two runs, on any
-- replica, can both be promised the same remaining tokens.

create table proactive_state (
    id            int         primary key default 1 check (id = 1), -- a single row
    paused        boolean     not null default false,
    paused_at     timestamptz,
    next_wake_at  timestamptz,                          -- null: due now
    wake_reason   text,                                 -- the governor's words for the last decision
    updated_at    timestamptz not null default now()
);
insert into proactive_state (id) values (1);

create table proactive_cycles (
    id             bigint generated always as identity primary key,
    status         text        not null default 'running'
                   check (status in ('running', 'completed', 'failed', 'abandoned')),
    leader         text        not null,                -- the replica that ran it
    started_at     timestamptz not null,
    finished_at    timestamptz,
    lease_until    timestamptz not null,                -- the reservation counts until then
    token_ceiling  bigint      not null check (token_ceiling >= 0),
    tokens_total   bigint      not null default 0,
    result_kind    text,                                -- completed, or the runner's failure kind (ceiling, timeout, ...)
    outcome        text        check (outcome in ('ok', 'malformed', 'none')), -- the structured block
    outcome_error  text,                                -- why the block was malformed
    summary        text,
    ledger_id      bigint      references token_ledger (id)
);
create index proactive_cycles_finished_idx on proactive_cycles (finished_at desc) where finished_at is not null;
create index proactive_cycles_running_idx on proactive_cycles (lease_until) where status = 'running';
