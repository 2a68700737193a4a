-- Least privilege: every table right of ${app_role} (HTTP requests) and ${worker_role}
-- (stream-processor sinks, sign-in and registration, generation results) is granted here and
-- only here. Each role holds what its code issues: SELECT where it reads, INSERT where it
-- creates rows (a column list where another role owns part of the row), UPDATE on exactly the
-- columns it changes, DELETE only where a user deletes. Row level security still decides which
-- rows; these grants decide which statements and columns, and Postgres refuses anything else
-- with SQLSTATE 42501. The table of rights and the reasons: docs/resources.md, "Role rights".
--
-- A repeatable migration: Flyway applies it after every versioned one, and again whenever this
-- file changes. So it sees every table whatever order the features' migrations land in
-- (outOfOrder), and each run first takes back every right, including one granted by hand or by
-- an older migration (V1 granted select, insert, update, delete on every table to both roles).
--
-- HOW A NEW TABLE GETS ITS RIGHTS: it starts with none (default privileges below). Add its
-- grants to this file in the change that creates the table, and its row to the expectations of
-- RolePrivilegesTest (api), which fails for any table or view of the schema without one.

revoke all on all tables in schema public from ${app_role}, ${worker_role};
revoke all on all sequences in schema public from ${app_role}, ${worker_role};
alter default privileges in schema public revoke all on tables from ${app_role}, ${worker_role};
alter default privileges in schema public revoke all on sequences from ${app_role}, ${worker_role};

-- A role that could create a table would own it, and an owner is not subject to row level
-- security. Postgres 15 and later no longer let PUBLIC create in schema public; older servers
-- do. Only the schema's owner (or a superuser) can take that back.
do $$
begin
    if pg_has_role(current_user, (select nspowner from pg_namespace where nspname = 'public'), 'USAGE') then
        revoke create on schema public from public;
    end if;
end $$;
revoke create on schema public from ${app_role}, ${worker_role};
grant usage on schema public to ${app_role}, ${worker_role};

-- Platform (V1). platform_info is for operators, who read it as the owner. An instance started
-- with DATABASE_MIGRATE=false learns whether the schema is current from Flyway's history,
-- through the app role: it holds no owner connection.
grant select on ${flyway:table} to ${app_role};

-- Webhooks (V10). The sink writes all three tables from the audit and subscription-state
-- topics: events and deliveries are inserted once and events updated as deliveries arrive;
-- a subscription row moves to a newer version or learns its user and customer. The API reads
-- the operator's event view and a user's own subscription; it never writes them.
grant select on webhook_events, webhook_deliveries, subscriptions to ${app_role};
grant select, insert on webhook_events, webhook_deliveries, subscriptions to ${worker_role};
grant update (created, received_at, status, reason, subscription_id, deliveries, updated_at)
    on webhook_events to ${worker_role};
grant update (user_id, customer_id, status, current_period_end, access_until,
              last_event_id, last_event_type, last_event_created, last_event_rank, updated_at)
    on subscriptions to ${worker_role};

-- Auth (V20, V21). Registration inserts a user and sign-in reads the hash, before any user is
-- known, so both run as the worker. Nobody updates or deletes a user, so no password hash can
-- be overwritten through either role. A signed-in request may see its own account, never the
-- hash. The token audit sink writes the audit trail and the session read model; a signed-in
-- user reads their own sessions and audit rows.
grant select (id, email, created_at) on users to ${app_role};
grant select, insert on users to ${worker_role};
grant select on refresh_token_usage, auth_sessions to ${app_role};
grant select, insert on refresh_token_usage, auth_sessions to ${worker_role};
grant update (last_used_at, ip, user_agent, status, closed_at) on auth_sessions to ${worker_role};
-- The sign-in and registration limits (V22) are counted before anyone is signed in, by the
-- edge as the worker: one upsert per attempt, a refund on success, a sweep of ended windows.
grant select, insert, delete on auth_attempt_counters to ${worker_role};
grant update (window_start, expires_at, attempts) on auth_attempt_counters to ${worker_role};

-- Resources (V30-V33). Brand kits are the user's alone: the API creates, edits and deletes
-- them (deleting one unlinks its assets and jobs through foreign-key actions, which Postgres
-- runs as the tables' owner). The API queues generation jobs; the generation worker moves
-- them through their states and creates the assets, which the API only lists.
grant select, insert, delete on brand_kits to ${app_role};
grant update (name, colors, fonts, tone, logo_asset_id, version, updated_at) on brand_kits to ${app_role};
grant select on assets, generation_jobs, brand_kit_asset_counts to ${app_role};
grant insert (user_id, prompt, asset_type, brand_kit_id) on generation_jobs to ${app_role};
grant select, insert on assets to ${worker_role};
grant select on generation_jobs to ${worker_role};
grant update (status, result_asset_id, error, version, updated_at, started_at, finished_at)
    on generation_jobs to ${worker_role};

-- Coach (V40). The API creates a session with where its output starts in coach.output
-- (output_partition, output_from_offset), written once; the coach worker records its progress
-- and outcome. Neither can move the offsets afterwards.
grant select on coach_sessions to ${app_role}, ${worker_role};
grant insert (id, user_id, prompt, asset_type, brand_kit_id, output_partition, output_from_offset)
    on coach_sessions to ${app_role};
grant update (status, last_seq, error_reason, updated_at) on coach_sessions to ${worker_role};
