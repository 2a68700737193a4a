package io.streamgate.bench.edge;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.bench.HttpLoad;
import io.streamgate.platform.Component;
import io.streamgate.platform.health.Health;
import io.streamgate.platform.http.HttpConfig;
import io.streamgate.platform.http.HttpEdge;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.platform.metrics.Metrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The platform edge (CORS, security headers, request id, metrics timer, access log,
 * problem+json) against the baseline every HTTP benchmark compares with: a bare Javalin
 * route answering 200, same JVM, same client, measured in the same run, interleaved.
 *
 * <p>Args: {@code [connections=16] [seconds=8] [rounds=3]}. Prints a markdown table.
 */
public final class EdgeBench {
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        Javalin bare = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.get("/bare", ctx -> ctx.result("ok"));
        }).start();

        PrometheusMeterRegistry metrics = Metrics.registry("bench", "edge");
        Component routes = new Component() {
            @Override
            public void http(JavalinConfig config) {
                config.routes.get("/v1/bench", ctx -> ctx.json(Map.of("ok", true)));
                config.routes.get("/v1/bench/missing", ctx -> {
                    throw ProblemException.notFound("no bench item here");
                });
            }
        };
        Javalin edge = HttpEdge.create(new HttpConfig("127.0.0.1", 0, List.of("https://app.example.com"), 1024, 6, 1 << 20, null, null),
                metrics, new Health(), List.of(routes)).start();

        String bareBase = "http://127.0.0.1:" + bare.port();
        String edgeBase = "http://127.0.0.1:" + edge.port();
        record Case(String name, URI uri, boolean problem) {}
        List<Case> cases = List.of(
                new Case("bare Javalin 200 (baseline)", URI.create(bareBase + "/bare"), false),
                new Case("edge 200 JSON", URI.create(edgeBase + "/v1/bench"), false),
                new Case("edge 404 problem+json", URI.create(edgeBase + "/v1/bench/missing"), true));

        List<List<HttpLoad.Result>> byCase = new ArrayList<>();
        cases.forEach(c -> byCase.add(new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                HttpLoad load = HttpLoad.of(c.name(), c.uri()).connections(connections)
                        .warmup(Duration.ofSeconds(round == 0 ? 4 : 2)).duration(Duration.ofSeconds(seconds));
                if (c.problem()) load.expectStatus(s -> s == 404);
                HttpLoad.Result r = load.run();
                byCase.get(i).add(r);
                System.err.printf("round %d: %s %.0f req/s%n", round + 1, c.name(), r.throughput());
            }
        }
        bare.stop();
        edge.stop();
        metrics.close();

        // Load on the shared box drifts between rounds: the ratio is taken within each round
        // (baseline and cases back to back), and the median of those ratios is the result.
        System.out.printf("%n%d connections, %d s measured per run, %d interleaved rounds, JDK %s, %d CPUs%n%n",
                connections, seconds, rounds, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.println(HttpLoad.Result.HEADER);
        for (int round = 0; round < rounds; round++) {
            HttpLoad.Result baseline = byCase.get(0).get(round);
            for (List<HttpLoad.Result> results : byCase) {
                HttpLoad.Result r = results.get(round);
                System.out.println(r.row(baseline).replaceFirst("\\| ", "| round " + (round + 1) + ": "));
            }
        }
        System.out.println();
        System.out.println("| case | median throughput ratio vs bare | median p50 ratio | median p99 ratio |");
        System.out.println("|---|---|---|---|");
        for (int i = 1; i < cases.size(); i++) {
            List<Double> tput = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                HttpLoad.Result b = byCase.get(0).get(round);
                HttpLoad.Result r = byCase.get(i).get(round);
                tput.add(r.throughput() / b.throughput());
                p50.add(r.p50Ms() / b.p50Ms());
                p99.add(r.p99Ms() / b.p99Ms());
            }
            System.out.printf(java.util.Locale.ROOT, "| %s | **%.2f** | %.2f | %.2f |%n", cases.get(i).name(), median(tput), median(p50), median(p99));
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
