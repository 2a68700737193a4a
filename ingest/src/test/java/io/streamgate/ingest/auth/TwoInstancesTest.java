package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgate.api.sessions.SessionsEndpoints;
import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.ingest.auth.AuthClient.Session;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.RevocationFeed;
import io.streamgate.platform.kafka.StreamsComponent;
import io.streamgate.processors.tokens.RefreshTokenProcessor;
import io.streamgate.processors.tokens.TokenAuditSink;
import io.streamgate.schemas.auth.TokenAudit;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two edge+API servers and two processor instances of the same Streams application on the shared
 * broker, as in production: verdicts reach the instance that asked, revocations reach every
 * instance, and restarting processors mid-flow never rotates a token twice.
 *
 * <p>The leeway is 60 s here because the restart test retries timed-out refreshes with the same
 * token after a processor restart; that retry must fall within the leeway however slow the
 * restart is on a loaded machine.
 */
@StreamgateTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesTest {
    static TestEnv env;
    static AuthClient one;
    static AuthClient two;
    static StreamsComponent processorA;
    static StreamsComponent processorB;
    static AuditTopic audit;

    static Map<String, String> settings(String replyPartition) {
        Map<String, String> s = new HashMap<>();
        s.put("REFRESH_REUSE_LEEWAY", "60s");
        s.put("REFRESH_VERDICT_TIMEOUT", "2s");
        s.put("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000");
        s.put("AUTH_REPLY_PARTITION", replyPartition);
        return s;
    }

    @BeforeAll
    static void start(TestEnv testEnv) {
        env = testEnv;
        Platform p1 = env.platform(settings("0"));
        // the first edge generates the dev REFRESH_TOKEN_SECRET; the second platform then loads it
        // from the class's dev secrets file, as two instances sharing one secret would
        AuthEndpoints edge1 = new AuthEndpoints(p1);
        Platform p2 = env.platform(settings("1"));
        processorA = RefreshTokenProcessor.component(p1);
        processorB = RefreshTokenProcessor.component(p2);
        one = new AuthClient(env.serve(p1, List.of(edge1, processorA, TokenAuditSink.create(p1),
                new RevocationFeed(p1), new SessionsEndpoints(p1))).port());
        two = new AuthClient(env.serve(p2, List.of(new AuthEndpoints(p2), processorB,
                new RevocationFeed(p2), new SessionsEndpoints(p2))).port());
        audit = env.closeAfterClass(new AuditTopic(env.kafka("audit")));
        await().atMost(Duration.ofSeconds(60)).until(() -> p1.health().ready() && p2.health().ready());
        // both processor instances own some of the user partitions
        await().atMost(Duration.ofSeconds(60)).until(() -> hasTasks(processorA) && hasTasks(processorB));
    }

    @Test
    @Order(1)
    void eachVerdictReachesTheInstanceThatAsked() throws Exception {
        Session s = one.signUp();
        int[] n = {0};
        List<Reply> replies = AuthFlowTest.concurrently(8, () -> {
            AuthClient c;
            synchronized (n) {
                c = n[0]++ % 2 == 0 ? one : two;
            }
            // a rebalance may hold a partition for a moment (503): clients retry the same token
            return refreshRetrying(c, s.refreshToken());
        });
        assertThat(replies).extracting(Reply::status).containsOnly(200);
        assertThat(replies.stream().map(r -> r.text("refresh_token")).collect(Collectors.toSet())).hasSize(1);
    }

    @Test
    @Order(2)
    void aReuseOnOneInstanceRevokesAccessOnEveryInstance() {
        Session s = two.signUp();
        String t1 = refreshRetrying(one, s.refreshToken()).text("refresh_token");
        Reply r2 = refreshRetrying(one, t1);
        assertThat(r2.status()).isEqualTo(200);

        assertThat(two.refresh(s.refreshToken()).type()).isEqualTo("token_reused");
        await().untilAsserted(() -> {
            assertThat(one.send("GET", "/v1/sessions", r2.text("access_token")).type()).isEqualTo("token_revoked");
            assertThat(two.send("GET", "/v1/sessions", r2.text("access_token")).type()).isEqualTo("token_revoked");
            assertThat(two.send("GET", "/v1/sessions", s.accessToken()).type()).isEqualTo("token_revoked");
        });
    }

    @Test
    @Order(3)
    void processorsRestartedMidFlowNeverRotateTwice() throws Exception {
        Session s = one.signUp();
        int[] n = {0};
        var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return AuthFlowTest.concurrently(8, () -> {
                    AuthClient c;
                    synchronized (n) {
                        c = n[0]++ % 2 == 0 ? one : two;
                    }
                    return refreshRetrying(c, s.refreshToken());
                });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // A restarts while those refreshes are in flight; B takes its partitions over from the changelog
        leave(processorA);
        StreamsComponent processorC = restart();

        List<Reply> replies = inFlight.get();
        assertThat(replies).extracting(Reply::status).containsOnly(200);
        Set<String> successors = replies.stream().map(r -> r.text("refresh_token")).collect(Collectors.toSet());
        assertThat(successors).hasSize(1);

        // now no processor at all: the edge answers 503 (retryable), never a token it was not given
        leave(processorB);
        leave(processorC);
        String current = successors.iterator().next();
        Reply unavailable = two.refresh(current);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.type()).isEqualTo("verdict_timeout");
        assertThat(unavailable.raw().headers().firstValue("Retry-After")).isPresent();

        // a processor comes back: the waiting event rotates once, and the retry with the same
        // token gets that same successor
        restart();
        Reply retried = refreshRetrying(one, current);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(one.refresh(retried.text("refresh_token")).status()).isEqualTo(200);

        await().untilAsserted(() -> {
            List<String> verdicts = audit.forUser(s.userId()).stream().map(TokenAudit::verdict).toList();
            assertThat(verdicts).doesNotContain("reused");
            // login, 8 racing refreshes (1 rotation), the timed-out one (1 rotation), the final one
            assertThat(verdicts.stream().filter("rotated"::equals).count()).isEqualTo(3);
        });
    }

    /** A client's retry policy: on 503 send the same token again. */
    static Reply refreshRetrying(AuthClient c, String token) {
        for (int attempt = 0; ; attempt++) {
            Reply r = c.refresh(token);
            if (r.status() != 503 || attempt > 40) return r;
        }
    }

    static void leave(StreamsComponent processor) {
        processor.streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    static StreamsComponent restart() {
        Platform p = env.platform(settings("2"));
        StreamsComponent c = env.closeAfterClass(RefreshTokenProcessor.component(p));
        c.start();
        return c;
    }

    static boolean hasTasks(StreamsComponent c) {
        return c.streams().state() == KafkaStreams.State.RUNNING
                && c.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }
}
