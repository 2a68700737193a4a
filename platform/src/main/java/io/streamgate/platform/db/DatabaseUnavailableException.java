package io.streamgate.platform.db;

import java.sql.SQLException;

/** Postgres cannot be reached at start; the message says how to get one. */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(DatabaseUrl url, SQLException cause) {
        super("""
                cannot connect to Postgres at %s: %s
                  Start a local server:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
                  or with Docker:        docker compose up -d postgres
                  or point DATABASE_URL at one, e.g. postgres://user:password@host:5432/db"""
                .formatted(url.display(), cause.getMessage()), cause);
    }
}
