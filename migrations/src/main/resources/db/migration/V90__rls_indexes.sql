-- RLS indexes, after every table exists. Each policy filters on user_id, so every query
-- of the API is "this user's rows, newest first", and without an index leading with
-- user_id Postgres reads the whole table for each request. The composite indexes match
-- the API's real queries (keyset pagination on created_at desc, id desc, with its
-- filters); bench/run.sh rls measures the difference (BENCHMARKS.md, "RLS indexes").
-- Each index leads with user_id, so none of these tables needs a plain user_id index too.

-- GET /v1/brand-kits
create index brand_kits_user_created_idx on brand_kits (user_id, created_at desc, id desc);

-- GET /v1/assets, GET /v1/assets?brand_kit_id= (also the brand-kit delete's FK lookup),
-- GET /v1/assets?type=
create index assets_user_created_idx on assets (user_id, created_at desc, id desc);
create index assets_user_brand_kit_created_idx on assets (user_id, brand_kit_id, created_at desc, id desc);
create index assets_user_type_created_idx on assets (user_id, type, created_at desc, id desc);

-- GET /v1/generations
create index generation_jobs_user_created_idx on generation_jobs (user_id, created_at desc, id desc);

-- Foreign-key lookups when a brand kit or an asset is deleted (rare, but otherwise a full scan).
create index brand_kits_user_logo_idx on brand_kits (user_id, logo_asset_id) where logo_asset_id is not null;
create index generation_jobs_user_brand_kit_idx on generation_jobs (user_id, brand_kit_id) where brand_kit_id is not null;
create index generation_jobs_user_result_idx on generation_jobs (user_id, result_asset_id) where result_asset_id is not null;

analyze brand_kits;
analyze assets;
analyze generation_jobs;
