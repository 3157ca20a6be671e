-- Uncertain sends are never silent (docs/RELIABILITY.md, "Connections the peer closes"): the
-- Master is told in the thread (a row of kind 'delivery_notice'), and the console and dashboard
-- offer to send the reply again. resent_as is the new row a "send again" made, so that a second
-- press does not queue a second copy.
alter table chat_messages
    add column resent_as bigint references chat_messages (id);
create index chat_messages_uncertain_idx on chat_messages (id desc) where send_status = 'uncertain' and resent_as is null;
