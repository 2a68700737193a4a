package io.streamgate.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.migrations.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postgres for the application: migrations run as the owner, then two HikariCP pools log
 * in as the app role (HTTP requests, row level security by user) and the worker role
 * (stream-processor sinks). Neither can bypass RLS.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final DatabaseConfig config;
    private final HikariDataSource app;
    private final HikariDataSource worker;

    private Database(DatabaseConfig config, HikariDataSource app, HikariDataSource worker) {
        this.config = config;
        this.app = app;
        this.worker = worker;
    }

    /** Checks the server is reachable, migrates, and opens the pools. */
    public static Database start(DatabaseConfig config, MeterRegistry metrics) {
        requireReachable(config.owner());
        if (config.migrate()) {
            PGSimpleDataSource owner = ownerDataSource(config.owner());
            var result = Migrations.migrate(owner, config.roles());
            log.info("database {} migrated ({} migrations applied now, schema version {})", config.owner().display(),
                    result.migrationsExecuted, result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
        }
        HikariDataSource app = pool(config, "app", config.roles().appRole(), config.roles().appPassword(), metrics);
        HikariDataSource worker = pool(config, "worker", config.roles().workerRole(), config.roles().workerPassword(), metrics);
        return new Database(config, app, worker);
    }

    public DatabaseConfig config() {
        return config;
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

    /** True when Postgres answers and the migrations on the classpath are all applied. */
    public boolean ready() {
        try (Connection c = app.getConnection(); PreparedStatement ps = c.prepareStatement("select 1 from platform_info limit 1")) {
            ps.setQueryTimeout(2);
            ps.executeQuery().close();
            return Migrations.upToDate(ownerDataSource(config.owner()), config.roles());
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        app.close();
        worker.close();
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

    private static HikariDataSource pool(DatabaseConfig config, String name, String user, String password, MeterRegistry metrics) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("pg-" + name);
        hc.setJdbcUrl(config.owner().jdbcUrl());
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(Math.min(2, config.poolSize()));
        hc.setConnectionTimeout(5_000);
        hc.addDataSourceProperty("ApplicationName", "streamgate-" + name);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (metrics != null) hc.setMetricRegistry(metrics);
        return new HikariDataSource(hc);
    }

    public static PGSimpleDataSource ownerDataSource(DatabaseUrl url) {
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
