-- Channels, Masters and pairing (issue 11).

-- Edits of assistant messages (progress, button removal) are kept like the Master's own edits:
-- they have no Telegram update, so update_id becomes optional.
alter table chat_message_edits alter column update_id drop not null;

-- The console's live feed reads what changed since a revision: every insert and every change of
-- text or buttons takes the next number (revisions are global; only order matters).
create sequence chat_messages_rev_seq;
alter table chat_messages
    add column rev     bigint,
    add column rev_at  timestamptz;
create function chat_messages_bump_rev() returns trigger language plpgsql as $$
begin
    new.rev := nextval('chat_messages_rev_seq');
    new.rev_at := clock_timestamp();
    return new;
end $$;
create trigger chat_messages_rev_insert before insert on chat_messages
    for each row execute function chat_messages_bump_rev();
create trigger chat_messages_rev_update before update on chat_messages
    for each row when (old.text is distinct from new.text or old.reply_markup is distinct from new.reply_markup)
    execute function chat_messages_bump_rev();
create index chat_messages_thread_rev_idx on chat_messages (thread_id, rev);

-- A browser's retry of one message (same nonce) is stored once.
create unique index chat_messages_console_nonce_idx on chat_messages (thread_id, (raw_payload ->> 'console_nonce'))
    where (raw_payload ->> 'console_nonce') is not null;

-- Masters added by pairing, beside the MASTER_CHAT_IDS of the configuration. A revoked Master
-- keeps its row (who, when, by whom) and can be paired again.
create table masters (
    id          bigint generated always as identity primary key,
    platform    text        not null check (platform in ('telegram')),
    user_id     bigint      not null,
    display_name text,
    source      text        not null default 'paired' check (source in ('paired')),
    added_at    timestamptz not null,
    revoked_at  timestamptz,
    revoked_by  text
);
create unique index masters_active_idx on masters (platform, user_id) where revoked_at is null;

-- One-time pairing codes; only their SHA-256 is kept.
create table pairing_codes (
    code_sha256  text        primary key,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    used_at      timestamptz,
    used_by      bigint
);

-- Wrong codes, counted per sender for the rate limit.
create table pairing_failures (
    id         bigint generated always as identity primary key,
    user_id    bigint      not null,
    failed_at  timestamptz not null
);
create index pairing_failures_user_idx on pairing_failures (user_id, failed_at);

-- Values the agent makes for itself once and keeps (the generated webhook secret).
create table agent_settings (
    key         text        primary key,
    value       text        not null,
    created_at  timestamptz not null default now()
);

-- The console's user messages need a unique platform_message_id like Telegram's.
create sequence console_message_ids;
