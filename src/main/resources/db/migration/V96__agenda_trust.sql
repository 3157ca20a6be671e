-- Issue 19's security review (docs/THREAT_MODEL.md, "The agent's memory and agenda").
--
-- M2: a task remembers the chat it was made in. A group chat lists and changes only its own tasks
-- (its members can read what the agent writes there); the Master's private chats and the console
-- see the one whole list. Tasks made before this migration, by the proactive loop or the dashboard
-- have no chat: they are private.
alter table tasks add column thread_id bigint references chat_threads (id);
create index tasks_thread_idx on tasks (thread_id) where thread_id is not null;

-- M5 and L2: a firing is not always an effect. held: a scheduled task that came due too late to run
-- without an OK, put to the Master instead (approval_id is its OK, when the approval path is wired);
-- error: the firing failed, nothing of it was sent or queued, the schedule moved on.
alter table schedule_firings add column held boolean not null default false;
alter table schedule_firings add column approval_id bigint references approvals (id);
alter table schedule_firings add column error text;
