-- The outbox's pace, shared by every replica: Telegram's limits are per bot, not per process.
-- One row: when the bot may send its next message at all (about 30 messages/s). Each sender
-- reserves its slot with one UPDATE, so replicas queue on this row instead of each keeping a pace.
create table telegram_send_pace (
    id       int primary key default 1 check (id = 1),
    next_at  timestamptz not null
);
insert into telegram_send_pace (next_at) values ('-infinity');

-- When the next message may go to this chat (1 s after the last one sent to it); null: now.
alter table chat_threads add column send_next_at timestamptz;
