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

    /**
     * True when {@code error} (or what it wraps) says the database could not serve the request
     * now rather than that the request was wrong: no pooled connection within the pool's timeout
     * (a flood, a restart), a connection lost or refused, the server shutting down or out of
     * connections, a statement cancelled by its timeout, a serialization failure or deadlock.
     * The same request may succeed when retried, so the edge answers 503 with Retry-After.
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) return true;
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("40") || state.equals("53300") || state.equals("57014")
                        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) return true;
            }
        }
        return false;
    }
}
