-- Views run with the privileges of the querying role (security_invoker), so the RLS of
-- the tables underneath applies to the caller; a default (owner-privileged) view would
-- bypass RLS and show every user's rows. RlsCatalogTest fails on any view without it.

create view brand_kit_asset_counts with (security_invoker = true) as
select bk.id                          as brand_kit_id,
       bk.user_id                     as user_id,
       count(a.id)                    as asset_count,
       coalesce(sum(a.size_bytes), 0) as total_bytes,
       max(a.created_at)              as last_asset_at
from brand_kits bk
left join assets a on a.brand_kit_id = bk.id and a.user_id = bk.user_id
group by bk.id, bk.user_id;

grant select on brand_kit_asset_counts to ${app_role}, ${worker_role};
