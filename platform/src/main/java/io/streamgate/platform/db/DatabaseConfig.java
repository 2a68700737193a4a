package io.streamgate.platform.db;

import io.streamgate.migrations.DbRoles;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;

/**
 * Where Postgres is and how the application logs in.
 *
 * @param owner the migration owner (from DATABASE_URL, which {@link #from} takes out of the
 *     shared Env: after {@link Database#start} no object of the application holds it)
 * @param roles the app and worker login roles (never superuser, never BYPASSRLS)
 */
public record DatabaseConfig(DatabaseUrl owner, DbRoles roles, int poolSize, boolean migrate) {

    public static DatabaseConfig from(Env env, Secrets secrets) {
        DatabaseUrl owner;
        try {
            owner = DatabaseUrl.parse(env.take("DATABASE_URL").orElse(DatabaseUrl.DEFAULT));
        } catch (IllegalArgumentException e) {
            env.problem(e.getMessage());
            owner = DatabaseUrl.parse(DatabaseUrl.DEFAULT);
        }
        DbRoles roles = new DbRoles(
                env.string("DATABASE_APP_USER", "streamgate_app"),
                secrets.get("DATABASE_APP_PASSWORD"),
                env.string("DATABASE_WORKER_USER", "streamgate_worker"),
                secrets.get("DATABASE_WORKER_PASSWORD"));
        if (roles.appRole().equals(owner.user()) || roles.workerRole().equals(owner.user())) {
            env.problem("DATABASE_APP_USER and DATABASE_WORKER_USER must differ from the DATABASE_URL owner ("
                    + owner.user() + "): the owner bypasses row level security");
        }
        return new DatabaseConfig(
                owner,
                roles,
                env.integer("DATABASE_POOL_SIZE", 10, 1, 200),
                env.bool("DATABASE_MIGRATE", true));
    }
}
