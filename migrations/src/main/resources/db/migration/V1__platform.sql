-- Platform baseline. The tables belong to the migration owner. The application connects
-- as ${app_role} (HTTP requests) or ${worker_role} (stream-processor sinks), both
-- NOSUPERUSER NOBYPASSRLS and created before migrations run. Neither owns anything, so
-- FORCE ROW LEVEL SECURITY on user-owned tables always applies to them.

grant usage on schema public to ${app_role}, ${worker_role};

-- Every table and sequence a later migration creates is usable (not owned) by both roles.
-- Row level security policies, not grants, decide which rows each one sees.
alter default privileges in schema public grant select, insert, update, delete on tables to ${app_role}, ${worker_role};
alter default privileges in schema public grant usage, select on sequences to ${app_role}, ${worker_role};

-- Operators and tests ask this to tell a migrated database from an empty one.
create table platform_info (
    key   text primary key,
    value text not null
);
insert into platform_info (key, value) values ('schema_owner', current_user);
