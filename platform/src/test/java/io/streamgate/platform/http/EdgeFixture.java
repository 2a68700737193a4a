package io.streamgate.platform.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.health.Health;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real Jetty with the platform edge and a test component that answers every kind of
 * response the edge must decorate: small and large JSON, errors thrown and statuses set,
 * an event stream and an HTML page.
 */
final class EdgeFixture implements AutoCloseable {
    static final String ALLOWED_ORIGIN = "https://app.example.com";
    static final int MIN_BYTES = 1024;

    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Health health = new Health();
    final Javalin app;
    final boolean tls;

    EdgeFixture(Path keystore, String password) {
        tls = keystore != null;
        HttpConfig config = new HttpConfig("127.0.0.1", 0, List.of(ALLOWED_ORIGIN, "http://localhost:5173"),
                MIN_BYTES, 6, 64 * 1024, keystore, password);
        app = HttpEdge.create(config, metrics, health, List.of(new TestRoutes())).start();
    }

    EdgeFixture() {
        this(null, null);
    }

    String url(String path) {
        return (tls ? "https" : "http") + "://localhost:" + app.port() + path;
    }

    /** A JSON document of about {@code bytes} bytes with repetitive (compressible) content. */
    static String json(int bytes) {
        StringBuilder sb = new StringBuilder("{\"items\":[");
        int i = 0;
        while (sb.length() < bytes - 40) {
            if (i > 0) sb.append(',');
            sb.append("{\"n\":").append(i++).append(",\"v\":\"streamgate\"}");
        }
        return sb.append("]}").toString();
    }

    @Override
    public void close() {
        app.stop();
        metrics.close();
    }

    static final class TestRoutes implements Component {
        @Override
        public void http(JavalinConfig config) {
            config.routes.get("/t/small", ctx -> ctx.contentType("application/json").result("{\"ok\":true}"));
            config.routes.get("/t/large", ctx -> ctx.contentType("application/json").result(json(8 * 1024)));
            config.routes.get("/t/just-below", ctx -> ctx.contentType("application/json").result(json(MIN_BYTES - 24)));
            config.routes.post("/t/echo", ctx -> ctx.json(Map.of("bytes", ctx.bodyAsBytes().length)));
            config.routes.post("/t/json", ctx -> ctx.json(JsonBodies.tree(ctx)));
            config.routes.get("/t/boom", ctx -> {
                throw new IllegalStateException("kaboom: secret internals");
            });
            config.routes.get("/t/unavailable", ctx -> {
                throw ProblemException.unavailable("dependency_down", "try again later", 5);
            });
            config.routes.get("/t/set-503", ctx -> ctx.status(503));
            config.routes.sse("/t/events", client -> {
                client.sendEvent("token", json(4 * 1024), "1");
                client.close();
            });
            config.routes.get("/t/page", ctx -> {
                SecurityHeaders.forHtmlPage(ctx);
                ctx.html("<!doctype html><title>t</title><p>hello</p>");
            });
        }
    }
}
