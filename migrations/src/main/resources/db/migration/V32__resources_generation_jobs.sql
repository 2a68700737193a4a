-- Generation jobs: a user's request to generate an asset. The API creates them queued; a
-- worker moves them to running and then succeeded (with the asset) or failed (with a reason).

create table generation_jobs (
    id              uuid        primary key default gen_random_uuid(),
    user_id         uuid        not null,
    prompt          text        not null check (char_length(prompt) between 1 and 4000),
    asset_type      text        not null check (asset_type in ('thumbnail', 'overlay', 'emote', 'banner')),
    brand_kit_id    uuid,
    status          text        not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
    result_asset_id uuid,
    error           text        check (char_length(error) <= 1000),
    version         int         not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    check (result_asset_id is null or status = 'succeeded'),
    foreign key (brand_kit_id, user_id) references brand_kits (id, user_id) on delete set null (brand_kit_id),
    foreign key (result_asset_id, user_id) references assets (id, user_id) on delete set null (result_asset_id)
);

alter table generation_jobs enable row level security;
alter table generation_jobs force row level security;

create policy generation_jobs_select on generation_jobs for select to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy generation_jobs_insert on generation_jobs for insert to ${app_role}
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy generation_jobs_update on generation_jobs for update to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy generation_jobs_delete on generation_jobs for delete to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

create policy generation_jobs_worker_all on generation_jobs for all to ${worker_role} using (true) with check (true);
