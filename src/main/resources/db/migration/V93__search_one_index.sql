-- Issue 19 item 6: the dashboard's search box uses the same search as the agent's search_memory
-- (store/SearchRepository.newest over chat_messages.search_tsv and message_artifacts.search_tsv,
-- V85). The dashboard's own index of V60 ('simple' vectors of the text) has no reader left, and
-- every stored message paid for it: dropped.
drop index if exists chat_messages_text_search_idx;
