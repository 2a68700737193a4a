-- Assets: generated images (thumbnails, overlays, emotes, banners) stored elsewhere,
-- referenced by URL. Generation jobs produce them (the worker role writes them); the API
-- only lists them.

create table assets (
    id           uuid        primary key default gen_random_uuid(),
    user_id      uuid        not null,
    brand_kit_id uuid,
    type         text        not null check (type in ('thumbnail', 'overlay', 'emote', 'banner')),
    storage_url  text        not null check (char_length(storage_url) between 1 and 2048),
    content_type text        not null default 'image/png',
    size_bytes   bigint      not null check (size_bytes >= 0),
    width        int         check (width > 0),
    height       int         check (height > 0),
    created_at   timestamptz not null default now(),
    unique (id, user_id),
    -- Same-user link only (see brand_kits); deleting a brand kit keeps its assets, unlinked.
    foreign key (brand_kit_id, user_id) references brand_kits (id, user_id) on delete set null (brand_kit_id)
);

alter table brand_kits
    add foreign key (logo_asset_id, user_id) references assets (id, user_id) on delete set null (logo_asset_id);

alter table assets enable row level security;
alter table assets force row level security;

create policy assets_select on assets for select to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy assets_insert on assets for insert to ${app_role}
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy assets_update on assets for update to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy assets_delete on assets for delete to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

-- The generation worker writes the assets of many users.
create policy assets_worker_all on assets for all to ${worker_role} using (true) with check (true);
