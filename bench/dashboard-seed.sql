-- Seed for bench/dashboard-pages.sh: a year-old agent's history at 1,000,000 messages.
-- 1,000 threads; 500,000 user messages, each with a job and an assistant reply (so 1,000,000
-- messages); every 5th user message a voice message with a transcript artifact; every 2nd job
-- with an approval; two ledger rows per job (the classification through the API, the run through
-- Claude Code) over the last 30 days; 300 deployments with reports.
\set ON_ERROR_STOP on
set synchronous_commit = off;

insert into chat_threads (platform, chat_id, chat_type, title, created_at, updated_at)
select 'telegram', 100000 + t, 'private', 'Chat ' || t, now() - interval '365 days', now() - (t || ' minutes')::interval
from generate_series(1, 1000) t;

-- The vocabulary: 'backup' in about 1 message of 8, 'zeppelin' in 1 of 100,000.
create temporary table words (i int primary key, w text);
insert into words values (0, 'backup'), (1, 'deploy'), (2, 'disk'), (3, 'report'), (4, 'status'), (5, 'weather'), (6, 'invoice'), (7, 'cleanup');

-- As in a real history, each reply follows its message: user messages take the odd ids, their
-- replies the next even one (inserted apart, they would leave the newest 500,000 ids all replies).
insert into chat_messages (id, thread_id, platform_message_id, role, author_user_id, text, created_at, stored_at, kind, raw_payload)
overriding system value
select 2 * g - 1, (select min(id) from chat_threads) + (g % 1000), g, 'user', 100000 + (g % 1000),
       'please check the ' || (select w from words where i = (g::bigint * 7919) % 8) || ' of server ' || g
           || case when g % 100000 = 0 then ' zeppelin' else '' end,
       now() - ((500000 - g) * interval '60 seconds'), now() - ((500000 - g) * interval '60 seconds'),
       case when g % 5 = 0 then 'voice' else 'text' end,
       jsonb_build_object('update_id', g, 'message', jsonb_build_object('message_id', g, 'text', 'check'))
from generate_series(1, 500000) g;

insert into chat_messages (id, thread_id, role, text, created_at, stored_at, kind, send_status, sent_at)
overriding system value
select id + 1, thread_id, 'assistant', 'Understood: you want that checked. Will: check it and report.',
       created_at + interval '2 seconds', stored_at + interval '2 seconds', 'text', 'sent', stored_at + interval '2 seconds'
from chat_messages where role = 'user';
select setval(pg_get_serial_sequence('chat_messages', 'id'), (select max(id) from chat_messages));

insert into message_artifacts (message_id, kind, content_json, uri, status)
select id, 'voice_transcript', jsonb_build_object('text', 'transcript of message ' || id), 'file:///blobs/' || id || '.ogg', 'done'
from chat_messages where kind = 'voice';

insert into reactive_jobs (thread_id, trigger_message_id, status, mode, created_at, started_at, finished_at, attempts)
select thread_id, id,
       (array['done','done','done','done','done','done','canceled','failed'])[1 + (id % 8)],
       'execute', stored_at, stored_at + interval '1 second', stored_at + interval '40 seconds', 1
from chat_messages where role = 'user';
-- the newest few are still open
update reactive_jobs set status = 'awaiting_approval', finished_at = null where id > (select max(id) - 20 from reactive_jobs);

insert into approvals (thread_id, job_id, proposal_text, status, created_at, resolved_at, expires_at)
select thread_id, id, 'check the server', case when status = 'awaiting_approval' then 'pending' else 'approved' end,
       created_at, case when status = 'awaiting_approval' then null else created_at + interval '30 seconds' end,
       created_at + interval '1 hour'
from reactive_jobs where id % 2 = 0 or status = 'awaiting_approval';

insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total, created_at, meta_json, job_id)
select 'reactive', 'anthropic_api', 900, 60, 960, now() - ((500000 - n) * interval '5 seconds'),
       '{"purpose":"classify","model":"claude-haiku-4-5","input_tokens":900,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":60}', j.id
from (select id, row_number() over (order by id) as n from reactive_jobs) j;
insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total, created_at, meta_json, job_id)
select case when n % 10 = 0 then 'proactive' else 'reactive' end, 'claude_code', 30000, 1500, 31500,
       now() - ((500000 - n) * interval '5 seconds') + interval '1 second',
       '{"purpose":"execute","cost_usd":0.12,"turns":4}', case when n % 10 = 0 then null else j.id end
from (select id, row_number() over (order by id) as n from reactive_jobs) j;

insert into deployments (git_sha, branch, status, started_at, finished_at, report_text, runtime)
select substr(md5(d::text), 1, 12), 'main', case when d % 10 = 0 then 'rolled_back' else 'healthy' end,
       now() - ((300 - d) * interval '1 day'), now() - ((300 - d) * interval '1 day') + interval '95 seconds',
       repeat('step ok; ', 40), 'process'
from generate_series(1, 300) d;

vacuum analyze;
