package io.streamgate.platform;

import io.javalin.config.JavalinConfig;

/**
 * One part of a running role: an HTTP feature, a Kafka Streams topology, a sink. The
 * launcher builds the components of the chosen roles from a {@link Platform}, lets each add
 * its routes to the one HTTP server, starts them in order and closes them in reverse.
 */
public interface Component extends AutoCloseable {

    /** Adds this part's routes (and plugins) to the HTTP server. */
    default void http(JavalinConfig config) {}

    /**
     * Paths (Jetty path specs; {@code ^...$} for a regular expression) whose requests stay open
     * for minutes, such as event streams: they skip the edge's admission queue, since each would
     * hold one of its few slots for its whole life; their handlers bound their own connects.
     */
    default java.util.List<String> streamingPaths() {
        return java.util.List.of();
    }

    /** Starts background work (Streams, consumers). Called after the HTTP server is built. */
    default void start() {}

    /** Stops background work, flushing what was accepted. */
    @Override
    default void close() {}
}
