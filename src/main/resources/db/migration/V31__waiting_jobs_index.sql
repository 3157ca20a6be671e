-- Jobs waiting for an OK, by thread. Every ingested message cancels its thread's waiting job
-- (IngestRepository) and /cancel looks for it (JobRepository): without this index both walked
-- the thread's whole job history through reactive_jobs_thread_idx, a cost that grew with every
-- message the chat had ever seen. Like the open-job indexes, it holds only what is waiting.
create index reactive_jobs_waiting_thread_idx on reactive_jobs (thread_id) where status = 'awaiting_approval';
