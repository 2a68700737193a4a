package io.streamgate.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Postgres counts as ready only when it answers and every migration on the classpath is
 * applied; the owner's credentials serve the migrations at start and nothing after.
 */
@StreamgateTest
class DatabaseReadinessTest {

    @Test
    void notReadyUntilMigrated(TestEnv env) {
        Platform unmigrated = env.platform(Map.of("DATABASE_MIGRATE", "false"));
        assertThat(unmigrated.db().ready()).as("fresh database, migrations not run").isFalse();

        Platform migrated = env.platform();
        assertThat(migrated.db().ready()).isTrue();
        assertThat(unmigrated.db().ready()).as("same database, now migrated").isTrue();
    }

    /**
     * An owner that can no longer log in once the instance has started changes nothing: the
     * instance stays ready and serves both roles, holds the owner's password nowhere it shows,
     * and an instance that does not migrate starts without any owner password at all.
     */
    @Test
    void afterStartTheOwnerIsNeitherKeptNorUsed(TestEnv env) throws SQLException {
        env.platform(); // migrated by the usual owner, so the owner below creates nothing it would have to hand back
        String owner = "sg_owner_" + UUID.randomUUID().toString().substring(0, 8);
        String password = "owner-secret-" + UUID.randomUUID();
        DatabaseUrl admin = env.databaseUrl();
        execute(admin, "create role " + owner + " login superuser password '" + password + "'");
        try {
            Platform platform = env.platform(Map.of("DATABASE_URL", admin.jdbcUrl() + "?user=" + owner + "&password=" + password));
            assertThat(platform.db().ready()).isTrue();
            assertThat(platform.db().display()).contains(owner).doesNotContain(password);
            assertThat(platform.env().optional("DATABASE_URL")).as("the shared Env no longer holds the owner's URL").isEmpty();

            execute(admin, "alter role " + owner + " nologin");
            assertThat(platform.db().ready()).as("ready without the owner").isTrue();
            assertThat(platform.db().<Integer>inWorkerTransaction(c -> count(c, "select count(*) from webhook_events"))).isZero();
            assertThat(platform.db().<Integer>inUserTransaction(UUID.randomUUID(), c -> count(c, "select count(*) from brand_kits"))).isZero();
            try (Connection c = Database.ownerDataSource(admin).getConnection()) {
                assertThat(count(c, "select count(*) from pg_stat_activity where usename = '" + owner + "'"))
                        .as("sessions of the owner").isZero();
            }

            Platform follower = env.platform(Map.of("DATABASE_MIGRATE", "false", "DATABASE_URL", admin.jdbcUrl() + "?user=" + owner));
            assertThat(follower.db().ready()).as("a non-migrating instance, the owner unable to log in").isTrue();
        } finally {
            execute(admin, "drop role " + owner);
        }
    }

    private static void execute(DatabaseUrl admin, String sql) throws SQLException {
        try (Connection c = Database.ownerDataSource(admin).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
