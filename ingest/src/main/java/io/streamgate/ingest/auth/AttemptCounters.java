package io.streamgate.ingest.auth;

import io.streamgate.platform.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Attempt counters in Postgres ({@code auth_attempt_counters}), shared by every ingest
 * instance on the database. One upsert counts an attempt only while its key is under the
 * limit: Postgres locks the key's row for the conflict update and checks the limit against
 * its newest version, so concurrent attempts on any number of instances are admitted at most
 * {@code limit} times per window. A window opens at a key's first attempt after the last one
 * ended.
 */
final class AttemptCounters {
    /** What the counter said: admitted (and counted) or not, and the window it is in. */
    record Count(boolean admitted, int attempts, Instant windowStart, Instant expiresAt) {}

    private static final String COUNT = """
            insert into auth_attempt_counters as c (key, window_start, expires_at, attempts) values (?, ?, ?, 1)
            on conflict (key) do update set
                window_start = case when c.expires_at <= excluded.window_start then excluded.window_start else c.window_start end,
                expires_at   = case when c.expires_at <= excluded.window_start then excluded.expires_at else c.expires_at end,
                attempts     = case when c.expires_at <= excluded.window_start then 1 else c.attempts + 1 end
            where c.expires_at <= excluded.window_start or c.attempts < ?
            returning window_start, expires_at, attempts""";

    private final Database db;

    AttemptCounters(Database db) {
        this.db = db;
    }

    /** Counts one attempt of {@code key} unless it has had {@code limit} in its current window. */
    Count count(String key, int limit, Duration window, Instant now) {
        return db.inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(COUNT)) {
                ps.setString(1, key);
                ps.setObject(2, utc(now));
                ps.setObject(3, utc(now.plus(window)));
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return read(rs, true);
                }
            }
            // Refused: the row exists, unexpired, and the update's row lock is held until commit,
            // so this reads the very window that refused.
            try (PreparedStatement ps = c.prepareStatement(
                    "select window_start, expires_at, attempts from auth_attempt_counters where key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return read(rs, false);
                }
            }
            throw new IllegalStateException("attempt counter row vanished inside its transaction");
        });
    }

    /**
     * Gives back one attempt counted in the window that opened at {@code windowStart}; a window
     * that has since been replaced is left alone, and a count never goes below zero.
     */
    void refund(String key, Instant windowStart) {
        db.inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update auth_attempt_counters set attempts = attempts - 1 where key = ? and window_start = ? and attempts > 0")) {
                ps.setString(1, key);
                ps.setObject(2, utc(windowStart));
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes counters whose window ended before {@code now}; returns how many. */
    int sweep(Instant now) {
        return db.inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from auth_attempt_counters where expires_at < ?")) {
                ps.setObject(1, utc(now));
                return ps.executeUpdate();
            }
        });
    }

    private static Count read(ResultSet rs, boolean admitted) throws SQLException {
        return new Count(admitted, rs.getInt(3), rs.getObject(1, OffsetDateTime.class).toInstant(),
                rs.getObject(2, OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
