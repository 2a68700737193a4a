package io.streamgate.api.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.db.Database;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole migrated schema (every feature's migrations), read from the catalog: every
 * user-owned table forces row level security, every RLS table has an index leading with
 * user_id, and every view runs as its caller. A new table or view from any feature that
 * breaks a rule fails here, by name.
 */
@StreamgateTest
class RlsCatalogTest {
    static final String USER_SCHEMAS = "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'";

    static DataSource owner;

    @BeforeAll
    static void migrate(TestEnv env) {
        env.platform();
        owner = Database.ownerDataSource(env.databaseUrl());
    }

    /** Tables with a user_id column hold users' rows: they must ENABLE and FORCE RLS. */
    static final String USER_OWNED_WITHOUT_FORCED_RLS = """
            select n.nspname || '.' || c.relname
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p') and %s
              and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped)
              and not (c.relrowsecurity and c.relforcerowsecurity)
            order by 1""".formatted(USER_SCHEMAS);

    /**
     * RLS filters by user_id: without an index leading with it every query reads the whole
     * table. A table keyed by the user itself (auth's users: {@code id = app.user_id}) needs
     * the index on the column its policies compare with app.user_id instead.
     */
    static final String RLS_WITHOUT_USER_ID_INDEX = """
            select n.nspname || '.' || c.relname
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p') and c.relrowsecurity and %s
              and not exists (
                select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                where i.indrelid = c.oid and i.indisvalid
                  and (a.attname = 'user_id'
                       or exists (select 1 from pg_policies p
                                  where p.schemaname = n.nspname and p.tablename = c.relname
                                    and coalesce(p.qual, p.with_check) ~ ('^\\(*' || a.attname || ' = \\( SELECT .*app\\.user_id'))))
            order by 1""".formatted(USER_SCHEMAS);

    /**
     * A view runs with its owner's rights unless security_invoker is on, and the owner is
     * not subject to the callers' RLS: such a view would show every user's rows. A
     * materialized view cannot be security_invoker at all.
     */
    static final String VIEWS_NOT_SECURITY_INVOKER = """
            select n.nspname || '.' || c.relname || case when c.relkind = 'm' then ' (materialized view)' else '' end
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('v', 'm') and %s
              and not exists (select 1 from unnest(coalesce(c.reloptions, '{}')) o
                              where lower(o) in ('security_invoker=true', 'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'))
            order by 1""".formatted(USER_SCHEMAS);

    @Test
    void everyUserOwnedTableForcesRowLevelSecurity() throws SQLException {
        assertThat(names(USER_OWNED_WITHOUT_FORCED_RLS))
                .as("tables with a user_id column need ENABLE and FORCE ROW LEVEL SECURITY").isEmpty();
        assertThat(names("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relforcerowsecurity and "
                + USER_SCHEMAS)).contains("brand_kits", "assets", "generation_jobs");
    }

    @Test
    void everyRlsTableHasAnIndexLeadingWithUserId() throws SQLException {
        assertThat(names(RLS_WITHOUT_USER_ID_INDEX))
                .as("row-level-security tables need an index whose first column is user_id"
                        + " (or the column their policies compare with app.user_id)").isEmpty();
    }

    @Test
    void everyViewRunsWithTheCallersRights() throws SQLException {
        assertThat(names("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'v' and "
                + USER_SCHEMAS)).as("the checks below looked at some views").contains("brand_kit_asset_counts");
        assertThat(names(VIEWS_NOT_SECURITY_INVOKER)).as("views must be created WITH (security_invoker = true)").isEmpty();
    }

    /** The checks are worth something only if they catch a violation: plant some and see them named. */
    @Test
    void theChecksNameTablesAndViewsThatBreakTheRules() throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("create table planted_notes (id uuid primary key, user_id uuid not null, body text)");
            s.execute("create table planted_unindexed (id uuid primary key, user_id uuid not null)");
            s.execute("alter table planted_unindexed enable row level security");
            s.execute("alter table planted_unindexed force row level security");
            s.execute("create index planted_unindexed_wrong_order on planted_unindexed (id, user_id)");
            // keyed by the user itself, like auth's users table: its primary key is the RLS index
            s.execute("create table planted_profiles (id uuid primary key, bio text)");
            s.execute("alter table planted_profiles enable row level security");
            s.execute("alter table planted_profiles force row level security");
            s.execute("create policy planted_own on planted_profiles using (id = (select nullif(current_setting('app.user_id', true), '')::uuid))");
            s.execute("create view planted_owner_view as select * from brand_kits");
            s.execute("create view planted_off_view with (security_invoker = false) as select * from assets");
            s.execute("create view planted_ok_view with (security_invoker = true) as select * from assets");
            try {
                assertThat(names(c, USER_OWNED_WITHOUT_FORCED_RLS)).containsExactly("public.planted_notes");
                assertThat(names(c, RLS_WITHOUT_USER_ID_INDEX)).containsExactly("public.planted_unindexed");
                assertThat(names(c, VIEWS_NOT_SECURITY_INVOKER)).containsExactly("public.planted_off_view", "public.planted_owner_view");
            } finally {
                c.rollback();
            }
        }
    }

    static List<String> names(String sql) throws SQLException {
        try (Connection c = owner.getConnection()) {
            return names(c, sql);
        }
    }

    static List<String> names(Connection c, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) names.add(rs.getString(1));
        }
        return names;
    }
}
