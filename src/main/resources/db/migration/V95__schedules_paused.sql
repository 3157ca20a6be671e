-- A schedule can be paused (the agenda page, issue 19 item 6): it keeps its next due time, so the
-- page can show when it would have fired, but the firing loop claims only 'active' rows
-- (schedules_due_idx), so a paused schedule never fires. Resuming makes it active again; a time
-- that passed while it was paused is moved on (Schedules.resume).
alter table schedules drop constraint schedules_status_check;
alter table schedules add constraint schedules_status_check check (status in ('active', 'paused', 'done', 'canceled'));

alter table schedules drop constraint schedules_active_has_next;
alter table schedules add constraint schedules_active_has_next
    check ((status in ('active', 'paused')) = (next_fire_at is not null));
alter table schedules add column paused_at timestamptz;

-- A thread's listing (and the agenda page) shows active and paused schedules.
drop index schedules_thread_idx;
create index schedules_thread_idx on schedules (thread_id, id) where status in ('active', 'paused');
create index schedules_open_idx on schedules (next_fire_at, id) where status in ('active', 'paused');
