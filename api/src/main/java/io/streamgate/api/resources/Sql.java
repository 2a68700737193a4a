package io.streamgate.api.resources;

import io.streamgate.platform.Platform;
import io.streamgate.platform.db.DatabaseException;
import io.streamgate.platform.db.SqlWork;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.schemas.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** JDBC helpers of the resources API: one request = one user transaction. */
public final class Sql {
    private Sql() {}

    /**
     * Runs {@code work} in one transaction as the app role with {@code app.user_id} set, so
     * row level security shows this user's rows only. Races the handlers cannot rule out
     * beforehand become client errors, never a 500.
     */
    public static <T> T asUser(Platform platform, UUID userId, SqlWork<T> work) {
        try {
            return platform.db().inUserTransaction(userId, work);
        } catch (DatabaseException e) {
            String state = e.sqlState() == null ? "" : e.sqlState();
            if (state.equals("23503")) {
                // A referenced row vanished between our check and the write.
                throw new ProblemException(409, "conflict", "Conflict", "a referenced resource no longer exists; retry");
            }
            if (state.equals("40001") || state.equals("40P01")) {
                throw ProblemException.unavailable("retry", "the request conflicted with another one; retry", 1);
            }
            throw e;
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    public static List<String> stringList(ResultSet rs, String column) throws SQLException {
        try {
            return List.of(Json.mapper().readValue(rs.getString(column), String[].class));
        } catch (java.io.IOException e) {
            throw new SQLException("column " + column + " is not a JSON array of strings", e);
        }
    }

    public static String jsonArray(List<String> values) {
        return Json.mapper().valueToTree(values).toString();
    }

    /** Binds the keyset position: {@code (created_at, id) < (?, ?)} in sort order desc. */
    public static void bindCursor(PreparedStatement ps, int index, Cursor cursor) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(cursor.createdAt(), ZoneOffset.UTC));
        ps.setObject(index + 1, cursor.id());
    }

    /** Reads one row into a value. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Runs a keyset-paginated list query (newest first): binds {@code filters} in order, then
     * the cursor's position when there is one, then {@code limit + 1}; the extra row only tells
     * whether a next page exists, and the last row kept becomes the next cursor.
     */
    public static <T> Page<T> page(java.sql.Connection c, String sql, List<Object> filters, Cursor cursor, int limit,
                                   RowMapper<T> mapper, java.util.function.Function<T, Cursor> position) throws SQLException {
        List<T> rows = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object filter : filters) ps.setObject(i++, filter);
            if (cursor != null) {
                bindCursor(ps, i, cursor);
                i += 2;
            }
            ps.setInt(i, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(mapper.map(rs));
            }
        }
        if (rows.size() <= limit) return new Page<>(rows, null);
        return new Page<>(List.copyOf(rows.subList(0, limit)), position.apply(rows.get(limit - 1)).encode());
    }

    public static boolean exists(java.sql.Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
