-- Delivery rules of the outbox (docs/TELEGRAM.md): a send that Telegram may have acted on is
-- never repeated blindly. send_started_at is set just before a row goes on the wire and cleared
-- when the row is put back for a retry known to be safe; a sender that finds it set on a row it
-- just claimed knows an earlier sender stopped mid-send. Such rows, and rows whose answer was lost
-- after the request was written, end as 'uncertain' (with the reason in send_error), not resent.
alter table chat_messages drop constraint chat_messages_send_status_check;
alter table chat_messages
    add constraint chat_messages_send_status_check check (send_status in ('pending', 'sent', 'failed', 'uncertain')),
    add column send_started_at timestamptz;
