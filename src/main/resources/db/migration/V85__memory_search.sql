-- Issue 19: the agent's memory as tools (docs/MEMORY.md).
--
-- search_memory: ranked full-text search over messages, artifact texts and notes. Each table gets
-- a stored tsvector (generated, so no writer can forget it) and a GIN index on it. Two
-- configurations are combined: 'english' stems ("keys" finds "key") and 'simple' keeps every word
-- of any language exactly as written (lower-cased), so a Russian or German word is still found as
-- typed. The query side (store/SearchRepository) ORs the same two configurations.
-- Adding a stored column rewrites each table once, at this migration.
alter table chat_messages add column search_tsv tsvector
    generated always as (to_tsvector('english', coalesce(text, '')) || to_tsvector('simple', coalesce(text, ''))) stored;
create index chat_messages_search_tsv_idx on chat_messages using gin (search_tsv);

-- Artifacts: every string value of the JSON (a transcript's text, an image description, a
-- document's extracted text, a file name).
alter table message_artifacts add column search_tsv tsvector
    generated always as (to_tsvector('english', coalesce(content_json, '{}'::jsonb))
                         || to_tsvector('simple', coalesce(content_json, '{}'::jsonb))) stored;
create index message_artifacts_search_tsv_idx on message_artifacts using gin (search_tsv);

-- remember / forget: the Master's durable notes are memory_notes of kind 'fact' (the proactive
-- loop's kinds stay as they are). A forgotten note is deleted.
alter table memory_notes drop constraint memory_notes_kind_check;
alter table memory_notes add constraint memory_notes_kind_check check (kind in ('aroma', 'cycle_summary', 'note', 'fact'));
alter table memory_notes add column search_tsv tsvector
    generated always as (to_tsvector('english', content) || to_tsvector('simple', content)) stored;
create index memory_notes_search_tsv_idx on memory_notes using gin (search_tsv);
