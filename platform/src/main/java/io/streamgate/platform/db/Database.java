package io.streamgate.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.migrations.DbRoles;
import io.streamgate.migrations.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postgres for the application: migrations run as the owner, then two HikariCP pools log
 * in as the app role (HTTP requests, row level security by user) and the worker role
 * (stream-processor sinks). Neither can bypass RLS, and each holds only the rights its code
 * uses (migration R__least_privilege).
 *
 * <p>The owner's credentials serve the migrations at start and nothing after: this object
 * keeps neither the owner's URL nor its password, only a display string without the
 * password, and no check opens an owner connection.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final String display;
    private final DbRoles roleNames;
    private final HikariDataSource app;
    private final HikariDataSource worker;
    private final HikariDataSource probe;
    /** The app role, unpooled, for asking Flyway's history; null once the schema is current. */
    private volatile DataSource schemaReader;

    private Database(String display, DbRoles roleNames, HikariDataSource app, HikariDataSource worker, HikariDataSource probe,
            DataSource schemaReader) {
        this.display = display;
        this.roleNames = roleNames;
        this.app = app;
        this.worker = worker;
        this.probe = probe;
        this.schemaReader = schemaReader;
    }

    /**
     * Checks the server is reachable, migrates as the owner (when {@link DatabaseConfig#migrate()}),
     * and opens the pools. Without migrations the owner never logs in: reachability is checked
     * as the app role, so a non-migrating instance needs no owner password at all.
     */
    /**
     * Creates or fixes the login roles and applies every pending migration as the owner, then
     * lets go of the owner: what {@code ./streamgate migrate} does as a deploy step of its own,
     * and what a start does first when {@code DATABASE_MIGRATE} is true.
     *
     * @return the schema version now
     */
    public static String migrate(DatabaseConfig config) {
        DatabaseUrl owner = config.owner();
        requireReachable(owner);
        var result = Migrations.migrate(ownerDataSource(owner), config.roles());
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        log.info("database {} migrated ({} migrations applied now, schema version {})", owner.display(), result.migrationsExecuted, version);
        return version;
    }

    public static Database start(DatabaseConfig config, MeterRegistry metrics) {
        DatabaseUrl owner = config.owner();
        DbRoles roles = config.roles();
        DataSource schemaReader = null;
        if (config.migrate()) {
            migrate(config);
        } else {
            DatabaseUrl asApp = new DatabaseUrl(owner.jdbcUrl(), roles.appRole(), roles.appPassword(), owner.host(), owner.port(), owner.database());
            requireReachable(asApp);
            schemaReader = unpooled(asApp);
        }
        List<HikariDataSource> opened = new ArrayList<>();
        try {
            opened.add(pool(owner, "app", roles.appRole(), roles.appPassword(), config.poolSize(), metrics));
            opened.add(pool(owner, "worker", roles.workerRole(), roles.workerPassword(), config.poolSize(), metrics));
            opened.add(probePool(owner, roles));
        } catch (RuntimeException e) {
            opened.forEach(HikariDataSource::close);
            throw e;
        }
        return new Database(owner.display(), new DbRoles(roles.appRole(), null, roles.workerRole(), null),
                opened.get(0), opened.get(1), opened.get(2), schemaReader);
    }

    /** Where the database is, as DATABASE_URL names it, without the password: for logs and banners. */
    public String display() {
        return display;
    }

    public String appRole() {
        return roleNames.appRole();
    }

    public String workerRole() {
        return roleNames.workerRole();
    }

    /** The app role's pool. Prefer {@link #inUserTransaction}; raw use sees no user rows. */
    public DataSource app() {
        return app;
    }

    /** The worker role's pool, for sinks that write rows of many users. */
    public DataSource worker() {
        return worker;
    }

    /**
     * Runs {@code work} in one transaction of the app role with {@code app.user_id} set
     * transaction-locally, so row level security shows this user's rows only and nothing
     * carries over to the next borrower of the pooled connection.
     */
    public <T> T inUserTransaction(UUID userId, SqlWork<T> work) {
        return inTransaction(app, c -> {
            try (PreparedStatement ps = c.prepareStatement("select set_config('app.user_id', ?, true)")) {
                ps.setString(1, userId.toString());
                ps.execute();
            }
            return work.run(c);
        });
    }

    /** Runs {@code work} in one transaction of the worker role. */
    public <T> T inWorkerTransaction(SqlWork<T> work) {
        return inTransaction(worker, work);
    }

    /**
     * True when Postgres answers the app role and the schema is current. Cheap enough to ask
     * often: it validates (2 s timeout) a pooled app-role connection of its own, so it neither
     * waits behind requests for a connection nor takes one from them. Whether the schema is
     * current is settled at start by an instance that migrates; one that does not asks Flyway's
     * history as the app role until the answer is yes, and never again.
     */
    public boolean ready() {
        try (Connection c = probe.getConnection()) {
            if (!c.isValid(2)) return false;
        } catch (SQLException e) {
            return false;
        }
        DataSource reader = schemaReader;
        if (reader == null) return true;
        try {
            if (!Migrations.upToDate(reader, roleNames)) return false;
        } catch (RuntimeException e) {
            log.debug("schema history not readable yet: {}", e.toString());
            return false;
        }
        schemaReader = null;
        return true;
    }

    @Override
    public void close() {
        app.close();
        worker.close();
        probe.close();
    }

    private static <T> T inTransaction(DataSource ds, SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static HikariDataSource pool(DatabaseUrl server, String name, String user, String password, int size, MeterRegistry metrics) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("pg-" + name);
        hc.setJdbcUrl(server.jdbcUrl());
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(2, size));
        hc.setConnectionTimeout(5_000);
        hc.addDataSourceProperty("ApplicationName", "streamgate-" + name);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (metrics != null) hc.setMetricRegistry(metrics);
        return new HikariDataSource(hc);
    }

    /**
     * One app-role connection for readiness alone. Created without waiting for it (start has
     * just checked the server answers); a dead server shows as not ready within about 2 s.
     */
    private static HikariDataSource probePool(DatabaseUrl server, DbRoles roles) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("pg-readiness");
        hc.setJdbcUrl(server.jdbcUrl());
        hc.setUsername(roles.appRole());
        hc.setPassword(roles.appPassword());
        hc.setMaximumPoolSize(1);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(2_000);
        hc.setValidationTimeout(1_000);
        hc.setInitializationFailTimeout(-1);
        hc.addDataSourceProperty("ApplicationName", "streamgate-readiness");
        return new HikariDataSource(hc);
    }

    /** An unpooled data source logging in as the owner; for tests and benches, never kept by this class. */
    public static PGSimpleDataSource ownerDataSource(DatabaseUrl owner) {
        return unpooled(owner);
    }

    private static PGSimpleDataSource unpooled(DatabaseUrl url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url.jdbcUrl());
        ds.setUser(url.user());
        if (url.password() != null) ds.setPassword(url.password());
        return ds;
    }

    /** Fails with one message that names the fix when no server answers. */
    static void requireReachable(DatabaseUrl url) {
        Properties props = new Properties();
        props.setProperty("user", url.user());
        if (url.password() != null) props.setProperty("password", url.password());
        props.setProperty("connectTimeout", "5");
        try (Connection ignored = DriverManager.getConnection(url.jdbcUrl(), props)) {
            // reachable
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(url, e);
        }
    }
}
