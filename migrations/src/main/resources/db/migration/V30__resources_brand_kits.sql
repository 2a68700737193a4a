-- Brand kits: a user's name, colours, fonts, tone and logo for generated assets.
-- Column set agreed with the coach feature (it reads brand kits to refine prompts).
-- Indexes for the API's queries come later, in V90 (measured before/after in bench/).

create table brand_kits (
    id            uuid        primary key default gen_random_uuid(),
    user_id       uuid        not null,
    name          text        not null check (char_length(name) between 1 and 100),
    colors        jsonb       not null default '[]' check (jsonb_typeof(colors) = 'array'),
    fonts         jsonb       not null default '[]' check (jsonb_typeof(fonts) = 'array'),
    tone          text        check (char_length(tone) <= 500),
    logo_asset_id uuid,
    version       int         not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    -- Target of composite foreign keys (id, user_id): a row can only point at a row of the
    -- same user. Foreign-key checks run as the owner and ignore RLS, so a plain FK on id
    -- would let one user link (and so probe for) another user's brand kit.
    unique (id, user_id)
);

alter table brand_kits enable row level security;
alter table brand_kits force row level security;

-- One policy per command, for the app role only: the (select ...) runs once per query
-- instead of once per row, and an unset app.user_id ('' or missing) matches nothing.
create policy brand_kits_select on brand_kits for select to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy brand_kits_insert on brand_kits for insert to ${app_role}
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy brand_kits_update on brand_kits for update to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))
    with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy brand_kits_delete on brand_kits for delete to ${app_role}
    using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

-- Stream processors (e.g. the coach) read brand kits of many users.
create policy brand_kits_worker_select on brand_kits for select to ${worker_role} using (true);
