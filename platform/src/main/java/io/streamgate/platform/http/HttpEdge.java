package io.streamgate.platform.http;

import io.javalin.Javalin;
import io.javalin.compression.Brotli;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.CompressionType;
import io.javalin.compression.Gzip;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.Version;
import io.streamgate.platform.health.Health;
import io.streamgate.platform.metrics.MetricsScrape;
import io.streamgate.schemas.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.QuotedQualityCSV;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one HTTP server of a process, shared by ingest and api: CORS first, then the
 * security headers, request ids, problem+json errors, compression, body limits, health and
 * metrics; then each component's routes.
 */
public final class HttpEdge {
    private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);
    private static final Logger accessLog = LoggerFactory.getLogger("http.access");
    private static final String TIMER_ATTRIBUTE = "streamgate.timer";
    /** Enough for Jetty's acceptor and selector plus a handful of concurrent probes and scrapes. */
    private static final int MANAGEMENT_THREADS = 12;

    private HttpEdge() {}

    /** The edge with every operations endpoint on the public listener. */
    public static Javalin create(HttpConfig http, PrometheusMeterRegistry metrics, Health health, List<? extends Component> components) {
        return create(http, null, metrics, health, components);
    }

    /**
     * The edge; with a {@code management} listener (served by {@link #management}) the public
     * one keeps only {@code /health/live}, and {@code /health/ready} and {@code /metrics} are
     * 404 here.
     */
    public static Javalin create(HttpConfig http, ManagementConfig management, PrometheusMeterRegistry metrics, Health health,
            List<? extends Component> components) {
        List<String> streamingPaths = components.stream().flatMap(c -> c.streamingPaths().stream()).toList();
        ClientStanding standing = new ClientStanding(http.trustedProxies(), http.admission().refusalMemory());
        PriorityAdmission admission = new PriorityAdmission(http.admission(), standing, streamingPaths);
        RefusedClientDelay delay = new RefusedClientDelay(http.admission(), standing, admission);
        Gauge.builder("http.server.admission.waiting", admission, PriorityAdmission::getSuspendedRequestCount)
                .description("requests waiting for one of the HTTP_MAX_ACTIVE_REQUESTS slots").register(metrics);
        Gauge.builder("http.server.admission.delayed", delay, RefusedClientDelay::delayedRequestCount)
                .description("requests of clients refused a moment ago, waiting out HTTP_REFUSED_CLIENT_DELAY").register(metrics);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.http.maxRequestSize = http.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.http.compressionStrategy = compression(http);
            config.jetty.host = http.host();
            config.jetty.port = http.port();
            config.jetty.modifyServer(server -> {
                server.setAttribute("org.eclipse.jetty.server.Request.maxFormContentSize", (int) http.maxBodyBytes());
                server.setErrorHandler(new EdgeErrorHandler());
                idleTimeout(server, http.idleTimeout());
                // Javalin puts its servlet context inside the innermost handler it finds here.
                server.setHandler(delay);
                jettyMetrics(server, metrics, "public");
            });
            config.jetty.modifyHttpConfiguration(hc -> {
                hc.setSendServerVersion(false);
                // Room for an Authorization header a little over the 8 KiB token limit, so an
                // oversized token gets the verifier's 401 problem, not Jetty's bare 431.
                hc.setRequestHeaderSize(16 * 1024);
                hc.setSendXPoweredBy(false);
            });
            if (http.tlsKeystore() != null) configureTls(config, http);
            cors(config, http);
            edgeHandlers(config, metrics, http.trustedProxies(), standing);
            errors(config);
            // With a management listener, readiness and metrics are only there.
            operations(config, metrics, health, management == null);
            index(config, management == null);
            OpenApiDocument.route(config);
            for (Component component : components) component.http(config);
        });
    }

    /**
     * Brotli (preferred by clients that accept it) when the brotli4j native library loads on
     * this machine, gzip otherwise; both at the configured level, above the configured size,
     * never on event streams (compression would buffer events until the stream ends).
     */
    static CompressionStrategy compression(HttpConfig http) {
        CompressionStrategy strategy = new CompressionStrategy(brotliAvailable() ? new Brotli(http.compressionLevel()) : null,
                new Gzip(http.compressionLevel()));
        strategy.setDefaultMinSizeForCompression(http.compressionMinBytes());
        // Without a preference Javalin takes the client's first listed encoding; browsers list gzip first.
        strategy.setPreferredCompressors(List.of(CompressionType.BR, CompressionType.GZIP));
        var excluded = new java.util.ArrayList<>(strategy.getExcludedMimeTypes());
        excluded.add("text/event-stream");
        strategy.setExcludedMimeTypes(excluded);
        return strategy;
    }

    /** True when brotli4j is on the classpath and its native library loads here. */
    public static boolean brotliAvailable() {
        try {
            Class.forName("com.aayushatharva.brotli4j.Brotli4jLoader");
            return com.aayushatharva.brotli4j.Brotli4jLoader.isAvailable();
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void cors(JavalinConfig config, HttpConfig http) {
        if (http.corsAllowedOrigins().isEmpty()) return;
        config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
            String first = http.corsAllowedOrigins().get(0);
            String[] rest = http.corsAllowedOrigins().subList(1, http.corsAllowedOrigins().size()).toArray(String[]::new);
            rule.allowHost(first, rest);
            rule.allowCredentials = true;
            rule.exposeHeader(RequestIds.HEADER);
            rule.exposeHeader("ETag");
            rule.exposeHeader("Retry-After");
            rule.maxAge = 600;
        }));
    }

    private record TimerKey(String method, String route, int status) {}

    /** The edge's own work around every request; {@code standing} (or null) learns how each was answered. */
    private static void edgeHandlers(JavalinConfig config, PrometheusMeterRegistry metrics, TrustedProxies trustedProxies,
            ClientStanding standing) {
        Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
        config.routes.before(ctx -> {
            ClientAddress.trust(ctx, trustedProxies);
            SecurityHeaders.apply(ctx);
            // The body may be compressed or not depending on this request header.
            ctx.res().addHeader("Vary", "Accept-Encoding");
            MDC.put(RequestIds.MDC_KEY, RequestIds.assign(ctx));
            ctx.attribute(TIMER_ATTRIBUTE, Timer.start(metrics));
        });
        // Before the route's handler, with its path parameters known: no handler sees
        // parameter or header text that Postgres could not store.
        config.routes.beforeMatched(RequestText::check);
        config.requestLogger.http((ctx, ms) -> {
            // The route template, never the concrete path: one series per route keeps cardinality bounded.
            var matched = ctx.endpoints().lastHttpEndpoint();
            String route = matched == null ? "unmatched" : matched.path;
            Timer.Sample sample = ctx.attribute(TIMER_ATTRIBUTE);
            if (sample != null) {
                // One timer per method, route template and status, looked up without building its id each time.
                sample.stop(timers.computeIfAbsent(new TimerKey(ctx.method().name(), route, ctx.statusCode()), key -> Timer.builder("http.server.requests")
                        .tag("method", key.method())
                        .tag("route", key.route())
                        .tag("status", Integer.toString(key.status()))
                        .publishPercentileHistogram()
                        .register(metrics)));
            }
            if (standing != null) standing.answered(ctx.header("Authorization"), () -> ClientAddress.of(ctx), ctx.statusCode());
            // The request may have finished on another thread than it started on (an asynchronous handler).
            MDC.put(RequestIds.MDC_KEY, RequestIds.of(ctx));
            accessLog.info("{} {} {} {}ms route={}", ctx.method().name(), ctx.path(), ctx.statusCode(), Math.round(ms), route);
            MDC.remove(RequestIds.MDC_KEY);
        });
    }

    private static void errors(JavalinConfig config) {
        config.routes.exception(ProblemException.class, (e, ctx) -> {
            e.headers().forEach(ctx::header);
            problem(ctx, e.status(), e.type(), e.title(), e.getMessage(), e.extensions());
        });
        config.routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            problem(ctx, status, slug(status), reason(status), e.getMessage(), Map.of());
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            if (io.streamgate.platform.db.DatabaseException.isTransient(e)) {
                // Under a flood the pool runs dry before anything is wrong: the client may retry.
                log.warn("database unavailable on {} {}: {}", ctx.method().name(), ctx.path(), e.toString());
                ctx.header("Retry-After", "1");
                problem(ctx, 503, "database_unavailable", "Service Unavailable",
                        "the database cannot serve this request right now; retry shortly", Map.of());
                return;
            }
            log.error("unhandled error on {} {}", ctx.method().name(), ctx.path(), e);
            problem(ctx, 500, "internal_error", "Internal Server Error",
                    "an unexpected error occurred; quote the request id when reporting it", Map.of());
        });
        // Statuses set without an exception (404 for unknown paths, 405, Jetty-level errors)
        // get a problem body too, unless the handler already wrote one.
        for (int status : new int[] {400, 404, 405, 406, 408, 413, 414, 415, 431, 500, 503}) {
            config.routes.error(status, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    problem(ctx, status, slug(status), reason(status), defaultDetail(status, ctx), Map.of());
                }
            });
        }
    }

    /**
     * Javalin adds its connector just before the server starts, so the timeout is set then, on
     * every connector: a connection with no bytes moving for this long is closed, whether it
     * stalled in its headers (never dispatched) or in its body (the blocked read fails, 408).
     */
    private static void idleTimeout(Server server, java.time.Duration timeout) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector c) c.setIdleTimeout(timeout.toMillis());
                }
            }
        });
    }

    /**
     * Jetty's thread pool ({@code jetty_threads_*}) and connections ({@code jetty_connections_*},
     * bytes in and out) for this listener, tagged {@code listener}; bound once the server has its
     * pool and connectors, as it starts.
     */
    private static void jettyMetrics(Server server, PrometheusMeterRegistry metrics, String listener) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                var tags = io.micrometer.core.instrument.Tags.of("listener", listener);
                new JettyServerThreadPoolMetrics(server.getThreadPool(), tags).bindTo(metrics);
                JettyConnectionMetrics.addToAllConnectors(server, metrics, tags);
            }
        });
    }

    /**
     * The management listener: the operations endpoints alone, plain HTTP on their own host
     * and port, with a small thread pool of their own so a flood of the public listener does
     * not starve probes and scrapes. Same edge behaviour (security headers, request ids,
     * problem bodies, access log, request timers and idle timeout) as the public listener.
     */
    public static Javalin management(HttpConfig http, ManagementConfig management, PrometheusMeterRegistry metrics, Health health) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.http.prefer405over404 = true;
            // /metrics sends its bytes gzipped already; the rest is a few hundred bytes.
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jetty.host = management.host();
            config.jetty.port = management.port();
            QueuedThreadPool threads = new QueuedThreadPool(MANAGEMENT_THREADS, 2);
            threads.setName("management");
            config.jetty.threadPool = threads;
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new EdgeErrorHandler());
                idleTimeout(server, http.idleTimeout());
                jettyMetrics(server, metrics, "management");
            });
            config.jetty.modifyHttpConfiguration(hc -> {
                hc.setSendServerVersion(false);
                hc.setSendXPoweredBy(false);
            });
            edgeHandlers(config, metrics, TrustedProxies.none(), null);
            errors(config);
            operations(config, metrics, health, true);
        });
    }

    /** Liveness; readiness (from the health snapshot) and metrics too when {@code readinessAndMetrics}. */
    private static void operations(JavalinConfig config, PrometheusMeterRegistry metrics, Health health, boolean readinessAndMetrics) {
        config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
        if (!readinessAndMetrics) return;
        config.routes.get("/health/ready", ctx -> readiness(ctx, health.snapshot()));
        MetricsScrape scrape = new MetricsScrape(metrics);
        config.routes.get("/metrics", ctx -> {
            MetricsScrape.Rendered rendered = scrape.latest();
            ctx.contentType(MetricsScrape.CONTENT_TYPE);
            if (acceptsGzip(ctx.header("Accept-Encoding"))) {
                // Set before the body so the edge's compression leaves the bytes alone.
                ctx.header("Content-Encoding", "gzip");
                ctx.result(rendered.gzip());
            } else {
                ctx.result(rendered.text());
            }
        });
    }

    /** The body of {@code GET /}: what answers here, for people and scanners landing on the host. */
    record Index(String name, String version, Map<String, String> links) {}

    /**
     * {@code GET /}: the product's name and version and where to go next, instead of a 404. Only
     * the operations endpoints this listener serves and the API's contract are linked.
     */
    private static void index(JavalinConfig config, boolean readinessAndMetrics) {
        Map<String, String> links = new LinkedHashMap<>();
        links.put("health", "/health/live");
        if (readinessAndMetrics) {
            links.put("readiness", "/health/ready");
            links.put("metrics", "/metrics");
        }
        links.put("openapi", OpenApiDocument.PATH);
        Index index = new Index("streamgate", Version.current(), java.util.Collections.unmodifiableMap(links));
        config.routes.get("/", ctx -> ctx.json(index));
    }

    /** The body of /health/ready: {@code checked_at} says how old the answer is (absent before the first evaluation). */
    record Readiness(String status, Map<String, String> checks, Instant checkedAt) {}

    private static void readiness(Context ctx, Health.Snapshot snapshot) {
        Map<String, String> named = new LinkedHashMap<>();
        snapshot.checks().forEach((name, ok) -> named.put(name, ok ? "up" : "down"));
        boolean ready = snapshot.ready();
        if (!ready) ctx.header("Retry-After", Long.toString(Math.max(1, Health.PERIOD.toSeconds())));
        ctx.status(ready ? 200 : 503).json(new Readiness(ready ? "ready" : "not_ready", named, snapshot.takenAt()));
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isBlank()) return false;
        QuotedQualityCSV accepted = new QuotedQualityCSV();
        accepted.addValue(acceptEncoding);
        // Values with q=0 are left out of getValues(): "gzip;q=0" is a refusal.
        return accepted.getValues().stream().anyMatch(v -> v.equalsIgnoreCase("gzip"));
    }

    /** Writes a problem+json body; used by the edge and by handlers that answer directly. */
    public static void problem(Context ctx, int status, String type, String title, String detail, Map<String, Object> extensions) {
        SecurityHeaders.apply(ctx);
        ctx.status(status);
        ctx.contentType(Problem.CONTENT_TYPE);
        ctx.result(Json.mapper().valueToTree(new Problem(type, title, status, detail, RequestIds.of(ctx), extensions)).toString());
    }

    private static String defaultDetail(int status, Context ctx) {
        return switch (status) {
            case 404 -> "no resource at " + ctx.path();
            case 405 -> ctx.method().name() + " is not allowed on " + ctx.path();
            case 413 -> "the request body is larger than this endpoint accepts";
            case 415 -> "the request content type is not supported here";
            default -> reason(status);
        };
    }

    static String reason(int status) {
        var s = io.javalin.http.HttpStatus.forStatus(status);
        return s == io.javalin.http.HttpStatus.UNKNOWN ? "Error" : s.getMessage();
    }

    static String slug(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 412 -> "precondition_failed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 422 -> "validation_failed";
            case 429 -> "rate_limited";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
    }

    private static void configureTls(JavalinConfig config, HttpConfig http) {
        config.jetty.addConnector((server, httpConfiguration) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(http.tlsKeystore().toString());
            ssl.setKeyStorePassword(http.tlsKeystorePassword());
            ssl.setKeyStoreType("PKCS12");
            var httpsConfig = new org.eclipse.jetty.server.HttpConfiguration(httpConfiguration);
            httpsConfig.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer(false));
            ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(httpsConfig));
            connector.setHost(http.host());
            connector.setPort(http.port());
            return connector;
        });
        // With a connector added here Javalin adds no plain one: the edge speaks HTTPS only.
    }
}
