package io.streamgate.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Postgres counts as ready only when it answers and every migration on the classpath is applied. */
@StreamgateTest
class DatabaseReadinessTest {

    @Test
    void notReadyUntilMigrated(TestEnv env) {
        Platform unmigrated = env.platform(Map.of("DATABASE_MIGRATE", "false"));
        assertThat(unmigrated.db().ready()).as("fresh database, migrations not run").isFalse();

        Platform migrated = env.platform();
        assertThat(migrated.db().ready()).isTrue();
        assertThat(unmigrated.db().ready()).as("same database, now migrated").isTrue();
    }
}
