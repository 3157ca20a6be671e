-- Rich text (issue 21): a model's Markdown answer is stored as the plain text that is sent plus its
-- Telegram message entities (a JSON array: type, offset, length in UTF-16 units, url, language),
-- so that what is stored is exactly what goes on the wire and a resend is identical. Null: plain.
alter table chat_messages add column entities jsonb;

-- The console redraws a message whose text, buttons or entities change.
drop trigger chat_messages_rev_update on chat_messages;
create trigger chat_messages_rev_update before update on chat_messages
    for each row when (old.text is distinct from new.text or old.reply_markup is distinct from new.reply_markup
                       or old.entities is distinct from new.entities)
    execute function chat_messages_bump_rev();
