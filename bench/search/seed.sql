-- Seed for bench/search.sh: 1,000,000 messages over 1,000 threads, every 5th user message a voice
-- message with a transcript artifact (100,000), and 500 notes. Words follow a Zipf-like law over
-- a 20,000-word vocabulary (word rank drawn log-uniformly), so a query word's match count ranges
-- from a handful of rows to about a tenth of the table, as in a real history. A few planted
-- needles ("spare key", "zeppelin") give known answers.
\set ON_ERROR_STOP on
set synchronous_commit = off;
set max_parallel_workers_per_gather = 0;

insert into chat_threads (platform, chat_id, chat_type, title)
select 'telegram', 100000 + t, 'private', 'Chat ' || t from generate_series(1, 1000) t;

-- The vocabulary: rank r -> a pronounceable pseudo-word (hex digits mapped to letters).
create temporary table vocab (r int primary key, w text not null);
insert into vocab select r, translate(substr(md5(r::text), 1, 4 + r % 5), '0123456789', 'gikmoqsuwy')
from generate_series(1, 20000) r;

-- Indexes after the load: one GIN build is far cheaper than a million GIN inserts.
drop index chat_messages_search_tsv_idx;
drop index message_artifacts_search_tsv_idx;

-- Each text: 6 to 13 words, each word's rank drawn log-uniformly from the array (no per-row subquery).
insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text, created_at, kind)
select (select min(id) from chat_threads) + (g % 1000), g, case when g % 2 = 0 then 'assistant' else 'user' end,
       case when g % 2 = 0 then null else 100000 + (g % 1000) end,
       case when g % 250000 = 7 then 'The spare key is under the blue flower pot by the garage'
            when g % 100000 = 3 then 'we saw a zeppelin over the lake'
            else concat_ws(' ', a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int],
                           case when g % 8 > 0 then a[1 + floor(exp(ln(20000) * random()))::int] end, case when g % 8 > 1 then a[1 + floor(exp(ln(20000) * random()))::int] end,
                           case when g % 8 > 2 then a[1 + floor(exp(ln(20000) * random()))::int] end, case when g % 8 > 3 then a[1 + floor(exp(ln(20000) * random()))::int] end,
                           case when g % 8 > 4 then a[1 + floor(exp(ln(20000) * random()))::int] end, case when g % 8 > 5 then a[1 + floor(exp(ln(20000) * random()))::int] end,
                           case when g % 8 > 6 then a[1 + floor(exp(ln(20000) * random()))::int] end) end,
       now() - ((1000000 - g) * interval '30 seconds'),
       case when g % 10 = 1 then 'voice' else 'text' end
from generate_series(1, 1000000) g, (select array_agg(w order by r) as a from vocab) v;

insert into message_artifacts (message_id, kind, content_json, status)
select id, 'voice_transcript', jsonb_build_object('text', 'transcript: ' || coalesce(text, '')), 'done'
from chat_messages where kind = 'voice';

insert into memory_notes (kind, content)
select 'fact', concat_ws(' ', 'note', n, a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int], a[1 + floor(exp(ln(20000) * random()))::int])
from generate_series(1, 500) n, (select array_agg(w order by r) as a from vocab) v;

create index chat_messages_search_tsv_idx on chat_messages using gin (search_tsv);
create index message_artifacts_search_tsv_idx on message_artifacts using gin (search_tsv);
vacuum analyze chat_messages;
vacuum analyze message_artifacts;
vacuum analyze memory_notes;

-- The query words for the benchmark, by how many messages contain them.
create table bench_words as
with freq as (select word, ndoc from ts_stat('select to_tsvector(''simple'', text) from chat_messages where id % 20 = 0'))
select word, ndoc * 20 as approx_messages from freq where length(word) >= 4;
