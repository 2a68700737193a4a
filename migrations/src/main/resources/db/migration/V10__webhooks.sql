-- Webhook pipeline state. Written by the webhook sink (worker role) from the audit and
-- subscription-state topics; read by the API (app role). Every write is idempotent: a
-- delivery row is keyed by its delivery id, a subscription row only moves to a higher
-- version (event created, precedence, event id), so replaying a topic changes nothing.

-- One row per provider event id. status: the event's fate; 'duplicate' only until the first
-- delivery's own outcome is known (a duplicate may be audited before the original leaves the
-- ordering grace buffer).
create table webhook_events (
    event_id      text primary key,
    source        text not null,
    type          text not null,
    created       timestamptz,
    received_at   timestamptz not null,
    status        text not null check (status in ('processed', 'duplicate', 'stale', 'ignored', 'dead_lettered')),
    reason        text,
    subscription_id text,
    deliveries    int not null default 0,
    updated_at    timestamptz not null default now()
);

-- The history of one event: every delivery and what became of it.
create table webhook_deliveries (
    delivery_id   text primary key,
    event_id      text not null references webhook_events (event_id),
    outcome       text not null check (outcome in ('accepted', 'duplicate', 'stale', 'ignored', 'rejected')),
    reason        text,
    received_at   timestamptz not null,
    decided_at    timestamptz not null
);
create index webhook_deliveries_event on webhook_deliveries (event_id, received_at);

-- Operational tables, not user-owned: only the worker writes them; the app role reads them
-- for the operator endpoint.
revoke insert, update, delete on webhook_events, webhook_deliveries from ${app_role};

-- One row per provider subscription. user_id stays null until a checkout session links it
-- (the link may arrive after the subscription's own events).
create table subscriptions (
    stripe_subscription_id text primary key,
    user_id            uuid,
    customer_id        text,
    status             text not null,
    current_period_end timestamptz,
    access_until       timestamptz,
    last_event_id      text not null,
    last_event_type    text not null,
    last_event_created timestamptz not null,
    -- precedence of last_event_type among events of the same second (see docs/webhooks.md)
    last_event_rank    int not null,
    updated_at         timestamptz not null default now()
);
create index subscriptions_user_id on subscriptions (user_id);

alter table subscriptions enable row level security;
alter table subscriptions force row level security;
create policy subscriptions_owner on subscriptions to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy subscriptions_worker on subscriptions to ${worker_role} using (true) with check (true);
