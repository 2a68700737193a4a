package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.streamgate.api.ApiRole;
import io.streamgate.ingest.IngestRole;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.http.HttpEdge;
import io.streamgate.processors.ProcessorsRole;
import io.streamgate.testkit.OpenApiValidator;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The document has an operation for every route the app registers, and no operation without
 * a route: the routes are read from Javalin's router with every role's components on one edge
 * (the {@code all} role, without a management listener, so readiness and metrics are there too).
 */
@StreamgateTest
class OpenApiRouteCoverageTest {
    private static final Set<HandlerType> METHODS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

    @Test
    void everyRouteHasAnOperationAndEveryOperationARoute(TestEnv env) throws Exception {
        Platform platform = env.platform();
        List<Component> components = new ArrayList<>();
        components.addAll(IngestRole.components(platform));
        components.addAll(ProcessorsRole.components(platform));
        components.addAll(ApiRole.components(platform));
        for (Component c : components) env.closeAfterClass(c);
        // Built, not started: the router is complete once the edge is configured.
        Javalin app = HttpEdge.create(platform.http(), platform.metrics(), platform.health(), components);

        Set<String> routes = new TreeSet<>();
        app.unsafe.internalRouter.allHttpHandlers().forEach(parsed -> {
            if (METHODS.contains(parsed.endpoint.method)) routes.add(parsed.endpoint.method.name() + " " + parsed.endpoint.path);
        });
        Set<String> operations = new TreeSet<>(OpenApiValidator.operations());

        assertThat(routes).as("the routes are read at all").contains("GET /v1/brand-kits", "POST /auth/login", "GET /openapi.json");
        Set<String> undocumented = new TreeSet<>(routes);
        undocumented.removeAll(operations);
        Set<String> unrouted = new TreeSet<>(operations);
        unrouted.removeAll(routes);
        assertThat(undocumented).as("routes without an operation in openapi.json").isEmpty();
        assertThat(unrouted).as("operations in openapi.json without a route").isEmpty();
    }
}
