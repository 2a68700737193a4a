-- Coach sessions: one row per coaching request. The API creates it (app role, RLS by
-- user); the coach worker moves it through streaming → done | error (worker role).
-- output_partition / output_from_offset locate the session's output in coach.output:
-- every output record of the session is at or after that offset of that partition, so a
-- replay reads from there instead of scanning the topic.
create table coach_sessions (
    id                 uuid primary key,
    user_id            uuid not null,
    prompt             text not null,
    asset_type         text not null check (asset_type in ('thumbnail', 'overlay', 'emote', 'banner')),
    brand_kit_id       uuid,
    status             text not null default 'queued' check (status in ('queued', 'streaming', 'done', 'error')),
    last_seq           bigint,
    error_reason       text,
    output_partition   int not null,
    output_from_offset bigint not null,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);

create index coach_sessions_user_id_idx on coach_sessions (user_id, created_at desc);

alter table coach_sessions enable row level security;
alter table coach_sessions force row level security;

create policy coach_sessions_owner on coach_sessions to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

-- The worker updates the status of any user's session it generates for.
create policy coach_sessions_worker on coach_sessions to ${worker_role} using (true) with check (true);
