-- Accounts. Login looks a user up by email before anyone is signed in, so the edge reads this
-- table through ${worker_role} (explicit policy below); signed-in requests through ${app_role}
-- see only their own row.
create table users (
    id            uuid primary key,
    email         text not null,
    password_hash text not null,            -- Argon2id, PHC string format; never the password
    created_at    timestamptz not null default now()
);
-- Emails are compared case-insensitively; the edge stores them lower-cased and trimmed.
create unique index users_email_key on users (lower(email));

alter table users enable row level security;
alter table users force row level security;
create policy users_own_row on users to ${app_role}
    using (id = (select nullif(current_setting('app.user_id', true), '')::uuid))
    with check (id = (select nullif(current_setting('app.user_id', true), '')::uuid));
create policy users_auth_edge on users to ${worker_role} using (true) with check (true);
