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
