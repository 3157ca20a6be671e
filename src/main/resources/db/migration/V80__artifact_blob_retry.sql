-- A derived artifact (transcript, image JSON, document text) no longer waits on the blob store:
-- when the original cannot be written (disk full, permissions), the artifact is completed from
-- the bytes in hand and the original is fetched again from Telegram and written later.
alter table message_artifacts
    add column blob_retry_at  timestamptz,          -- the next attempt to keep the original; null: nothing to do
    add column blob_attempts  int not null default 0,
    add column blob_error     text;                 -- why the original is not kept (yet), in words
create index message_artifacts_blob_retry_idx on message_artifacts (blob_retry_at) where blob_retry_at is not null;
