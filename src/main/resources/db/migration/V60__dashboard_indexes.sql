-- The dashboard (issue 14): every page reads a bounded slice from the newest end of an index.
-- Checked with EXPLAIN at 1,000,000 messages (bench/dashboard-pages.sh, docs/PERFORMANCE.md).

-- Conversations by last activity.
create index chat_threads_updated_idx on chat_threads (updated_at desc, id desc);

-- Message search (the Conversations page's box): full text, 'simple' configuration (no stemming,
-- any language). A GIN index with fast update, so ingest appends to its pending list.
create index chat_messages_text_search_idx on chat_messages using gin (to_tsvector('simple', coalesce(text, '')));

-- Jobs of one status, newest first (the Jobs page's filter and the jobs-by-status gauge, whose
-- count per status walks only that status's part of the index).
create index reactive_jobs_status_id_idx on reactive_jobs (status, id);

-- Approvals of one status, newest first.
create index approvals_status_id_idx on approvals (status, id);

-- Claude Code runs: the proactive cycle of a ledger row.
create index proactive_cycles_ledger_idx on proactive_cycles (ledger_id) where ledger_id is not null;

-- Claude Code runs, newest first, without walking the API calls' rows.
create index token_ledger_provider_id_idx on token_ledger (provider, id);
