package io.streamgate.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.config.ConfigException;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.health.Health;
import io.streamgate.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Client addresses behind trusted proxies. Over real sockets, a trusted peer (127.0.0.1) and an
 * untrusted one (127.0.0.2, another loopback address) send forwarding headers to a real edge;
 * the parsing rules themselves are checked directly.
 */
class ClientAddressTest {
    static PrometheusMeterRegistry metrics;
    static Javalin app;

    @BeforeAll
    static void start() {
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpConfig config = new HttpConfig("127.0.0.1", 0, List.of(), 1024, 6, 64 * 1024, null, null, HttpConfig.DEFAULT_IDLE_TIMEOUT,
                proxies("127.0.0.1/32, 10.0.0.0/8", "x-forwarded-for"), AdmissionConfig.defaults());
        Component echo = new Component() {
            @Override
            public void http(JavalinConfig c) {
                c.routes.get("/t/client", ctx -> ctx.json(Map.of("address", ClientAddress.of(ctx), "limit_key", ClientAddress.limitKey(ctx))));
            }
        };
        app = HttpEdge.create(config, metrics, new Health(), List.of(echo)).start();
    }

    @AfterAll
    static void stop() {
        app.stop();
        metrics.close();
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeadersSay() throws IOException {
        assertThat(addressSeenFrom("127.0.0.2", "X-Forwarded-For: 203.0.113.5")).isEqualTo("127.0.0.2");
        assertThat(addressSeenFrom("127.0.0.2", "X-Forwarded-For: 10.1.2.3", "Forwarded: for=198.51.100.7")).isEqualTo("127.0.0.2");
        assertThat(addressSeenFrom("127.0.0.2")).isEqualTo("127.0.0.2");
    }

    @Test
    void behindTrustedProxiesTheFirstUntrustedHopFromTheRightIsTheClient() throws IOException {
        // the client spoofed 198.51.100.7; the edge proxy saw it as 203.0.113.5; an inner proxy 10.1.2.3
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: 198.51.100.7, 203.0.113.5, 10.1.2.3")).isEqualTo("203.0.113.5");
        // the same chain over several header lines
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: 198.51.100.7", "X-Forwarded-For: 203.0.113.5, 10.1.2.3"))
                .isEqualTo("203.0.113.5");
        // every hop trusted: the leftmost is the client
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: 10.9.9.9, 10.1.2.3")).isEqualTo("10.9.9.9");
        // the header this deployment's proxies do not write is never read
        assertThat(addressSeenFrom("127.0.0.1", "Forwarded: for=198.51.100.7")).isEqualTo("127.0.0.1");
        assertThat(addressSeenFrom("127.0.0.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void malformedHopsStopTheWalkAtTheLastHopIdentified() throws IOException {
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: not-an-address")).isEqualTo("127.0.0.1");
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: 203.0.113.5, example.com")).isEqualTo("127.0.0.1");
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: 203.0.113.5, 10.1.2.3, 999.1.1.1")).isEqualTo("127.0.0.1");
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: 203.0.113.5, 10.1.2.3,")).isEqualTo("127.0.0.1");
        // junk the client wrote left of the proxy's entry is never read
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: \"[::1, %00;;, 203.0.113.5")).isEqualTo("203.0.113.5");
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: 203.0.113.5:4711")).isEqualTo("203.0.113.5");
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: [2001:DB8::7]:4711")).isEqualTo("2001:db8::7");
        assertThat(addressSeenFrom("127.0.0.1", "X-Forwarded-For: ::ffff:203.0.113.5")).isEqualTo("203.0.113.5");
    }

    @Test
    void theLimitKeyGroupsIPv6ByItsSlash64() throws IOException {
        assertThat(limitKeySeenFrom("127.0.0.1", "X-Forwarded-For: 2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(limitKeySeenFrom("127.0.0.1", "X-Forwarded-For: 203.0.113.5")).isEqualTo("203.0.113.5");
        assertThat(limitKeySeenFrom("127.0.0.2")).isEqualTo("127.0.0.2");
    }

    @Nested
    class Rules {
        final TrustedProxies forwarded = proxies("127.0.0.1, 10.0.0.0/8, 2001:db8:ffff::/48", "forwarded");

        @Test
        void limitKeysAreIPv4AsIsAndIPv6PerSlash64() {
            assertThat(ClientAddress.limitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
            assertThat(ClientAddress.limitKey("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
            assertThat(ClientAddress.limitKey("2001:0DB8:0001:0002:0000:0000:0000:0001")).isEqualTo("2001:db8:1:2::/64");
            assertThat(ClientAddress.limitKey("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
            assertThat(ClientAddress.limitKey("[2001:db8::1]")).isEqualTo("2001:db8::/64");
            assertThat(ClientAddress.limitKey("192.0.2.1")).isEqualTo("192.0.2.1");
            assertThat(ClientAddress.limitKey("192.0.2.2")).isEqualTo("192.0.2.2");
            assertThat(ClientAddress.limitKey("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
            assertThat(ClientAddress.limitKey("::ffff:c000:201")).isEqualTo("192.0.2.1");
        }

        @Test
        void rfc7239ForwardedIsReadRightToLeft() {
            String chain = "for=198.51.100.7, for=\"[2001:db8:cafe::17]:4711\";proto=https, For=10.0.0.5;by=10.0.0.1";
            assertThat(ClientAddress.resolve("127.0.0.1", List.of(chain), forwarded)).isEqualTo("2001:db8:cafe::17");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=198.51.100.7", "for=10.0.0.5"), forwarded)).isEqualTo("198.51.100.7");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("proto=https;for=\"203.0.113.9:80\""), forwarded)).isEqualTo("203.0.113.9");
            // a trusted IPv6 proxy is skipped like an IPv4 one
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=203.0.113.9, for=\"[2001:db8:ffff::1]\""), forwarded)).isEqualTo("203.0.113.9");
        }

        @Test
        void rfc7239NodesThatNameNoAddressStopTheWalk() {
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=203.0.113.9, for=unknown"), forwarded)).isEqualTo("127.0.0.1");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=203.0.113.9, for=10.0.0.5, for=_hidden"), forwarded)).isEqualTo("127.0.0.1");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=203.0.113.9, for=10.0.0.5, proto=http"), forwarded)).isEqualTo("127.0.0.1");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=203.0.113.9, for=10.0.0.5, for=\"10.0.0.6"), forwarded)).isEqualTo("127.0.0.1");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=203.0.113.9, for=\"unknown\", for=10.0.0.5"), forwarded)).isEqualTo("10.0.0.5");
        }

        @Test
        void rfc7239QuotesAndJunkTheClientWroteCannotShiftTheProxiesEntries() {
            // an unterminated quote and separators inside quotes, all left of what the proxy appended
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=\"1.1.1.1, for=\"a,b;c\"", "for=203.0.113.9"), forwarded))
                    .isEqualTo("203.0.113.9");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=\"x\\\", for=2.2.2.2\", for=203.0.113.9"), forwarded))
                    .isEqualTo("203.0.113.9");
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("for=\"x\"\";;==,,, for=203.0.113.9"), forwarded)).isEqualTo("203.0.113.9");
        }

        @Test
        void anUntrustedPeerIsNeverLookedPast() {
            assertThat(ClientAddress.resolve("192.0.2.50", List.of("for=203.0.113.9"), forwarded)).isEqualTo("192.0.2.50");
            assertThat(ClientAddress.resolve("[::1]", List.of("for=203.0.113.9"), forwarded)).isEqualTo("::1");
            assertThat(ClientAddress.resolve("::ffff:127.0.0.1", List.of("for=203.0.113.9"), forwarded)).isEqualTo("203.0.113.9");
            assertThat(ClientAddress.resolve("10.0.0.9", List.of(), forwarded)).isEqualTo("10.0.0.9");
            assertThat(ClientAddress.resolve("10.0.0.9", List.of("for=203.0.113.9"), TrustedProxies.none())).isEqualTo("10.0.0.9");
        }

        @Test
        void aVeryLongChainOfTrustedHopsIsWalkedOnlySoFar() {
            String hops = String.join(", ", java.util.Collections.nCopies(10_000, "10.0.0.1"));
            assertThat(ClientAddress.resolve("127.0.0.1", List.of("203.0.113.9, " + hops), proxies("127.0.0.1, 10.0.0.0/8", "x-forwarded-for")))
                    .isEqualTo("10.0.0.1");
        }

        @Test
        void onlyLiteralsAreAddresses() {
            for (String notAnAddress : List.of("localhost", "example.com", "1.2.3", "0x7f.1", "017.0.0.1", "1.2.3.4/8", "*", "1.2.3.4-9",
                    "", "::1:2:3:4:5:6:7:8:9", "[::1", "1.2.3.4:99999")) {
                Assertions.assertThat(ClientAddress.parse(notAnAddress)).as(notAnAddress).isNull();
            }
            assertThat(ClientAddress.parse("fe80::1%eth0").toCanonicalString()).isEqualTo("fe80::1");
        }

        @Test
        void everyBadTrustedProxiesEntryIsReportedAtOnce() {
            Env env = new Env(Map.of("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal, 10.0.0.1/8, 2001:db8::/129, ::ffff:10.0.0.0/104, 192.168.0.0/16, ::1, 0.0.0.0/0",
                    "TRUSTED_PROXY_HEADER", "x-real-ip"));
            TrustedProxies.from(env);
            assertThat(env.problems()).hasSize(6);
            assertThat(String.join("\n", env.problems()))
                    .contains("'proxy.internal'").contains("'10.0.0.1/8' has host bits set; write its network, 10.0.0.0/8")
                    .contains("'2001:db8::/129'").contains("'::ffff:10.0.0.0/104'").contains("'0.0.0.0/0' trusts every address")
                    .contains("TRUSTED_PROXY_HEADER");
            Assertions.assertThatThrownBy(env::validate).isInstanceOf(ConfigException.class);
        }
    }

    static TrustedProxies proxies(String cidrs, String header) {
        Env env = new Env(Map.of("TRUSTED_PROXIES", cidrs, "TRUSTED_PROXY_HEADER", header));
        TrustedProxies proxies = TrustedProxies.from(env);
        env.validate();
        return proxies;
    }

    private static String addressSeenFrom(String localAddress, String... headers) throws IOException {
        return seenFrom(localAddress, headers).get("address").asText();
    }

    private static String limitKeySeenFrom(String localAddress, String... headers) throws IOException {
        return seenFrom(localAddress, headers).get("limit_key").asText();
    }

    /** A raw HTTP/1.1 request from {@code localAddress}, so the edge sees that socket peer. */
    private static JsonNode seenFrom(String localAddress, String... headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 5_000);
            StringBuilder request = new StringBuilder("GET /t/client HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            for (String h : headers) request.append(h).append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            return Json.mapper().readTree(response.substring(response.indexOf('{'), response.lastIndexOf('}') + 1));
        }
    }
}
