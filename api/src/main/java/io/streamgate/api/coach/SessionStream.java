package io.streamgate.api.coach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachAnswers;
import io.streamgate.schemas.coach.CoachOutput;
import io.streamgate.schemas.partial.PartialJsonParser;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns one session's output records into the events of one SSE connection.
 *
 * <p>Records arrive from the replay and from the live hub, possibly overlapping and
 * interleaved; they are applied strictly in sequence order, each exactly once (a record
 * ahead of the next expected seq waits in {@link #ahead}). Tokens at or below the client's
 * Last-Event-ID only feed the parser (so {@code partial} shows the whole answer), later ones
 * are batched: a batch goes out when the window closes, or early when it reaches the token or
 * size limit, and never straddles the resume point. Each batch is one {@code token} event
 * (id = its last seq) followed by a {@code partial} event with the answer parsed so far. The
 * parser is incremental, so a stream costs O(answer length) overall. The terminal record
 * flushes the batch and ends the stream with {@code done} (the strictly validated answer) or
 * {@code error}; invalid text ends it with {@code error} at the last seq. A stream that reaches
 * its maximum duration first flushes its batch, then ends with {@code reconnect} naming the
 * last seq it delivered, from which the client resumes.
 */
final class SessionStream {
    private final UUID session;
    private final long resumeAfter;
    private final SseConnection connection;
    private final CoachSettings settings;
    private final ScheduledExecutorService scheduler;
    private final PartialJsonParser parser = CoachAnswers.partialParser();
    private final StringBuilder answer = new StringBuilder();
    private final TreeMap<Long, CoachOutput> ahead = new TreeMap<>();
    private long nextSeq = 1;
    private long lastTokenSeq;
    private final StringBuilder batch = new StringBuilder();
    private long batchFrom;
    private long batchTo;
    private int batchTokens;
    private ScheduledFuture<?> flushTask;
    private ScheduledFuture<?> durationLimit;
    private long lastSentSeq;
    private boolean ended;

    SessionStream(UUID session, long resumeAfter, SseConnection connection, CoachSettings settings, ScheduledExecutorService scheduler) {
        this.session = session;
        this.resumeAfter = resumeAfter;
        this.connection = connection;
        this.settings = settings;
        this.scheduler = scheduler;
        this.lastSentSeq = resumeAfter;
    }

    /** Ends the stream with {@code reconnect} once it has been open for {@code max}. */
    synchronized void limitDuration(java.time.Duration max) {
        if (ended) return;
        durationLimit = scheduler.schedule(this::durationReached, max.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The stream has been open for its maximum duration: everything batched goes out, then a
     * {@code reconnect} event whose id and seq are the last token seq delivered, so both
     * EventSource (Last-Event-ID) and a client reading the data resume exactly there.
     */
    private synchronized void durationReached() {
        durationLimit = null;
        if (ended) return;
        flush();
        if (ended) return;
        ObjectNode data = Json.mapper().createObjectNode();
        data.put("seq", lastSentSeq);
        data.put("reason", "max_duration");
        event("reconnect", lastSentSeq > 0 ? lastSentSeq : -1, data);
        end();
    }

    /** A record from the replay or the hub, in any interleaving. */
    synchronized void accept(CoachOutput output) {
        if (ended || output.seq() < nextSeq) return;
        if (output.seq() > nextSeq) {
            ahead.put(output.seq(), output);
            return;
        }
        apply(output);
        nextSeq++;
        CoachOutput next;
        while (!ended && (next = ahead.remove(nextSeq)) != null) {
            apply(next);
            nextSeq++;
        }
    }

    /** The session ended but its output is no longer in Kafka (past coach.output retention). */
    synchronized void expired(long lastSeq) {
        if (ended) return;
        ObjectNode data = Json.mapper().createObjectNode();
        data.put("seq", lastSeq);
        data.put("code", "output_expired");
        data.put("reason", "the output of this session is no longer available (past its retention)");
        event("error", lastSeq, data);
        end();
    }

    synchronized boolean ended() {
        return ended;
    }

    /** The connection went away: stop timers. */
    synchronized void cancel() {
        ended = true;
        stopTimers();
        ahead.clear();
    }

    private void stopTimers() {
        if (flushTask != null) flushTask.cancel(false);
        if (durationLimit != null) durationLimit.cancel(false);
    }

    private void apply(CoachOutput output) {
        switch (output.type()) {
            case token -> {
                lastTokenSeq = output.seq();
                if (output.seq() <= resumeAfter) {
                    answer.append(output.text());
                    if (!parser.feed(output.text())) invalid(resumeAfter);
                    return;
                }
                if (batchTokens == 0) batchFrom = output.seq();
                batch.append(output.text());
                batchTo = output.seq();
                batchTokens++;
                if (batchTokens >= settings.maxBatchTokens() || batch.length() >= settings.maxBatchBytes() || settings.batchWindow().isZero()) {
                    flush();
                } else if (flushTask == null) {
                    flushTask = scheduler.schedule(this::flushFromTimer, settings.batchWindow().toNanos(), TimeUnit.NANOSECONDS);
                }
            }
            case done -> {
                flush();
                if (ended) return;
                if (output.seq() <= resumeAfter) {
                    end();
                    return;
                }
                List<String> problems = parser.complete() ? CoachAnswers.strictProblems(answer.toString()) : List.of("the answer is incomplete");
                if (!problems.isEmpty()) {
                    invalid(lastTokenSeq, problems.get(0));
                    return;
                }
                ObjectNode data = Json.mapper().createObjectNode();
                data.put("seq", output.seq());
                data.set("final", parser.result());
                event("done", output.seq(), data);
                end();
            }
            case error -> {
                flush();
                if (ended) return;
                if (output.seq() <= resumeAfter) {
                    end();
                    return;
                }
                ObjectNode data = Json.mapper().createObjectNode();
                data.put("seq", output.seq());
                // Records written before codes existed carry a reason only.
                data.put("code", output.code() == null ? "generation_failed" : output.code());
                data.put("reason", output.reason() == null ? "generation failed" : output.reason());
                event("error", output.seq(), data);
                end();
            }
        }
    }

    private synchronized void flushFromTimer() {
        flushTask = null;
        if (!ended) flush();
    }

    private void flush() {
        if (flushTask != null) {
            flushTask.cancel(false);
            flushTask = null;
        }
        if (batchTokens == 0 || ended) return;
        String text = batch.toString();
        batch.setLength(0);
        batchTokens = 0;
        answer.append(text);
        ObjectNode data = Json.mapper().createObjectNode();
        data.put("seq_from", batchFrom);
        data.put("seq_to", batchTo);
        data.put("text", text);
        event("token", batchTo, data);
        lastSentSeq = batchTo;
        if (!parser.feed(text)) {
            invalid(batchTo);
            return;
        }
        JsonNode value = parser.snapshot();
        if (value != null) {
            ObjectNode partial = Json.mapper().createObjectNode();
            partial.put("seq", batchTo);
            partial.set("value", value);
            event("partial", -1, partial);
        }
    }

    private void invalid(long lastSeq) {
        invalid(lastSeq, parser.error());
    }

    private void invalid(long lastSeq, String problem) {
        ObjectNode data = Json.mapper().createObjectNode();
        data.put("seq", lastSeq);
        data.put("code", "invalid_answer");
        data.put("reason", "the answer is not valid: " + problem);
        event("error", lastSeq, data);
        end();
    }

    private void event(String name, long id, JsonNode data) {
        StringBuilder frame = new StringBuilder(64 + data.size() * 16);
        frame.append("event: ").append(name).append('\n');
        if (id >= 0) frame.append("id: ").append(id).append('\n');
        // Jackson escapes every line break inside strings, so the JSON is one data line.
        frame.append("data: ").append(data.toString()).append("\n\n");
        connection.send(frame.toString());
    }

    private void end() {
        ended = true;
        stopTimers();
        ahead.clear();
        connection.close();
    }

    UUID session() {
        return session;
    }
}
