-- Telegram ingestion (issue 3): every update recorded once, message edit history, the outbox's
-- send state, the long-poll offset, and the artifact worker's retry bookkeeping.

-- Every update Telegram delivered, exactly once (webhook retries and long-poll replays collide
-- on the primary key). Kinds without a message (callback_query, unknown kinds) live only here.
create table telegram_updates (
    update_id    bigint primary key,
    kind         text        not null,                 -- message|edited_message|channel_post|edited_channel_post|callback_query|other
    chat_id      bigint,
    message_id   bigint      references chat_messages (id), -- the stored message it created or edited
    raw_payload  jsonb       not null,
    received_at  timestamptz not null default now()
);
create index telegram_updates_received_idx on telegram_updates (received_at);

-- Each edit of a stored user message: the text it replaced and the whole edit update.
create table chat_message_edits (
    id             bigint generated always as identity primary key,
    message_id     bigint      not null references chat_messages (id),
    update_id      bigint      not null references telegram_updates (update_id),
    previous_text  text,
    new_text       text,
    edited_at      timestamptz not null,                -- Telegram's edit_date
    raw_payload    jsonb       not null
);
create index chat_message_edits_message_idx on chat_message_edits (message_id, id);

-- The outbox: assistant messages carry their send state. send_status is null for rows that are
-- not meant for Telegram (Telegram off, console, user messages).
alter table chat_messages
    add column send_status     text check (send_status in ('pending', 'sent', 'failed')),
    add column send_attempts   int  not null default 0,
    add column next_attempt_at timestamptz,
    add column locked_until    timestamptz,            -- a sender's claim; expires if it dies
    add column reply_markup    jsonb,                  -- inline keyboard sent with the message
    add column sent_at         timestamptz,
    add column send_error      text;
create index chat_messages_outbox_idx on chat_messages (thread_id, id) where send_status = 'pending';

-- The long-poll offset: the next update_id to ask for. One row.
create table telegram_poll_state (
    id           int primary key default 1 check (id = 1),
    next_offset  bigint      not null,
    updated_at   timestamptz not null default now()
);

-- Artifact production: retries with backoff and a claim lease, so several replicas share the work.
alter table message_artifacts
    add column run_after     timestamptz not null default now(),
    add column locked_until  timestamptz;
