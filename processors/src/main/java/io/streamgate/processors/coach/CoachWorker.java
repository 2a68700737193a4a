package io.streamgate.processors.coach;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.PollingThreads;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachAnswers;
import io.streamgate.schemas.coach.CoachOutput;
import io.streamgate.schemas.coach.CoachRequest;
import io.streamgate.schemas.coach.CoachTopics;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes coach requests and generates answers on a worker pool. Why a plain consumer and
 * an executor rather than Kafka Streams: a generation holds a thread for seconds (model
 * pace, LLM latency), which must never block a Streams thread (it would miss polls and
 * stall every other task), and each output token must be visible to readers as soon as it
 * is acknowledged, which an exactly-once transaction would hold back until commit.
 *
 * <p>Each token is one record on {@link CoachTopics#OUTPUT} (acks=all, idempotent), keyed by
 * session, seq 1..n; then one terminal record: {@code done} with the strictly validated
 * answer, or {@code error} with a code and a generic reason (the tokens already written stay;
 * the model's own error text is logged, never written for users). The request's
 * offset is committed when its generation is handed to the pool (at-most-once generation):
 * a worker crash mid-answer leaves that session without a terminal record instead of writing
 * a second, different answer under the same sequence numbers.
 *
 * <p>Backpressure: at most {@code COACH_WORKER_THREADS} generations run; when all are busy
 * the consumer pauses its partitions (it keeps polling, so the group does not evict it).
 */
public final class CoachWorker implements Component {
    /** How long a terminal status waits for its session row to commit (see updateSession). */
    static final Duration ROW_WAIT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(CoachWorker.class);
    static final String GROUP = "streamgate-coach-worker";

    private final Platform platform;
    private final CoachModel model;
    private final int threads;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Semaphore slots;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private ExecutorService pool;
    private Thread pollThread;
    private KafkaClientMetrics consumerMetrics;
    private KafkaClientMetrics producerMetrics;
    private final Counter sessionsDone;
    private final Counter sessionsFailed;

    public CoachWorker(Platform platform, CoachModel model, int threads) {
        this.platform = platform;
        this.model = model;
        this.threads = threads;
        this.clock = platform.clock();
        this.slots = new Semaphore(threads);
        this.sessionsDone = Counter.builder("coach.sessions").tag("outcome", "done").register(platform.metrics());
        this.sessionsFailed = Counter.builder("coach.sessions").tag("outcome", "error").register(platform.metrics());
    }

    /** The worker as configured by the environment (offline model unless COACH_LLM_URL is set). */
    public static CoachWorker fromEnv(Platform platform) {
        CoachWorkerSettings settings = CoachWorkerSettings.from(platform.env());
        return new CoachWorker(platform, settings.model(), settings.workerThreads());
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(platform.kafka().consumer("coach-worker-requests", GROUP));
        producer = new KafkaProducer<>(platform.kafka().producer("coach-worker-output"));
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(platform.metrics());
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(platform.metrics());
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "coach-generate");
            t.setDaemon(true);
            return t;
        });
        consumer.subscribe(List.of(CoachTopics.REQUESTS.name()));
        running.set(true);
        pollThread = new Thread(this::pollLoop, "coach-worker-poll");
        pollThread.setDaemon(true);
        pollThread.start();
        platform.health().register("coach-worker", () -> running.get() && pollThread.isAlive());
        log.info("coach worker started: model {}, {} generation threads", model.name(), threads);
    }

    private void pollLoop() {
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    // Waits for a free slot; partitions are paused meanwhile so poll() keeps the membership alive.
                    while (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        if (!running.get()) return;
                        consumer.pause(consumer.assignment());
                        consumer.poll(Duration.ZERO);
                    }
                    consumer.resume(consumer.paused());
                    CoachRequest request;
                    try {
                        request = CoachTopics.REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        log.warn("skipping an unreadable coach request at {}-{}@{}", record.topic(), record.partition(), record.offset());
                        slots.release();
                        continue;
                    }
                    pool.execute(() -> {
                        try {
                            generate(request);
                        } finally {
                            slots.release();
                        }
                    });
                }
                if (!records.isEmpty()) consumer.commitSync();
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("coach worker poll loop stopped", e);
            running.set(false);
        }
    }

    /**
     * Why a generation failed, as users see it: on the stream's {@code error} event and in the
     * session's {@code error_reason}. Generic on purpose: the model's own exception text (a
     * provider's error body, a host name, a stack of causes) goes to the log only.
     */
    enum Failure {
        model_failed("the coach could not finish this answer; ask again"),
        token_limit("the answer reached the token limit before it was complete; try a shorter prompt"),
        interrupted("generation was interrupted (the worker is shutting down); ask again"),
        invalid_answer("the answer is not valid"),
        output_unavailable("output could not be written");

        final String message;

        Failure(String message) {
            this.message = message;
        }
    }

    /** Generates one session's answer into the output topic; never throws. */
    void generate(CoachRequest request) {
        UUID session = request.sessionId();
        byte[] key = session.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long[] seq = {0};
        markStreaming(session);
        Failure failure = null;
        try {
            model.generate(request, token -> {
                if (sendFailure.get() != null) throw sendFailure.get();
                seq[0]++;
                text.append(token);
                send(key, CoachOutput.token(session, seq[0], token, clock.instant()), sendFailure);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = Failure.interrupted;
        } catch (CoachModel.TokenLimitReached e) {
            log.info("coach session {}: {} after {} tokens", session, e.getMessage(), seq[0]);
            failure = Failure.token_limit;
        } catch (Exception e) {
            if (sendFailure.get() == null) log.warn("coach session {}: model {} failed after {} tokens: {}", session, model.name(), seq[0], excerpt(e));
            failure = Failure.model_failed;
        }
        if (sendFailure.get() != null) {
            log.warn("coach session {}: output could not be written ({})", session, sendFailure.get().toString());
            markTerminal(session, "error", null, Failure.output_unavailable.message);
            sessionsFailed.increment();
            return;
        }
        CoachOutput terminal;
        if (failure == null) {
            List<String> problems = CoachAnswers.strictProblems(text.toString());
            if (problems.isEmpty()) {
                try {
                    terminal = CoachOutput.done(session, seq[0] + 1, Json.mapper().readTree(text.toString()), clock.instant());
                } catch (Exception e) {
                    terminal = error(session, seq[0] + 1, Failure.invalid_answer, "the answer is not valid JSON");
                }
            } else {
                // The schema's verdict on text the user has already seen: it names no one else's words.
                terminal = error(session, seq[0] + 1, Failure.invalid_answer, "the answer does not match the answer schema: " + problems.get(0));
            }
        } else {
            terminal = error(session, seq[0] + 1, failure, failure.message);
        }
        try {
            RecordMetadata ignored = send(key, terminal, sendFailure).get(30, TimeUnit.SECONDS);
            markTerminal(session, terminal.type().name(), terminal.seq(), terminal.reason());
            (terminal.type() == CoachOutput.Type.done ? sessionsDone : sessionsFailed).increment();
        } catch (Exception e) {
            log.warn("coach session {}: terminal record could not be written ({})", session, e.toString());
            markTerminal(session, "error", null, Failure.output_unavailable.message);
            sessionsFailed.increment();
        }
    }

    private CoachOutput error(UUID session, long seq, Failure failure, String reason) {
        return CoachOutput.error(session, seq, failure.name(), reason, clock.instant());
    }

    /** An exception and its causes on one bounded line: enough to diagnose, never a wall of provider text. */
    private static String excerpt(Throwable e) {
        StringBuilder line = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && cause != e && line.length() < 1000; cause = cause.getCause()) {
            line.append(" <- ").append(cause);
        }
        String text = line.toString().replaceAll("\\p{Cntrl}", " ");
        return text.length() > 1000 ? text.substring(0, 1000) + "…" : text;
    }

    private Future<RecordMetadata> send(byte[] key, CoachOutput output, AtomicReference<Exception> failure) {
        byte[] value = CoachTopics.OUTPUT.valueSerde().serializer().serialize(CoachTopics.OUTPUT.name(), output);
        return producer.send(new ProducerRecord<>(CoachTopics.OUTPUT.name(), key, value), (md, e) -> {
            if (e != null) failure.compareAndSet(null, e);
        });
    }

    /** Status in Postgres is informational (GET /v1/coach/sessions/{id}); Kafka is the stream's truth. */
    private void markStreaming(UUID session) {
        updateSession(session, "update coach_sessions set status = 'streaming', updated_at = now() where id = ? and status = 'queued'",
                ps -> ps.setObject(1, session), false);
    }

    private void markTerminal(UUID session, String status, Long lastSeq, String reason) {
        updateSession(session, "update coach_sessions set status = ?, last_seq = ?, error_reason = ?, updated_at = now() where id = ?", ps -> {
            ps.setString(1, status);
            ps.setObject(2, lastSeq);
            ps.setString(3, reason);
            ps.setObject(4, session);
        }, true);
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws java.sql.SQLException;
    }

    /**
     * The API commits the session's row just after the broker acknowledges its request, so a
     * fast worker (an answer that fails at once) can get here first and find no row. A terminal
     * status is tried again until the row appears, for up to {@link #ROW_WAIT}: dropped, it
     * would leave the session "queued" for good. The streaming mark is not worth the wait.
     */
    private void updateSession(UUID session, String sql, Binder binder, boolean waitForRow) {
        long deadline = System.nanoTime() + ROW_WAIT.toNanos();
        long pause = 10;
        try {
            while (true) {
                int updated = platform.db().inWorkerTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        binder.bind(ps);
                        return ps.executeUpdate();
                    }
                });
                if (updated > 0 || !waitForRow) return;
                if (System.nanoTime() > deadline) {
                    log.warn("coach session {}: no session row after {} s (its creation was rolled back?); status not recorded",
                            session, ROW_WAIT.toSeconds());
                    return;
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("coach session {}: status not updated ({})", session, e.toString());
        }
    }

    @Override
    public void close() {
        running.set(false);
        PollingThreads.stop(consumer, pollThread, Duration.ofSeconds(5));
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumerMetrics != null) consumerMetrics.close();
        if (producerMetrics != null) producerMetrics.close();
        if (consumer != null) consumer.close(Duration.ofSeconds(5));
        if (producer != null) producer.close(Duration.ofSeconds(10));
    }
}
