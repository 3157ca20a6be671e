-- The daily cost report (DAILY_REPORT_AT): one row per UTC day it was sent, so that of several
-- replicas exactly one sends it (the one whose insert wins), and a restart does not send it twice.
create table daily_reports (
    day      date        primary key,
    sent_at  timestamptz not null
);
