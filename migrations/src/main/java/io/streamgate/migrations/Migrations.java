package io.streamgate.migrations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs the Flyway migrations in {@code db/migration} as the schema owner, after making
 * sure the application's login roles exist with NOSUPERUSER NOBYPASSRLS.
 *
 * <p>Placeholders available to migrations: {@code ${app_role}} (HTTP requests; sees a
 * user's rows only once {@code app.user_id} is set in its transaction) and
 * {@code ${worker_role}} (stream-processor sinks that write rows for many users; given
 * explicit policies per table, never BYPASSRLS).
 */
public final class Migrations {
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Migrations() {}

    /**
     * Creates (or fixes) the app role, then migrates.
     *
     * @param owner a data source connecting as the owner of the schema (may create roles)
     * @param roles the login roles the application uses afterwards
     */
    public static MigrateResult migrate(DataSource owner, DbRoles roles) {
        ensureLoginRole(owner, roles.appRole(), roles.appPassword());
        ensureLoginRole(owner, roles.workerRole(), roles.workerPassword());
        return flyway(owner, roles).migrate();
    }

    /**
     * Creates (or fixes) the roles, then migrates up to and including version {@code target}
     * only; the RLS benchmark uses it to measure the schema before and after V90.
     */
    public static MigrateResult migrateTo(DataSource owner, DbRoles roles, String target) {
        ensureLoginRole(owner, roles.appRole(), roles.appPassword());
        ensureLoginRole(owner, roles.workerRole(), roles.workerPassword());
        return Flyway.configure().configuration(flyway(owner, roles).getConfiguration()).target(target).load().migrate();
    }

    /**
     * True when every migration on the classpath has been applied. {@code reader} need not be
     * the owner: the app role may read Flyway's history (R__least_privilege), so an instance
     * that does not migrate asks without owner credentials.
     */
    public static boolean upToDate(DataSource reader, DbRoles roles) {
        var info = flyway(reader, roles).info();
        return info.pending().length == 0 && info.current() != null;
    }

    public static Flyway flyway(DataSource owner, DbRoles roles) {
        return Flyway.configure()
                .dataSource(owner)
                .locations("classpath:db/migration")
                .placeholders(Map.of("app_role", roles.appRole(), "worker_role", roles.workerRole()))
                .failOnMissingLocations(true)
                // Features own version ranges (V10-V49) and land in any order, and the RLS-index
                // migration is V90 so it runs after every table it indexes; a database that
                // already has V90 must still accept a V4x that lands later. The roles' rights
                // are the repeatable R__least_privilege, which Flyway applies after all of them.
                .outOfOrder(true)
                .load();
    }

    /**
     * Roles are cluster-wide, so several databases (and test JVMs) share one; creation
     * tolerates a concurrent creator, and the attributes are re-asserted every time so a
     * role somebody widened by hand is narrowed again.
     */
    static void ensureLoginRole(DataSource owner, String appRole, String appPassword) {
        if (!ROLE_NAME.matcher(appRole).matches()) {
            throw new IllegalArgumentException("app role name must match " + ROLE_NAME + ": " + appRole);
        }
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            String literal = quoteLiteral(c, appPassword);
            s.execute("""
                    do $$ begin
                      if not exists (select 1 from pg_roles where rolname = '%1$s') then
                        begin
                          create role %1$s login;
                        exception when duplicate_object then null;
                        end;
                      end if;
                    end $$""".formatted(appRole));
            s.execute("alter role " + appRole + " login nosuperuser nobypassrls nocreatedb nocreaterole password " + literal);
            s.execute("grant connect on database \"" + c.getCatalog().replace("\"", "\"\"") + "\" to " + appRole);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the app role " + appRole + ": " + e.getMessage(), e);
        }
    }

    private static String quoteLiteral(Connection c, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select quote_literal(?)")) {
            ps.setString(1, value);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
