package io.streamgate.client.coach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.client.coach.CoachStream.State;
import io.streamgate.client.coach.FakeCoachServer.Script;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoachStreamTest {
    /** A coach answer with multi-byte UTF-8 (é, —, an emoji outside the BMP), quotes and escapes. */
    static final String ANSWER = "{\"refined_prompt\":\"A bold café thumbnail 🎨 — neon \\\"glow\\\" on teal, subject centred\","
            + "\"tips\":[\"use the brand teal #0fb5ae\",\"keep text to 3 words\\nbig and readable\"],"
            + "\"missing_details\":[\"mood\"],\"confidence\":0.82}";
    static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(20), 2.0, 0.5);

    /** Records every callback in order. */
    static final class Recorder implements CoachStream.Listener {
        final List<State> states = Collections.synchronizedList(new ArrayList<>());
        final StringBuilder deltas = new StringBuilder();
        final AtomicInteger textCalls = new AtomicInteger();
        final List<JsonNode> partials = Collections.synchronizedList(new ArrayList<>());
        final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());
        final List<String> causes = Collections.synchronizedList(new ArrayList<>());
        volatile JsonNode done;
        volatile String doneText;
        volatile CoachStream.Failure failure;

        @Override
        public void onState(State state) {
            states.add(state);
        }

        @Override
        public synchronized void onText(String delta) {
            deltas.append(delta);
            textCalls.incrementAndGet();
        }

        @Override
        public void onPartial(JsonNode value) {
            partials.add(value);
        }

        @Override
        public void onReconnecting(int attempt, Duration delay, String cause) {
            delays.add(delay);
            causes.add(cause);
        }

        @Override
        public void onDone(JsonNode finalValue, String text) {
            done = finalValue;
            doneText = text;
        }

        @Override
        public void onError(CoachStream.Failure f) {
            failure = f;
        }
    }

    private static State run(CoachStream stream) throws Exception {
        return stream.start().finished().get(60, TimeUnit.SECONDS);
    }

    private static CoachStream.Builder client(FakeCoachServer server, Recorder recorder) {
        return CoachStream.builder(server.eventsUrl()).listener(recorder).backoff(FAST).random(new Random(1))
                .batchWindow(Duration.ofMillis(5));
    }

    @Test
    void anUninterruptedStreamDeliversTheWholeAnswerAndCompletes() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 1, 2000L, List.of())) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            assertThat(stream.text()).isEqualTo(ANSWER);
            assertThat(r.deltas.toString()).isEqualTo(ANSWER);
            assertThat(r.doneText).isEqualTo(ANSWER);
            assertThat(r.done).isEqualTo(FakeCoachServer.JSON.readTree(ANSWER));
            assertThat(r.states).containsExactly(State.CONNECTING, State.STREAMING, State.COMPLETE);
            assertThat(r.partials).isNotEmpty();
            assertThat(r.partials.get(r.partials.size() - 1).path("chars_so_far").asInt()).isEqualTo(ANSWER.length());
            assertThat(stream.lastSeq()).isEqualTo(server.tokens.size());
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void connectionsDroppedAtRandomPointsResumeWithNoDuplicatedOrMissingText() throws Exception {
        Random random = new Random(2026);
        for (int session = 0; session < 40; session++) {
            List<Script> scripts = new ArrayList<>();
            int drops = 1 + random.nextInt(4);
            for (int d = 0; d < drops; d++) scripts.add(Script.dropAfter(random.nextInt(12), random.nextBoolean()));
            try (FakeCoachServer server = new FakeCoachServer(ANSWER, session, 50L, scripts)) {
                Recorder r = new Recorder();
                CoachStream stream = client(server, r).build();

                assertThat(run(stream)).as("session %d", session).isEqualTo(State.COMPLETE);

                assertThat(stream.text().getBytes(StandardCharsets.UTF_8)).as("session %d", session)
                        .isEqualTo(ANSWER.getBytes(StandardCharsets.UTF_8));
                assertThat(r.deltas.toString()).as("what the listener saw, session %d", session).isEqualTo(ANSWER);
                assertThat(stream.reconnects()).isEqualTo(drops);
                assertThat(server.connections()).isEqualTo(drops + 1);
                assertThat(stream.skippedBatches()).isZero();
                assertThat(r.states.get(r.states.size() - 1)).isEqualTo(State.COMPLETE);
            }
        }
    }

    @Test
    void eachReconnectionSendsTheLastAppliedSequenceAsLastEventId() throws Exception {
        // Drop after 3 events (token, partial, token): seqs of two batches applied.
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 3, 50L, List.of(Script.dropAfter(3, true), Script.dropAfter(0, false)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            assertThat(server.lastEventIds.get(0)).isNull();
            assertThat(server.lastEventIds.get(1)).isNotNull();
            assertThat(server.lastEventIds.get(2)).isEqualTo(server.lastEventIds.get(1)); // nothing arrived in between
            assertThat(r.states).containsExactly(State.CONNECTING, State.STREAMING, State.RECONNECTING, State.CONNECTING,
                    State.STREAMING, State.RECONNECTING, State.CONNECTING, State.STREAMING, State.COMPLETE);
            assertThat(stream.text()).isEqualTo(ANSWER);
        }
    }

    @Test
    void batchesReplayedByTheServerAreSkippedNotAppendedTwice() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 4, 50L, List.of(Script.dropAfter(4, false))).replayingLastBatch()) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            assertThat(stream.text()).isEqualTo(ANSWER);
            assertThat(r.deltas.toString()).isEqualTo(ANSWER);
            assertThat(stream.skippedBatches()).isEqualTo(1);
        }
    }

    @Test
    void theServersRetryFieldIsTheBaseOfTheBackoff() throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(5), 2.0, 0.5);
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 5, 40L, List.of(Script.dropAfter(2, false)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).backoff(backoff).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            assertThat(r.delays).hasSize(1);
            assertThat(r.delays.get(0).toMillis()).isBetween(20L, 40L); // retry: 40 with jitter 0.5
        }
    }

    @Test
    void consecutiveFailuresBackOffExponentiallyAndProgressResetsTheCount() throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(5), 2.0, 0);
        List<Script> scripts = List.of(Script.status(503), Script.status(502), Script.status(500), Script.dropAfter(2, false));
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 6, 10L, scripts)) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).backoff(backoff).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            // 503, 502, 500 before any retry: hint (base 1 ms), then 10 ms once the stream said retry: 10
            assertThat(r.delays).extracting(Duration::toMillis).containsExactly(1L, 2L, 4L, 10L);
            assertThat(r.causes).containsExactly("http_503", "http_502", "http_500", "stream_ended");
            assertThat(stream.text()).isEqualTo(ANSWER);
        }
    }

    @Test
    void aServerErrorEventEndsInErrorAndKeepsTheTextSoFar() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 7, 50L, List.of(Script.errorAt(20)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).build();

            assertThat(run(stream)).isEqualTo(State.ERROR);

            CoachStream.Failure f = stream.failure();
            assertThat(f.reason()).isEqualTo("model_failed");
            String expected = String.join("", server.tokens.subList(0, (int) f.lastSeq()));
            assertThat(f.lastSeq()).isGreaterThanOrEqualTo(20);
            assertThat(f.text()).isEqualTo(expected).isEqualTo(stream.text());
            assertThat(ANSWER).startsWith(expected);
            assertThat(r.deltas.toString()).isEqualTo(expected);
            assertThat(f.lastPartial()).isNotNull().isEqualTo(stream.lastPartial());
            assertThat(r.failure).isEqualTo(f);
            assertThat(r.states).endsWith(State.STREAMING, State.ERROR);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void noContentOnResumeMeansTheSessionIsOverAndTheTextIsTheAnswer() throws Exception {
        // The done event is lost with the first connection; the server then answers 204.
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 14, 50L, List.of(Script.dropAfter(FakeCoachServer.BEFORE_DONE, false), Script.status(204)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            assertThat(stream.text()).isEqualTo(ANSWER);
            assertThat(r.done).isEqualTo(FakeCoachServer.JSON.readTree(ANSWER));
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void anExpiredTicketIsReplacedByAFreshOne() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 15, 50L, List.of(Script.dropAfter(3, false), Script.status(401)))) {
            AtomicInteger issued = new AtomicInteger();
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).ticket(() -> "t" + issued.incrementAndGet()).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            assertThat(server.tickets).containsExactly("t1", "t2", "t3");
            assertThat(r.causes).containsExactly("stream_ended", "http_401");
            assertThat(stream.text()).isEqualTo(ANSWER);
        }
    }

    @Test
    void anAuthorisationFailureIsNotRetried() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 8, 50L, List.of(Script.status(401)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).build();

            assertThat(run(stream)).isEqualTo(State.ERROR);

            assertThat(stream.failure().reason()).isEqualTo("http_401");
            assertThat(server.connections()).isEqualTo(1);
            assertThat(r.states).containsExactly(State.CONNECTING, State.ERROR);
        }
    }

    @Test
    void itGivesUpAfterTooManyFailedAttemptsInARow() throws Exception {
        List<Script> scripts = List.of(Script.status(503), Script.status(503), Script.status(503), Script.status(503));
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 9, 50L, scripts)) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).maxAttempts(3).build();

            assertThat(run(stream)).isEqualTo(State.ERROR);

            assertThat(stream.failure().reason()).isEqualTo("gave_up");
            assertThat(server.connections()).isEqualTo(4);
        }
    }

    @Test
    void aSilentConnectionIsDroppedAfterTheIdleTimeoutAndResumed() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 10, 50L, List.of(Script.hangAfter(3)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).idleTimeout(Duration.ofSeconds(1)).build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            // (a loaded machine may also time out elsewhere; what matters is that the silent one did)
            assertThat(r.causes).contains("idle_timeout");
            assertThat(stream.text()).isEqualTo(ANSWER);
            assertThat(r.deltas.toString()).isEqualTo(ANSWER);
        }
    }

    @Test
    void aStreamThatOnlySendsHeartbeatsIsNotIdleButStallsWhenAStallTimeoutIsSet() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 16, 50L, List.of(Script.heartbeatsOnlyAfter(4)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).idleTimeout(Duration.ofSeconds(30)).stallTimeout(Duration.ofSeconds(2)).build();

            assertThat(run(stream)).isEqualTo(State.ERROR);

            assertThat(stream.failure().reason()).isEqualTo("stalled");
            assertThat(stream.text()).isNotEmpty().isEqualTo(stream.failure().text()).isEqualTo(r.deltas.toString());
            assertThat(ANSWER).startsWith(stream.text());
            assertThat(r.causes).as("heartbeats kept the connection alive").isEmpty();
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void cancellingStopsTheStreamAndKeepsWhatArrived() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 11, 50L, List.of(Script.hangAfter(5)))) {
            Recorder r = new Recorder();
            CoachStream stream = client(server, r).build().start();
            // Coalesced by the batch window: at least one partial and some text have been delivered.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> !r.partials.isEmpty() && r.deltas.length() > 0);

            stream.cancel();

            assertThat(stream.finished().get(30, TimeUnit.SECONDS)).isEqualTo(State.CANCELLED);
            assertThat(ANSWER).startsWith(stream.text());
            assertThat(stream.text()).isNotEmpty().isEqualTo(r.deltas.toString());
            assertThat(r.states).endsWith(State.CANCELLED);
            stream.cancel(); // idempotent
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void withAWideWindowTextIsDeliveredInOneBatchAndWithNoWindowPerEvent() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 12, 50L, List.of())) {
            Recorder wide = new Recorder();
            run(client(server, wide).batchWindow(Duration.ofHours(1)).build());
            // Nothing flushes before the hour is up except the terminal event, which flushes first.
            assertThat(wide.textCalls.get()).isEqualTo(1);
            assertThat(wide.partials).hasSize(1);
            assertThat(wide.deltas.toString()).isEqualTo(ANSWER);

            Recorder none = new Recorder();
            CoachStream perEvent = client(server, none).batchWindow(Duration.ZERO).build();
            run(perEvent);
            assertThat(none.deltas.toString()).isEqualTo(ANSWER);
            assertThat(none.textCalls.get()).isGreaterThan(wide.textCalls.get()).isEqualTo(none.partials.size());
        }
    }

    @Test
    void aFreshTicketIsAskedForOnEveryConnectionAndABearerTokenIsSentAsAHeader() throws Exception {
        try (FakeCoachServer server = new FakeCoachServer(ANSWER, 13, 50L, List.of(Script.dropAfter(2, false)))) {
            AtomicInteger issued = new AtomicInteger();
            CoachStream stream = client(server, new Recorder()).ticket(() -> "t" + issued.incrementAndGet()).bearer(() -> "tok").build();

            assertThat(run(stream)).isEqualTo(State.COMPLETE);

            assertThat(server.tickets).containsExactly("t1", "t2");
            assertThat(server.authorizations).containsValues("Bearer tok");
        }
    }
}
