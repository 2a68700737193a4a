package io.streamgate.api.coach;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open event streams of this instance by the sign-in (refresh family) they were opened with,
 * so that revoking a sign-in (logout, logout-all, a detected token reuse) also ends its streams
 * instead of leaving them to run until the session's answer is done. A closed stream's client
 * reconnects with its ticket or token and is refused with 401, which ends an EventSource for good.
 */
final class SignInStreams {
    static final String REVOKED_EVENT = "event: revoked\ndata: {\"type\":\"token_revoked\",\"detail\":"
            + "\"this sign-in has ended (logout or a detected token reuse); sign in again\"}\n\n";

    private final ConcurrentHashMap<String, Set<SseConnection>> byFamily = new ConcurrentHashMap<>();

    void add(String family, SseConnection connection) {
        byFamily.compute(family, (f, streams) -> {
            Set<SseConnection> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            set.add(connection);
            return set;
        });
    }

    void remove(String family, SseConnection connection) {
        byFamily.computeIfPresent(family, (f, streams) -> {
            streams.remove(connection);
            return streams.isEmpty() ? null : streams;
        });
    }

    /** Tells each stream of these sign-ins why it ends, then ends it. */
    void revoked(List<String> families) {
        for (String family : families) {
            Set<SseConnection> streams = byFamily.remove(family);
            if (streams == null) continue;
            for (SseConnection connection : streams) {
                connection.send(REVOKED_EVENT);
                connection.close();
            }
        }
    }
}
