package io.streamgate.api.coach;

import io.streamgate.platform.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The coach_sessions table, always as the app role with the user set (RLS). */
final class CoachSessions {
    record Session(UUID id, UUID userId, String prompt, String assetType, UUID brandKitId, String status, Long lastSeq,
            String errorReason, int outputPartition, long outputFromOffset, Instant createdAt, Instant updatedAt) {
        boolean finished() {
            return status.equals("done") || status.equals("error");
        }
    }

    private final Database db;

    CoachSessions(Database db) {
        this.db = db;
    }

    /**
     * Makes room for one more session of {@code user} within {@code perMinute} per rolling minute,
     * counted on the user's own rows, so the limit holds across every API instance sharing the
     * database. Returns 0 when the caller may insert (in this transaction), or else the seconds
     * until the oldest session that counts leaves the window.
     *
     * <p>Atomic: the recount runs under a per-user transaction-scoped advisory lock, so of two
     * concurrent creates at the limit only one inserts; the lock is released at commit or
     * rollback. A first count without the lock refuses a flood at the limit without anyone
     * queueing on the lock.
     */
    static int reserveCreation(Connection c, UUID user, int perMinute) throws SQLException {
        int retryAfter = secondsUntilRoom(c, user, perMinute);
        if (retryAfter > 0) return retryAfter;
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(hashtext('coach_sessions.per_minute'), hashtext(?))")) {
            ps.setString(1, user.toString());
            ps.execute();
        }
        return secondsUntilRoom(c, user, perMinute);
    }

    /**
     * The newest {@code perMinute}th session of the last minute, if there is one, is the one whose
     * departure from the window makes room again; the index on (user_id, created_at desc) finds it
     * reading at most {@code perMinute} entries. statement_timestamp(), not now(): after waiting
     * for the lock the transaction's start is stale; and not clock_timestamp(), which is volatile
     * and so could not bound the index scan.
     */
    private static int secondsUntilRoom(Connection c, UUID user, int perMinute) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select extract(epoch from created_at + interval '1 minute' - statement_timestamp()) "
                + "from coach_sessions where user_id = ? and created_at > statement_timestamp() - interval '1 minute' "
                + "order by created_at desc offset ? limit 1")) {
            ps.setObject(1, user);
            ps.setInt(2, perMinute - 1);
            ResultSet rs = ps.executeQuery();
            if (!rs.next()) return 0;
            return (int) Math.max(1, Math.ceil(rs.getDouble(1)));
        }
    }

    static void insert(Connection c, UUID id, UUID user, String prompt, String assetType, UUID brandKitId, int partition, long fromOffset)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into coach_sessions (id, user_id, prompt, asset_type, brand_kit_id, "
                + "output_partition, output_from_offset) values (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, user);
            ps.setString(3, prompt);
            ps.setString(4, assetType);
            ps.setObject(5, brandKitId);
            ps.setInt(6, partition);
            ps.setLong(7, fromOffset);
            ps.executeUpdate();
        }
    }

    Optional<Session> find(UUID user, UUID id) {
        return db.inUserTransaction(user, c -> {
            try (PreparedStatement ps = c.prepareStatement("select id, user_id, prompt, asset_type, brand_kit_id, status, last_seq, error_reason, "
                    + "output_partition, output_from_offset, created_at, updated_at from coach_sessions where id = ?")) {
                ps.setObject(1, id);
                ResultSet rs = ps.executeQuery();
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Session(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        rs.getObject(5, UUID.class), rs.getString(6), (Long) rs.getObject(7), rs.getString(8), rs.getInt(9), rs.getLong(10),
                        rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant()));
            }
        });
    }
}
