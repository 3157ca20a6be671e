-- server-agent schema, version 1: the tables of SPEC.md §3.1 with their exact names, columns and
-- enum values (as CHECK constraints), plus proactive memory (projects, tasks, memory_notes).
-- Columns beyond the spec are marked "added". Timestamps are timestamptz (UTC on the wire).

create table chat_threads (
    id          bigint generated always as identity primary key,
    platform    text        not null check (platform in ('telegram', 'console')),
    chat_id     bigint      not null,
    chat_type   text,                                   -- added: private|group|supergroup|channel
    title       text,                                   -- added: chat title or user name
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (platform, chat_id)
);

create table chat_messages (
    id                  bigint generated always as identity primary key,
    thread_id           bigint      not null references chat_threads (id),
    platform_message_id bigint,
    role                text        not null check (role in ('user', 'assistant', 'system')),
    author_user_id      bigint,
    text                text,
    created_at          timestamptz not null,           -- the Telegram message date
    raw_payload         jsonb,                          -- the whole update, for user messages
    update_id           bigint,                         -- added: Telegram update_id, unique
    kind                text        not null default 'text', -- added: text|voice|audio|photo|document|video_note|callback|other
    edited_at           timestamptz,                    -- added: last edit seen
    stored_at           timestamptz not null default now() -- added: when it reached the database
);
create index chat_messages_thread_created_idx on chat_messages (thread_id, created_at desc, id desc);
create unique index chat_messages_user_platform_id_uq
    on chat_messages (thread_id, platform_message_id) where role = 'user';
create unique index chat_messages_update_id_uq on chat_messages (update_id) where update_id is not null;

create table message_artifacts (
    id            bigint generated always as identity primary key,
    message_id    bigint      not null references chat_messages (id),
    kind          text        not null check (kind in ('voice_transcript', 'image_json', 'ocr_text', 'file_meta', 'tool_result')),
    content_json  jsonb,
    uri           text,
    created_at    timestamptz not null default now(),
    status        text        not null default 'done' check (status in ('pending', 'done', 'failed')), -- added
    attempts      int         not null default 0,       -- added
    error         text,                                 -- added: last failure, in words
    updated_at    timestamptz not null default now()    -- added
);
create index message_artifacts_message_idx on message_artifacts (message_id);
create index message_artifacts_pending_idx on message_artifacts (created_at) where status = 'pending';

create table reactive_jobs (
    id                 bigint generated always as identity primary key,
    thread_id          bigint      not null references chat_threads (id),
    trigger_message_id bigint      references chat_messages (id),
    status             text        not null default 'queued'
                       check (status in ('queued', 'running', 'done', 'failed', 'canceled', 'awaiting_approval')),
    mode               text        not null default 'classify' check (mode in ('classify', 'plan', 'execute', 'answer')),
    payload_json       jsonb       not null default '{}'::jsonb,
    created_at         timestamptz not null default now(),
    started_at         timestamptz,
    finished_at        timestamptz,
    attempts           int         not null default 0,  -- added: claims so far
    run_after          timestamptz not null default now(), -- added: backoff
    locked_by          text,                            -- added: worker holding the lease
    lease_until        timestamptz,                     -- added: lease expiry, renewed by heartbeat
    last_error         text                             -- added
);
-- The claim walks open jobs in id order and checks each one's thread for an earlier open job:
-- both indexes hold open jobs only, so their size follows the backlog, not the history.
create index reactive_jobs_open_idx on reactive_jobs (id) where status in ('queued', 'running');
create index reactive_jobs_open_thread_idx on reactive_jobs (thread_id, id) where status in ('queued', 'running');
create index reactive_jobs_thread_idx on reactive_jobs (thread_id, id);
create index reactive_jobs_trigger_idx on reactive_jobs (trigger_message_id);

create table approvals (
    id             bigint generated always as identity primary key,
    thread_id      bigint      not null references chat_threads (id),
    job_id         bigint      not null references reactive_jobs (id),
    proposal_text  text        not null,
    status         text        not null default 'pending'
                   check (status in ('pending', 'approved', 'rejected', 'superseded', 'expired')),
    created_at     timestamptz not null default now(),
    resolved_at    timestamptz,
    expires_at     timestamptz,                         -- added
    resolved_by    bigint,                              -- added: Telegram user id
    ack_message_id bigint      references chat_messages (id) -- added: the acknowledgement carrying the button
);
create index approvals_thread_status_idx on approvals (thread_id, status);
create index approvals_job_idx on approvals (job_id);
create index approvals_pending_expiry_idx on approvals (expires_at) where status = 'pending';

create table token_ledger (
    id             bigint generated always as identity primary key,
    scope          text        not null check (scope in ('proactive', 'reactive')),
    provider       text        not null check (provider in ('claude_code', 'anthropic_api', 'other')),
    tokens_input   bigint      not null check (tokens_input >= 0),
    tokens_output  bigint      not null check (tokens_output >= 0),
    tokens_total   bigint      not null constraint token_ledger_total_is_sum check (tokens_total = tokens_input + tokens_output),
    created_at     timestamptz not null default now(),
    meta_json      jsonb       not null default '{}'::jsonb,
    job_id         bigint      references reactive_jobs (id) -- added: the reactive job, when there is one
);
create index token_ledger_scope_created_idx on token_ledger (scope, created_at);

create table deployments (
    id             bigint generated always as identity primary key,
    git_sha        text        not null,
    branch         text        not null,
    status         text        not null default 'building'
                   check (status in ('building', 'testing', 'deploying', 'healthy', 'rolled_back', 'failed')),
    started_at     timestamptz not null default now(),
    finished_at    timestamptz,
    report_text    text,
    runtime        text,                                -- added: compose|process
    rollback_reason text                                -- added
);
create index deployments_status_idx on deployments (status, finished_at desc);

-- Proactive memory.
create table projects (
    id          bigint generated always as identity primary key,
    name        text        not null unique,
    description text,
    status      text        not null default 'active' check (status in ('active', 'paused', 'done', 'dropped')),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create table tasks (
    id          bigint generated always as identity primary key,
    project_id  bigint      references projects (id),
    title       text        not null,
    description text,
    status      text        not null default 'todo' check (status in ('todo', 'in_progress', 'blocked', 'done', 'dropped')),
    priority    int         not null default 0,
    notes       text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index tasks_status_idx on tasks (status, priority desc);

create table memory_notes (
    id          bigint generated always as identity primary key,
    kind        text        not null check (kind in ('aroma', 'cycle_summary', 'note')),
    content     text        not null,
    meta_json   jsonb       not null default '{}'::jsonb,
    created_at  timestamptz not null default now()
);
create index memory_notes_kind_created_idx on memory_notes (kind, created_at desc);
