package io.streamgate.platform.db;

import java.sql.SQLException;

/** An unchecked wrapper for a failed database operation; keeps the SQLSTATE. */
public final class DatabaseException extends RuntimeException {
    private final String sqlState;

    public DatabaseException(SQLException cause) {
        super(cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    public String sqlState() {
        return sqlState;
    }
}
