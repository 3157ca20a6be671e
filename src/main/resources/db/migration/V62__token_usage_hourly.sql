-- Token usage per UTC hour, scope, provider and model, kept by a trigger on token_ledger (issue 14).
-- The dashboard's 7-day chart, its 14 days of money, /cost and the daily report read these few
-- hundred rows instead of summing (and parsing the meta_json of) every ledger row of the period:
-- at a few hundred thousand ledger rows a week that sum alone took seconds.
create table token_usage_hourly (
    hour            timestamptz not null,             -- date_trunc('hour', created_at, 'UTC')
    scope           text        not null,
    provider        text        not null,
    model           text        not null,             -- meta_json->>'model', '' when absent
    calls           bigint      not null,
    tokens_total    bigint      not null,
    input           bigint      not null,             -- the breakdown of meta_json (uncached input)
    cache_creation  bigint      not null,
    cache_read      bigint      not null,
    output          bigint      not null,
    cost_usd        float8      not null,             -- sum of meta_json->>'cost_usd' (Claude Code's own figure)
    primary key (hour, scope, provider, model)
);

create function token_usage_hourly_add() returns trigger language plpgsql as $$
begin
    insert into token_usage_hourly as u (hour, scope, provider, model, calls, tokens_total, input, cache_creation, cache_read, output, cost_usd)
    values (date_trunc('hour', new.created_at, 'UTC'), new.scope, new.provider, coalesce(new.meta_json->>'model', ''), 1,
            new.tokens_total,
            coalesce((new.meta_json->>'input_tokens')::bigint, 0),
            coalesce((new.meta_json->>'cache_creation_input_tokens')::bigint, 0),
            coalesce((new.meta_json->>'cache_read_input_tokens')::bigint, 0),
            new.tokens_output,
            coalesce((new.meta_json->>'cost_usd')::float8, 0))
    on conflict (hour, scope, provider, model) do update set
        calls = u.calls + 1,
        tokens_total = u.tokens_total + excluded.tokens_total,
        input = u.input + excluded.input,
        cache_creation = u.cache_creation + excluded.cache_creation,
        cache_read = u.cache_read + excluded.cache_read,
        output = u.output + excluded.output,
        cost_usd = u.cost_usd + excluded.cost_usd;
    return null;
end $$;

-- Ledger rows are only ever inserted (never updated or deleted), so insert is the only event.
create trigger token_ledger_hourly after insert on token_ledger
    for each row execute function token_usage_hourly_add();

insert into token_usage_hourly (hour, scope, provider, model, calls, tokens_total, input, cache_creation, cache_read, output, cost_usd)
select date_trunc('hour', created_at, 'UTC'), scope, provider, coalesce(meta_json->>'model', ''), count(*), sum(tokens_total),
       sum(coalesce((meta_json->>'input_tokens')::bigint, 0)), sum(coalesce((meta_json->>'cache_creation_input_tokens')::bigint, 0)),
       sum(coalesce((meta_json->>'cache_read_input_tokens')::bigint, 0)), sum(tokens_output),
       sum(coalesce((meta_json->>'cost_usd')::float8, 0))
from token_ledger group by 1, 2, 3, 4;
