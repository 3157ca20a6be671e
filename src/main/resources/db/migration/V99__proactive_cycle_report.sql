-- A proactive cycle's own report through the report_outcome tool (issue 19, item 4): summary, note
-- to the next cycle and a notable result, stored on the running cycle as soon as the run calls the
-- tool. The cycle's end writes it back even when the run's final text has no valid outcome block.
alter table proactive_cycles add column reported jsonb;
