-- A deploy waiting for the deploy lock has a row of its own ('queued'), so the Master and the
-- dashboard see it; it moves to 'building' once it holds the lock (docs/DEPLOY.md).
alter table deployments drop constraint deployments_status_check;
alter table deployments add constraint deployments_status_check
    check (status in ('queued', 'building', 'testing', 'deploying', 'healthy', 'rolled_back', 'failed'));
