package io.streamgate.client.coach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One coach session's output stream, read over Server-Sent Events with resumption.
 *
 * <p>State machine: {@code IDLE → CONNECTING → STREAMING → COMPLETE | ERROR}, with
 * {@code RECONNECTING} (waiting out a backoff) between a dropped connection and the next
 * {@code CONNECTING}, and {@code CANCELLED} after {@link #cancel()}. A dropped connection,
 * a clean end of stream without a terminal event, a 5xx/429 answer or a silent connection
 * (no bytes, heartbeats included, for the idle timeout) all reconnect after an exponential
 * backoff with jitter whose base is the server's {@code retry:} hint, sending
 * {@code Last-Event-ID} = the last token sequence number applied. Token batches are applied
 * by sequence number, so a replayed batch is skipped and a gap forces a resync: the text is
 * never duplicated nor missing. What was received stays available ({@link #text()},
 * {@link #lastPartial()}) whatever happens.
 *
 * <p>All callbacks run on this stream's own thread, one at a time, in order; text deltas and
 * partial values are coalesced per {@code batchWindow} so a UI re-renders once per frame,
 * not once per token. Callbacks must not block.
 */
public final class CoachStream implements AutoCloseable {
    private static final System.Logger log = System.getLogger(CoachStream.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger THREADS = new AtomicInteger();

    public enum State {
        IDLE, CONNECTING, STREAMING, RECONNECTING, COMPLETE, ERROR, CANCELLED;

        public boolean terminal() {
            return this == COMPLETE || this == ERROR || this == CANCELLED;
        }
    }

    /**
     * Why a stream ended in {@link State#ERROR}, with everything received up to then.
     * {@code reason} is the server's reason for an {@code error} event, or one of
     * {@code http_<status>} (a 4xx other than 408/429, or 401 without a ticket supplier to renew),
     * {@code gave_up} (too many failed reconnections in a row), {@code stalled} (no new token for
     * the stall timeout),
     * {@code protocol_error}.
     */
    public record Failure(String reason, String text, JsonNode lastPartial, long lastSeq, Throwable cause) {}

    /** Receives the stream's progress; every method is optional. */
    public interface Listener {
        default void onState(State state) {}

        /** Text appended since the previous call (one window's worth of tokens). */
        default void onText(String delta) {}

        /** The latest partial answer (only the newest of a window is delivered). */
        default void onPartial(JsonNode value) {}

        /** A reconnection is scheduled: attempt number (1 = first after progress), delay, why. */
        default void onReconnecting(int attempt, Duration delay, String cause) {}

        default void onDone(JsonNode finalValue, String text) {}

        default void onError(Failure failure) {}
    }

    private final URI uri;
    private final HttpClient http;
    private final Supplier<String> bearer;
    private final Supplier<String> ticket;
    private final Listener listener;
    private final Duration batchWindow;
    private final Duration idleTimeout;
    private final Duration stallTimeout;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Random random;
    private final ScheduledThreadPoolExecutor loop;
    private final CompletableFuture<State> finished = new CompletableFuture<>();

    // Everything below is confined to the loop thread, except the volatile snapshots and the
    // text buffer (guarded by itself) which readers may look at from any thread.
    private final StringBuilder text = new StringBuilder();
    private volatile State state = State.IDLE;
    private volatile long lastSeq;
    private volatile JsonNode lastPartial;
    private volatile JsonNode finalValue;
    private volatile Failure failure;
    private volatile int reconnects;
    private volatile int skippedBatches;
    private Duration retryBase;
    private int attempt;
    private Connection current;
    private final StringBuilder pendingText = new StringBuilder();
    private JsonNode pendingPartial;
    private ScheduledFuture<?> flushTask;
    private ScheduledFuture<?> idleTask;
    private ScheduledFuture<?> stallTask;

    private CoachStream(Builder b) {
        this.uri = b.uri;
        this.http = b.http != null ? b.http : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        this.bearer = b.bearer;
        this.ticket = b.ticket;
        this.listener = b.listener;
        this.batchWindow = b.batchWindow;
        this.idleTimeout = b.idleTimeout;
        this.stallTimeout = b.stallTimeout;
        this.backoff = b.backoff;
        this.maxAttempts = b.maxAttempts;
        this.random = b.random;
        this.lastSeq = b.lastEventId;
        this.retryBase = b.backoff.initial();
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "coach-stream-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        loop.setRemoveOnCancelPolicy(true);
    }

    public static Builder builder(URI eventsUrl) {
        return new Builder(eventsUrl);
    }

    /** Opens the stream (once); returns immediately. */
    public CoachStream start() {
        loop.execute(() -> {
            if (state != State.IDLE) return;
            armStallTimer();
            connect();
        });
        return this;
    }

    /** Stops the stream for good; what was received stays readable. Idempotent. */
    public void cancel() {
        try {
            loop.execute(() -> {
                if (state.terminal()) return;
                if (current != null) current.abort();
                flush();
                enter(State.CANCELLED);
                finish();
            });
        } catch (java.util.concurrent.RejectedExecutionException alreadyFinished) {
            // terminal already: nothing to cancel
        }
    }

    @Override
    public void close() {
        cancel();
    }

    /** Completes with the terminal state. */
    public CompletableFuture<State> finished() {
        return finished;
    }

    public State state() {
        return state;
    }

    /** All answer text received so far (delivered or still waiting for its batch window). */
    public String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    public JsonNode lastPartial() {
        return lastPartial;
    }

    /** The strictly valid final answer, once {@link State#COMPLETE}. */
    public JsonNode finalValue() {
        return finalValue;
    }

    public Failure failure() {
        return failure;
    }

    /** The sequence number of the last token applied (-1 before any); sent as Last-Event-ID. */
    public long lastSeq() {
        return lastSeq;
    }

    public int reconnects() {
        return reconnects;
    }

    /** Token batches received again after a resume and skipped (the server should send none). */
    public int skippedBatches() {
        return skippedBatches;
    }

    // ---- connection lifecycle (loop thread) ----

    private void connect() {
        enter(State.CONNECTING);
        Connection c = new Connection();
        current = c;
        URI target = uri;
        if (ticket != null) {
            String sep = uri.getRawQuery() == null ? "?" : "&";
            target = URI.create(uri + sep + "ticket=" + URLEncoder.encode(ticket.get(), StandardCharsets.UTF_8));
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(target).GET()
                .timeout(idleTimeout)
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache");
        if (lastSeq >= 0) req.header("Last-Event-ID", Long.toString(lastSeq));
        if (bearer != null) req.header("Authorization", "Bearer " + bearer.get());
        armIdleTimer(c);
        c.future = http.sendAsync(req.build(), info -> {
            String type = info.headers().firstValue("Content-Type").orElse("");
            if (info.statusCode() == 200 && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
                c.eventStream = true;
                loop.execute(() -> opened(c));
                return HttpResponse.BodySubscribers.fromSubscriber(c, s -> null);
            }
            return HttpResponse.BodySubscribers.replacing(null);
        });
        c.future.whenComplete((response, error) -> {
            try {
                loop.execute(() -> ended(c, response, error));
            } catch (java.util.concurrent.RejectedExecutionException finishedMeanwhile) {
                // the stream reached a terminal state while this connection was closing
            }
        });
    }

    private void opened(Connection c) {
        if (c != current || c.ended) return;
        enter(State.STREAMING);
    }

    private void received(Connection c, String chunk) {
        if (c != current || c.ended) return;
        armIdleTimer(c);
        c.parser.feed(chunk);
    }

    private void ended(Connection c, HttpResponse<Void> response, Throwable error) {
        if (c != current || c.ended || state.terminal()) return;
        c.ended = true;
        cancelIdleTimer();
        flush();
        if (error == null && response != null && response.statusCode() != 200) {
            int status = response.statusCode();
            if (status == 204) {
                // The server has nothing after our Last-Event-ID: the session is over and we hold
                // all of its text (the done event itself was lost with the previous connection).
                complete(null);
                return;
            }
            if (status == 401 && ticket != null) {
                // Tickets expire (60 s); the next attempt asks the supplier for a fresh one.
                retry("http_401", null);
                return;
            }
            if (status == 429 || status == 408 || status >= 500) {
                Duration hint = response.headers().firstValue("Retry-After").flatMap(CoachStream::seconds).orElse(null);
                retry("http_" + status, hint);
            } else {
                fail("http_" + status, null);
            }
            return;
        }
        if (error == null && response != null && !c.eventStream) {
            fail("protocol_error", new IllegalStateException("not an event stream"));
            return;
        }
        retry(error == null ? "stream_ended" : describe(error), null);
    }

    private void retry(String cause, Duration serverHint) {
        attempt++;
        if (attempt > maxAttempts) {
            fail("gave_up", new IllegalStateException("no progress after " + maxAttempts + " reconnection attempts; last: " + cause));
            return;
        }
        Duration delay = backoff.delay(attempt, retryBase, random);
        if (serverHint != null && serverHint.compareTo(delay) > 0) delay = serverHint;
        reconnects++;
        enter(State.RECONNECTING);
        int n = attempt;
        Duration d = delay;
        notify(() -> listener.onReconnecting(n, d, cause));
        loop.schedule(() -> {
            if (!state.terminal()) connect();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops the current connection and resumes from the last applied sequence number. */
    private void resync(Connection c, String why) {
        c.abort();
        c.ended = true;
        cancelIdleTimer();
        flush();
        retry(why, null);
    }

    private void fail(String reason, Throwable cause) {
        if (current != null) current.abort();
        cancelIdleTimer();
        flush();
        Failure f = new Failure(reason, text(), lastPartial, lastSeq, cause);
        failure = f;
        enter(State.ERROR);
        notify(() -> listener.onError(f));
        finish();
    }

    private void complete(JsonNode value) {
        cancelIdleTimer();
        flush();
        if (value == null) {
            try {
                value = JSON.readTree(text()); // the text is the answer's JSON
            } catch (Exception notJson) {
                value = null;
            }
        }
        finalValue = value;
        JsonNode fv = value;
        enter(State.COMPLETE);
        String all = text();
        notify(() -> listener.onDone(fv, all));
        finish();
    }

    private void finish() {
        cancelIdleTimer();
        if (stallTask != null) stallTask.cancel(false);
        finished.complete(state);
        loop.shutdown();
    }

    private void armIdleTimer(Connection c) {
        cancelIdleTimer();
        idleTask = loop.schedule(() -> {
            if (c != current || c.ended || state.terminal()) return;
            // No byte, not even a heartbeat, for the idle timeout: the connection is dead
            // even if TCP has not noticed yet.
            resync(c, "idle_timeout");
        }, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A stream can be alive (heartbeats) and still never progress, e.g. when the worker
     * generating it died; with a stall timeout set, no new token for that long ends it in error.
     */
    private void armStallTimer() {
        if (stallTimeout.isZero()) return;
        if (stallTask != null) stallTask.cancel(false);
        stallTask = loop.schedule(() -> {
            if (!state.terminal()) fail("stalled", new TimeoutException("no new token for " + stallTimeout));
        }, stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelIdleTimer() {
        if (idleTask != null) idleTask.cancel(false);
        idleTask = null;
    }

    // ---- protocol (loop thread) ----

    private void onEvent(Connection c, SseEvent e) {
        if (c != current || c.ended || state.terminal()) return;
        JsonNode data;
        try {
            data = JSON.readTree(e.data());
        } catch (Exception bad) {
            fail("protocol_error", bad);
            return;
        }
        switch (e.type()) {
            case "token" -> {
                long from = data.path("seq_from").asLong(-1);
                long to = data.path("seq_to").asLong(-1);
                String t = data.path("text").asText("");
                if (from < 0 || to < from) {
                    fail("protocol_error", new IllegalStateException("bad token batch " + e.data()));
                    return;
                }
                if (lastSeq >= 0 && to <= lastSeq) {
                    skippedBatches++;
                    return;
                }
                if (lastSeq >= 0 && from != lastSeq + 1) {
                    // A gap (or a batch straddling what we have): its text cannot be split by
                    // token, so resume from what we hold instead of guessing.
                    resync(c, "sequence_gap");
                    return;
                }
                synchronized (text) {
                    text.append(t);
                }
                lastSeq = to;
                attempt = 0;
                armStallTimer();
                pendingText.append(t);
                scheduleFlush();
            }
            case "partial" -> {
                if (data.path("seq").asLong(-1) > lastSeq) return; // ahead of the text we hold: ignore
                lastPartial = data.path("value");
                pendingPartial = lastPartial;
                attempt = 0;
                scheduleFlush();
            }
            case "done" -> {
                // done is the terminal record: its seq is the last token's, or the one after it.
                long seq = data.path("seq").asLong(-1);
                if (seq > lastSeq + 1) {
                    resync(c, "sequence_gap");
                    return;
                }
                c.abort();
                c.ended = true;
                complete(data.path("final"));
            }
            case "error" -> {
                c.ended = true;
                fail(data.path("reason").asText("error"), null);
            }
            default -> {
                // other event types are not part of the protocol this client knows; ignored
            }
        }
    }

    private void scheduleFlush() {
        if (batchWindow.isZero()) {
            flush();
        } else if (flushTask == null) {
            flushTask = loop.schedule(this::flush, batchWindow.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void flush() {
        if (flushTask != null) flushTask.cancel(false);
        flushTask = null;
        if (pendingText.length() > 0) {
            String delta = pendingText.toString();
            pendingText.setLength(0);
            notify(() -> listener.onText(delta));
        }
        if (pendingPartial != null) {
            JsonNode p = pendingPartial;
            pendingPartial = null;
            notify(() -> listener.onPartial(p));
        }
    }

    private void enter(State next) {
        if (state == next) return;
        state = next;
        notify(() -> listener.onState(next));
    }

    private void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "coach stream listener threw; ignored", e);
        }
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        if (t instanceof TimeoutException || t instanceof java.net.http.HttpTimeoutException) return "timeout";
        return t.getClass().getSimpleName();
    }

    private static java.util.Optional<Duration> seconds(String value) {
        try {
            return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException httpDate) {
            return java.util.Optional.empty();
        }
    }

    /** One HTTP exchange: receives body bytes on the HTTP client's threads, hands them to the loop. */
    private final class Connection implements Flow.Subscriber<List<ByteBuffer>> {
        final SseParser parser;
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer carry = ByteBuffer.allocate(0);
        volatile Flow.Subscription subscription;
        volatile CompletableFuture<HttpResponse<Void>> future;
        boolean ended;
        volatile boolean eventStream;

        Connection() {
            Connection self = this;
            this.parser = new SseParser(new SseParser.Handler() {
                @Override
                public void onEvent(SseEvent event) {
                    CoachStream.this.onEvent(self, event);
                }

                @Override
                public void onRetry(long millis) {
                    retryBase = Duration.ofMillis(millis);
                }
            }, lastSeq >= 0 ? Long.toString(lastSeq) : "");
        }

        void abort() {
            Flow.Subscription s = subscription;
            if (s != null) s.cancel();
            CompletableFuture<HttpResponse<Void>> f = future;
            if (f != null) f.cancel(true);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            List<ByteBuffer> copies = new ArrayList<>(buffers.size());
            for (ByteBuffer b : buffers) {
                ByteBuffer copy = ByteBuffer.allocate(b.remaining());
                copy.put(b).flip();
                copies.add(copy);
            }
            try {
                loop.execute(() -> received(this, decode(copies)));
            } catch (java.util.concurrent.RejectedExecutionException finished) {
                Flow.Subscription s = subscription;
                if (s != null) s.cancel();
            }
        }

        /** UTF-8 decoding across chunk boundaries: an incomplete trailing sequence waits for the next chunk. */
        private String decode(List<ByteBuffer> buffers) {
            int size = carry.remaining();
            for (ByteBuffer b : buffers) size += b.remaining();
            ByteBuffer in = ByteBuffer.allocate(size);
            in.put(carry);
            for (ByteBuffer b : buffers) in.put(b);
            in.flip();
            CharBuffer out = CharBuffer.allocate(size + 1);
            decoder.decode(in, out, false);
            carry = in.slice();
            out.flip();
            return out.toString();
        }

        @Override
        public void onError(Throwable t) {
            // reported through the response future
        }

        @Override
        public void onComplete() {
            // reported through the response future
        }
    }

    public static final class Builder {
        private final URI uri;
        private HttpClient http;
        private Supplier<String> bearer;
        private Supplier<String> ticket;
        private Listener listener = new Listener() {};
        private Duration batchWindow = Duration.ofMillis(16);
        private Duration idleTimeout = Duration.ofSeconds(45);
        private Duration stallTimeout = Duration.ZERO;
        private Backoff backoff = Backoff.defaults();
        private int maxAttempts = 8;
        private Random random = new Random();
        private long lastEventId = -1;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri);
        }

        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        /** An access token for the Authorization header, asked for on every (re)connection. */
        public Builder bearer(Supplier<String> token) {
            this.bearer = token;
            return this;
        }

        /** A stream ticket for {@code ?ticket=}, asked for on every (re)connection (tickets are short-lived). */
        public Builder ticket(Supplier<String> ticket) {
            this.ticket = ticket;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** How long text deltas and partials are coalesced before one callback; zero = every event. Default 16 ms (a frame). */
        public Builder batchWindow(Duration window) {
            this.batchWindow = requireNonNegative(window);
            return this;
        }

        /** A connection silent for this long (the server sends a heartbeat every 15 s) is dropped and resumed. Default 45 s. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = requireNonNegative(timeout);
            return this;
        }

        /**
         * Ends the stream in {@code ERROR "stalled"} when no new token arrives for this long,
         * heartbeats and reconnections notwithstanding. Zero (the default) = never.
         */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = requireNonNegative(timeout);
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Reconnection attempts in a row without receiving anything before giving up. Default 8. */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** The jitter source (seed it in tests). */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Resume a stream whose text up to {@code seq} the caller already has. */
        public Builder resumeAfter(long seq) {
            this.lastEventId = seq;
            return this;
        }

        public CoachStream build() {
            return new CoachStream(this);
        }

        private static Duration requireNonNegative(Duration d) {
            if (d.isNegative()) throw new IllegalArgumentException("must not be negative");
            return d;
        }
    }
}
