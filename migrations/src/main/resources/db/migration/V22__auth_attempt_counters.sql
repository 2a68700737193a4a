-- Sign-in and registration limits shared by every ingest instance. One row per limited key
-- (an address per minute, an account's failed sign-ins per window); the edge counts with one
-- atomic upsert, so concurrent attempts on any instance can never pass the limit together.
-- Keys are SHA-256 digests of the scope and value: fixed-size rows, and no email or address in
-- plain view.
create table auth_attempt_counters (
    key          text primary key,
    window_start timestamptz not null,
    expires_at   timestamptz not null,      -- the window's end; the row is swept after it
    attempts     integer not null check (attempts >= 0)
);
create index auth_attempt_counters_expiry on auth_attempt_counters (expires_at);

-- Written before anyone is signed in, so only the edge's worker role uses it; the app role
-- (signed-in requests) has no business here. Its grants live with every other table's in
-- R__least_privilege.sql.
revoke all on auth_attempt_counters from ${app_role}, ${worker_role};
