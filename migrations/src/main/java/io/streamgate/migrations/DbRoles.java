package io.streamgate.migrations;

/**
 * The two login roles the application connects as. Neither owns a table, neither is
 * superuser, neither bypasses RLS.
 *
 * @param appRole used by HTTP requests; each request sets {@code app.user_id}
 * @param workerRole used by stream-processor sinks; tables grant it policies explicitly
 */
public record DbRoles(String appRole, String appPassword, String workerRole, String workerPassword) {}
