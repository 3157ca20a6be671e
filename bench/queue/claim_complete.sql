-- The JobRepository claim and finish statements, parameters inlined as pgbench sees them.
\set id 0
update reactive_jobs j
set status = 'running', locked_by = 'pgbench', lease_until = now() + interval '30 seconds',
    attempts = j.attempts + 1, started_at = coalesce(j.started_at, now())
from (
    select c.id, c.status = 'running' as reclaimed
    from reactive_jobs c
    where ((c.status = 'queued' and c.run_after <= now())
           or (c.status = 'running' and c.lease_until < now()))
      and (not exists (
               select 1 from reactive_jobs e
               where e.thread_id = c.thread_id and e.id < c.id and e.status in ('queued', 'running')
                 and (c.mode <> 'classify' or e.mode = 'classify'))
           or (c.mode = 'classify'
               and (select m.text from chat_messages m where m.id = c.trigger_message_id) like '/%'))
    order by c.id
    limit 1
    for update of c skip locked
) picked
where j.id = picked.id
returning j.id, j.thread_id, j.trigger_message_id, j.status, j.mode, j.payload_json::text as payload_json,
          j.attempts, picked.reclaimed, j.created_at \aset
update reactive_jobs
set status = 'done', finished_at = now(), lease_until = null, locked_by = null,
    payload_json = coalesce(cast(null as jsonb), payload_json), last_error = coalesce(null, last_error)
where id = :id and locked_by = 'pgbench' and status = 'running';
