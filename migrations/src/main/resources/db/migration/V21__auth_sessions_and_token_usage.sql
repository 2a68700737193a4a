-- The refresh-token audit trail and the session list, both filled by the idempotent sink of
-- the audit.auth.token-usage topic (worker role). The decisions themselves live in the
-- processor's state store; these tables are read models for people.

-- One row per token event (presentation, login, logout) with its verdict. event_id is the
-- request id, so replaying the topic inserts nothing twice.
create table refresh_token_usage (
    event_id           text primary key,
    user_id            uuid not null,
    family_id          uuid not null,
    token_id           text,                -- base64url SHA-256 of the presented token, never the token
    type               text not null,
    verdict            text not null,
    revoked_family_ids uuid[] not null default '{}',
    ip                 text,
    user_agent         text,
    occurred_at        timestamptz not null,
    decided_at         timestamptz not null
);
create index refresh_token_usage_user_time on refresh_token_usage (user_id, occurred_at desc);
create index refresh_token_usage_family on refresh_token_usage (family_id, occurred_at desc);
create index refresh_token_usage_time on refresh_token_usage (occurred_at);

alter table refresh_token_usage enable row level security;
alter table refresh_token_usage force row level security;
create policy refresh_token_usage_own_rows on refresh_token_usage for select to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy refresh_token_usage_sink on refresh_token_usage to ${worker_role} using (true) with check (true);

-- One row per token family (a login session). Status only moves from active to revoked or
-- expired, never back, so replays and out-of-order delivery cannot revive a session.
create table auth_sessions (
    id            uuid primary key,       -- the family id (sid claim of access tokens)
    user_id       uuid not null,
    status        text not null default 'active' check (status in ('active', 'revoked', 'expired')),
    created_at    timestamptz not null,
    last_used_at  timestamptz not null,
    closed_at     timestamptz,
    ip            text,
    user_agent    text
);
create index auth_sessions_user on auth_sessions (user_id, last_used_at desc);

alter table auth_sessions enable row level security;
alter table auth_sessions force row level security;
create policy auth_sessions_own_rows on auth_sessions for select to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy auth_sessions_sink on auth_sessions to ${worker_role} using (true) with check (true);
