package io.streamgate.testkit;

import io.streamgate.platform.db.Database;
import io.streamgate.platform.db.DatabaseUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh Postgres database for one test class, created on the server named by
 * {@code TEST_DATABASE_URL} (or {@code DATABASE_URL}, default the local server) and dropped
 * afterwards.
 */
public final class TestDatabase implements AutoCloseable {
    private final DatabaseUrl server;
    private final DatabaseUrl url;

    private TestDatabase(DatabaseUrl server, DatabaseUrl url) {
        this.server = server;
        this.url = url;
    }

    public static DatabaseUrl serverUrl() {
        String raw = System.getenv().getOrDefault("TEST_DATABASE_URL",
                System.getenv().getOrDefault("DATABASE_URL", DatabaseUrl.DEFAULT));
        return DatabaseUrl.parse(raw);
    }

    public static TestDatabase create(String hint) {
        DatabaseUrl server = serverUrl();
        String name = ("sg_" + hint.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT)
                + "_" + UUID.randomUUID().toString().substring(0, 8));
        if (name.length() > 60) name = name.substring(0, 51) + name.substring(name.length() - 9);
        execute(server, "create database " + name);
        return new TestDatabase(server, server.withDatabase(name));
    }

    /** The owner's URL of the fresh database. */
    public DatabaseUrl url() {
        return url;
    }

    @Override
    public void close() {
        execute(server, "drop database if exists " + url.database() + " with (force)");
    }

    private static void execute(DatabaseUrl server, String sql) {
        try (Connection c = Database.ownerDataSource(server).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + server.display() + ": " + e.getMessage()
                    + " (is Postgres running? pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)", e);
        }
    }
}
