package io.streamgate.api.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request that finds no database connection (the pool drained by a flood, Postgres
 * restarting) is told to come back: 503 problem with Retry-After, never a 500.
 */
@StreamgateTest
class DatabaseBusyTest {
    static Platform platform;
    static ApiClient user;

    @BeforeAll
    static void serve(TestEnv env) {
        platform = env.platform(Map.of("DATABASE_POOL_SIZE", "1"));
        Javalin app = env.serve(platform, ApiClient.resources(platform));
        user = ApiClient.newUser(platform, app.port());
    }

    @Test
    void aRequestThatGetsNoConnectionIsAskedToRetryAndTheNextOneIsServed() throws Exception {
        try (Connection held = platform.db().app().getConnection()) {
            HttpResponse<String> busy = user.get("/v1/brand-kits");
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(busy.headers().firstValue("Retry-After")).contains("1");
            assertThat(ApiClient.json(busy).get("type").asText()).isEqualTo("database_unavailable");
        }
        assertThat(user.get("/v1/brand-kits").statusCode()).isEqualTo(200);
    }
}
