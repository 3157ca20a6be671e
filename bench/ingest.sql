-- The statements one webhook update runs in IngestRepository (text message, no media), for pgbench.
-- Update ids come from a sequence so every transaction stores a new update, as the HTTP load does.
\set chat random(1000, 1999)
BEGIN;
insert into telegram_updates (update_id, kind, chat_id, raw_payload, received_at)
values (nextval('bench_update_id'), 'message', :chat, '{"update_id":0,"message":{"message_id":0,"chat":{"id":0,"type":"private"},"date":1764064800,"text":"benchmark message"}}'::jsonb, now())
on conflict (update_id) do nothing
returning update_id as uid \gset
insert into chat_threads (platform, chat_id, chat_type, title, created_at, updated_at)
values ('telegram', :chat, 'private', 'Bench', now(), now())
on conflict (platform, chat_id) do update
   set chat_type = coalesce(excluded.chat_type, chat_threads.chat_type),
       title = coalesce(excluded.title, chat_threads.title),
       updated_at = greatest(chat_threads.updated_at, excluded.updated_at)
returning id as tid \gset
insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text, created_at, raw_payload, update_id, kind, edited_at, stored_at)
values (:tid, :uid, 'user', :chat, 'benchmark message', now(), '{"update_id":0,"message":{"message_id":0,"chat":{"id":0,"type":"private"},"date":1764064800,"text":"benchmark message"}}'::jsonb, :uid, 'text', null, now())
on conflict (thread_id, platform_message_id) where role = 'user' do nothing
returning id as mid \gset
with superseded as (
    update approvals set status = 'superseded', resolved_at = now() where thread_id = :tid and status = 'pending'),
canceled as (
    update reactive_jobs set status = 'canceled', finished_at = now() where thread_id = :tid and status = 'awaiting_approval'),
linked as (
    update telegram_updates set message_id = :mid where update_id = :uid),
job as (
    insert into reactive_jobs (thread_id, trigger_message_id, status, mode, payload_json, created_at, run_after)
    values (:tid, :mid, 'queued', 'classify', jsonb_build_object('update_id', :uid::bigint, 'artifacts', 0), now(), now())
    returning id)
select id, pg_notify('reactive_jobs', cast(id as text)) from job;
COMMIT;
