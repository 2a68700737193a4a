package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the alert rules in ops/ query only metrics that {@code /metrics}
 * really exports: every role runs in one process ({@code all}), a little traffic makes the
 * meters registered on first use exist, and every metric name in a PromQL expression must be a
 * sample name of the scrape. A renamed meter otherwise leaves an empty panel or an alert that
 * can never fire, and nothing says so.
 */
@StreamgateTest
class DashboardMetricsTest {
    static final Path ROOT = Path.of("..");
    static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExported(TestEnv env) throws Exception {
        Set<String> exported;
        try (Streamgate running = Streamgate.start(LaunchOptions.parse("all", "--port", "0"), RolesBootTest.productionEnv(env, "all"))) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> send(running, "GET", "/health/ready", null).statusCode() == 200);
            // Meters registered on first use: the HTTP timer (any request) and the webhook
            // refusal counters (a delivery without a signature).
            assertThat(send(running, "POST", "/webhooks/stripe", "{}").statusCode()).isBetween(400, 499);
            String scrape = send(running, "GET", "/metrics", null).body();
            // Kept for whoever writes the next panel: the real names, with their tags.
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "metrics-all-roles.txt"), scrape);
            exported = sampleNames(scrape);
        }

        Map<String, Set<String>> queried = new LinkedHashMap<>();
        queried.put("ops/grafana/streamgate.json", dashboardExpressions().stream()
                .flatMap(e -> metricNames(e).stream()).collect(Collectors.toCollection(TreeSet::new)));
        queried.put("ops/prometheus/alerts.yml", alertExpressions().stream()
                .flatMap(e -> metricNames(e).stream()).collect(Collectors.toCollection(TreeSet::new)));
        queried.forEach((file, names) -> {
            assertThat(names).as("metric names found in %s", file).isNotEmpty();
            Set<String> missing = new TreeSet<>(names);
            missing.removeAll(exported);
            assertThat(missing).as("metrics that %s queries and /metrics does not export (the scrape is in launcher/target/metrics-all-roles.txt)", file)
                    .isEmpty();
        });
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertThat(metricNames("sum by (reason) (rate(webhooks_refused_total{role=~\"$role\", reason!=\"x\"}[$__rate_interval]))"))
                .containsExactly("webhooks_refused_total");
        assertThat(metricNames("histogram_quantile(0.99, sum by (le, route) (rate(http_server_requests_seconds_bucket[5m])))"
                + " > on (instance_id) group_left max(health_ready) offset 5m or vector(0)"))
                .containsExactlyInAnyOrder("http_server_requests_seconds_bucket", "health_ready");
        assertThat(metricNames("max without (thread_id) (kafka_stream_state{state!=\"RUNNING\"}) == bool 1"))
                .containsExactly("kafka_stream_state");
    }

    /** The expression of every panel target, nested rows included. */
    static List<String> dashboardExpressions() throws Exception {
        JsonNode dashboard = Json.mapper().readTree(ROOT.resolve("ops/grafana/streamgate.json").toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("targets").forEach(targets -> targets.forEach(t -> {
            if (t.hasNonNull("expr")) expressions.add(t.get("expr").asText());
        }));
        dashboard.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asText()) && v.path("query").isTextual()) expressions.add(v.get("query").asText().replaceAll("^label_values\\((.*),[^,]*\\)$", "$1"));
        });
        return expressions;
    }

    @SuppressWarnings("unchecked")
    static List<String> alertExpressions() throws Exception {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("ops/prometheus/alerts.yml"))) {
            Map<String, Object> rules = new Yaml().load(in);
            List<String> expressions = new ArrayList<>();
            for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) expressions.add(String.valueOf(rule.get("expr")));
            }
            return expressions;
        }
    }

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    /** Label lists and selectors: by (...), without (...), on (...), ignoring (...), group_left (...), {...}, [...]. */
    private static final Pattern LABELS = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)|\\{[^}]*}|\\[[^]]*]");
    /** A whole identifier (possessive, so no shorter prefix of a function name matches) not followed by "(". */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![a-zA-Z0-9_:])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");

    /** The metric names an expression selects: identifiers that are no function, keyword, label or Grafana variable. */
    static Set<String> metricNames(String expression) {
        String bare = STRINGS.matcher(expression).replaceAll("\"\"");
        bare = LABELS.matcher(bare).replaceAll(" ");
        bare = bare.replaceAll("\\$\\{[^}]*}|\\$\\w+", " ").replaceAll("\\b\\d+(\\.\\d+)?([smhdwy]|ms)?\\b", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String token = m.group();
            if (!KEYWORDS.contains(token.toLowerCase(Locale.ROOT))) names.add(token);
        }
        return names;
    }

    /** Every sample name in a Prometheus text exposition. */
    static Set<String> sampleNames(String scrape) {
        return scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private static HttpResponse<String> send(Streamgate s, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
