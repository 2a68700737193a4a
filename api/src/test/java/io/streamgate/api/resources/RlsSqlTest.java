package io.streamgate.api.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgate.platform.Platform;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.db.DatabaseException;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row level security at the SQL level, as the app role the API connects as: with
 * {@code app.user_id} set a user sees and changes only their rows; without it nothing at
 * all; and a pooled connection (pool of one) carries nothing from one user to the next.
 */
@StreamgateTest
class RlsSqlTest {
    static final List<String> TABLES = List.of("brand_kits", "assets", "generation_jobs", "brand_kit_asset_counts");

    static Platform platform;
    static DataSource owner;
    static String appRole;
    static String workerRole;
    static final UUID alice = UUID.randomUUID();
    static final UUID bob = UUID.randomUUID();
    static UUID bobKit;

    @BeforeAll
    static void rowsOfTwoUsers(TestEnv env) throws SQLException {
        // One connection in the pool, so every borrow below reuses the same server session.
        platform = env.platform(Map.of("DATABASE_POOL_SIZE", "1"));
        owner = Database.ownerDataSource(env.databaseUrl());
        appRole = platform.db().appRole();
        workerRole = platform.db().workerRole();
        for (UUID user : List.of(alice, bob)) {
            UUID kit = platform.db().inUserTransaction(user, c -> insertKit(c, user, "kit of " + user));
            if (user.equals(bob)) bobKit = kit;
            Seed.assets(platform, user, 3, Instant.now(), List.of(kit));
            platform.db().inUserTransaction(user, c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into generation_jobs (user_id, prompt, asset_type) values (?, 'p', 'emote')")) {
                    ps.setObject(1, user);
                    return ps.executeUpdate();
                }
            });
        }
    }

    @Test
    void theAppRoleCannotBypassRowLevelSecurityAndOwnsNothing() throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            for (String role : List.of(appRole, workerRole)) {
                try (ResultSet rs = s.executeQuery("select rolsuper, rolbypassrls from pg_roles where rolname = '" + role + "'")) {
                    assertThat(rs.next()).as(role).isTrue();
                    assertThat(rs.getBoolean("rolsuper")).as(role + " rolsuper").isFalse();
                    assertThat(rs.getBoolean("rolbypassrls")).as(role + " rolbypassrls").isFalse();
                }
                try (ResultSet rs = s.executeQuery("select count(*) from pg_class c join pg_roles r on r.oid = c.relowner"
                        + " where r.rolname = '" + role + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("relations owned by " + role).isZero();
                }
            }
        }
    }

    @Test
    void withoutAUserTheAppRoleSeesNothingAndCannotInsert() throws SQLException {
        try (Connection c = owner.getConnection()) {
            assertThat(count(c, "brand_kits")).as("owner sees both users' kits").isEqualTo(2);
        }
        try (Connection c = platform.db().app().getConnection()) {
            for (String table : TABLES) assertThat(count(c, table)).as(table).isZero();
            assertThatThrownBy(() -> insertKit(c, alice, "sneaky")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("row-level security");
            // An empty setting (what a reset leaves behind) is "nobody", not an error or everybody.
            try (Statement s = c.createStatement()) {
                s.execute("select set_config('app.user_id', '', false)");
            }
            for (String table : TABLES) assertThat(count(c, table)).as(table).isZero();
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("update brand_kits set name = 'x'")).isZero();
                assertThat(s.executeUpdate("delete from brand_kits")).isZero();
                s.execute("reset app.user_id");
            }
        }
    }

    @Test
    void aUserSeesAndChangesOnlyTheirOwnRows() {
        platform.db().inUserTransaction(alice, c -> {
            assertThat(count(c, "brand_kits")).isEqualTo(1);
            assertThat(count(c, "assets")).isEqualTo(3);
            assertThat(count(c, "generation_jobs")).isEqualTo(1);
            assertThat(count(c, "brand_kit_asset_counts")).isEqualTo(1);
            try (Statement s = c.createStatement()) {
                assertThat(users(s, "select user_id from brand_kits union all select user_id from assets"
                        + " union all select user_id from generation_jobs union all select user_id from brand_kit_asset_counts"))
                        .containsOnly(alice);
                // Brand kits are the only rows the app role may change at all (RolePrivilegesTest).
                assertThat(s.executeUpdate("update brand_kits set name = 'mine' where id = '" + bobKit + "'")).isZero();
                assertThat(s.executeUpdate("delete from brand_kits where id = '" + bobKit + "'")).isZero();
            }
            return null;
        });
        // Writing a row for someone else is refused.
        assertThatThrownBy(() -> platform.db().inUserTransaction(alice, c -> insertKit(c, bob, "for bob")))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("row-level security");
        // Handing a row over is refused before the policy's WITH CHECK is reached: user_id is not
        // among the columns the app role may update.
        assertThatThrownBy(() -> platform.db().inUserTransaction(alice, c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("update brand_kits set user_id = '" + bob + "'");
            }
        })).isInstanceOf(DatabaseException.class).hasMessageContaining("permission denied");
        // A same-user foreign key cannot point at another user's row either.
        assertThatThrownBy(() -> platform.db().inUserTransaction(alice, c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("insert into generation_jobs (user_id, prompt, asset_type, brand_kit_id) values ('"
                        + alice + "', 'p', 'emote', '" + bobKit + "')");
            }
        })).isInstanceOf(DatabaseException.class).hasMessageContaining("foreign key");

        platform.db().inUserTransaction(bob, c -> {
            assertThat(count(c, "brand_kits")).isEqualTo(1);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select name from brand_kits")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("kit of " + bob);
            }
            assertThat(count(c, "assets")).isEqualTo(3);
            assertThat(count(c, "generation_jobs")).isEqualTo(1);
            return null;
        });
    }

    @Test
    void aPooledConnectionReusedByAThenBCarriesNothingOver() throws SQLException {
        int alicePid = platform.db().inUserTransaction(alice, c -> {
            assertThat(setting(c)).isEqualTo(alice.toString());
            assertThat(count(c, "brand_kits")).isEqualTo(1);
            return pid(c);
        });
        // The same session, borrowed without a user: the setting ended with the transaction.
        try (Connection c = platform.db().app().getConnection()) {
            assertThat(pid(c)).isEqualTo(alicePid);
            assertThat(setting(c)).isNullOrEmpty();
            for (String table : TABLES) assertThat(count(c, table)).as(table).isZero();
        }
        // A transaction that fails half-way leaves nothing behind either.
        assertThatThrownBy(() -> platform.db().inUserTransaction(alice, c -> {
            insertKit(c, alice, "rolled back");
            throw new SQLException("boom");
        })).isInstanceOf(DatabaseException.class);
        platform.db().inUserTransaction(bob, c -> {
            assertThat(pid(c)).isEqualTo(alicePid);
            assertThat(setting(c)).isEqualTo(bob.toString());
            try (Statement s = c.createStatement()) {
                assertThat(users(s, "select user_id from brand_kits union all select user_id from assets")).containsOnly(bob);
            }
            return null;
        });
        platform.db().inUserTransaction(alice, c -> {
            assertThat(count(c, "brand_kits")).as("the rolled-back kit is gone").isEqualTo(1);
            return null;
        });
    }

    static UUID insertKit(Connection c, UUID user, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into brand_kits (user_id, name) values (?, ?) returning id")) {
            ps.setObject(1, user);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    static int count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String setting(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_setting('app.user_id', true)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static List<UUID> users(Statement s, String sql) throws SQLException {
        List<UUID> users = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) users.add(rs.getObject(1, UUID.class));
        }
        return users;
    }
}
