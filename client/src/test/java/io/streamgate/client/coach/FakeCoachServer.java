package io.streamgate.client.coach;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HttpServer speaking the coach SSE protocol for one scripted answer: tokens 1..n, a
 * {@code retry:} line, token batches of 1–3 tokens each followed by a partial, then done.
 * Each connection follows its {@link Script} (drop after k events, possibly mid-frame; answer
 * with a status; go silent; fail with an error event), so tests choose where streams break.
 */
final class FakeCoachServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    static final int BEFORE_DONE = Integer.MAX_VALUE;

    /** What connection number i (0-based) does. */
    record Script(int status, int dropAfterEvents, boolean dropMidFrame, boolean hangAfterDrop, Integer errorAtSeq, boolean heartbeats) {
        Script(int status, int dropAfterEvents, boolean dropMidFrame, boolean hangAfterDrop, Integer errorAtSeq) {
            this(status, dropAfterEvents, dropMidFrame, hangAfterDrop, errorAtSeq, false);
        }

        /** Stops producing tokens after {@code events} events but keeps sending heartbeats. */
        static Script heartbeatsOnlyAfter(int events) {
            return new Script(200, events, false, true, null, true);
        }

        static Script complete() {
            return new Script(200, -1, false, false, null);
        }

        static Script dropAfter(int events, boolean midFrame) {
            return new Script(200, events, midFrame, false, null);
        }

        static Script hangAfter(int events) {
            return new Script(200, events, false, true, null);
        }

        static Script status(int status) {
            return new Script(status, -1, false, false, null);
        }

        static Script errorAt(int seq) {
            return new Script(200, -1, false, false, seq);
        }
    }

    final List<String> tokens;
    final String answer;
    final Long retryMillis;
    private final List<Script> scripts;
    private final Random random;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean replayLastBatch;
    final List<String> lastEventIds = Collections.synchronizedList(new ArrayList<>());
    final List<String> tickets = Collections.synchronizedList(new ArrayList<>());
    final Map<Integer, String> authorizations = new ConcurrentHashMap<>();

    FakeCoachServer(String answer, long seed, Long retryMillis, List<Script> scripts) throws IOException {
        this.answer = answer;
        this.random = new Random(seed);
        this.tokens = split(answer, random);
        this.retryMillis = retryMillis;
        this.scripts = scripts;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/v1/coach/sessions/s1/events", this::events);
        server.start();
    }

    /** A misbehaving server: on resume it first sends again the batch that ended at Last-Event-ID. */
    FakeCoachServer replayingLastBatch() {
        this.replayLastBatch = true;
        return this;
    }

    URI eventsUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/coach/sessions/s1/events");
    }

    int connections() {
        return connections.get();
    }

    /** Splits text into tokens of 1–4 code points (never inside a surrogate pair). */
    static List<String> split(String text, Random random) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int n = 1 + random.nextInt(4);
            int end = i;
            for (int k = 0; k < n && end < text.length(); k++) end = text.offsetByCodePoints(end, 1);
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }

    private void events(HttpExchange ex) throws IOException {
        int index = connections.getAndIncrement();
        Script script = index < scripts.size() ? scripts.get(index) : Script.complete();
        String lastEventId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        lastEventIds.add(lastEventId);
        String query = ex.getRequestURI().getRawQuery();
        if (query != null && query.startsWith("ticket=")) tickets.add(query.substring("ticket=".length()));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) authorizations.put(index, auth);
        if (script.status() != 200) {
            byte[] body = "{\"status\":%d}".formatted(script.status()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/problem+json");
            ex.sendResponseHeaders(script.status(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        try {
            if (retryMillis != null) write(out, "retry: " + retryMillis + "\n\n", false);
            int from = lastEventId == null ? 1 : Integer.parseInt(lastEventId) + 1;
            int events = 0;
            List<int[]> batches = new ArrayList<>();
            synchronized (random) {
                int s = from;
                while (s <= tokens.size()) {
                    int to = Math.min(tokens.size(), s + random.nextInt(3));
                    batches.add(new int[] {s, to});
                    s = to + 1;
                }
            }
            if (replayLastBatch && lastEventId != null && from > 1) {
                int start = Math.max(1, from - 2);
                write(out, tokenFrame(start, from - 1), false);
            }
            for (int[] b : batches) {
                if (script.errorAtSeq() != null && b[0] > script.errorAtSeq()) {
                    write(out, frame("error", Integer.toString(b[0] - 1),
                            JSON.createObjectNode().put("seq", b[0] - 1).put("reason", "model_failed")), false);
                    return;
                }
                if (events == script.dropAfterEvents()) {
                    drop(out, script, tokenFrame(b[0], b[1]));
                    return;
                }
                write(out, tokenFrame(b[0], b[1]), true);
                events++;
                if (events == script.dropAfterEvents()) {
                    drop(out, script, partialFrame(b[1]));
                    return;
                }
                write(out, partialFrame(b[1]), false);
                events++;
            }
            if (events == script.dropAfterEvents() || script.dropAfterEvents() == BEFORE_DONE) {
                drop(out, script, doneFrame());
                return;
            }
            write(out, ": heartbeat\n\n", false);
            write(out, doneFrame(), true);
        } catch (IOException clientWentAway) {
            // the client dropped this connection (idle timeout, cancel): nothing to do
        } finally {
            ex.close();
        }
    }

    private void drop(OutputStream out, Script script, String next) throws IOException {
        if (script.dropMidFrame()) {
            byte[] bytes = next.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
        }
        if (script.hangAfterDrop()) {
            try {
                while (!stopping.await(script.heartbeats() ? 20 : 60_000, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (script.heartbeats()) write(out, ": heartbeat\n\n", false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String tokenFrame(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int s = from; s <= to; s++) text.append(tokens.get(s - 1));
        ObjectNode data = JSON.createObjectNode().put("seq_from", from).put("seq_to", to).put("text", text.toString());
        return frame("token", Integer.toString(to), data);
    }

    String partialFrame(int seq) {
        ObjectNode value = JSON.createObjectNode().put("chars_so_far", String.join("", tokens.subList(0, seq)).length());
        ObjectNode data = JSON.createObjectNode().put("seq", seq);
        data.set("value", value);
        return frame("partial", null, data);
    }

    String doneFrame() throws IOException {
        // As the real server does: the terminal record has the sequence number after the last token.
        int seq = tokens.size() + 1;
        ObjectNode data = JSON.createObjectNode().put("seq", seq);
        data.set("final", JSON.readTree(answer));
        return frame("done", Integer.toString(seq), data);
    }

    private static String frame(String event, String id, ObjectNode data) {
        try {
            return "event: " + event + "\n" + (id == null ? "" : "id: " + id + "\n") + "data: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a frame, sometimes as two chunks split at an arbitrary byte (inside a UTF-8 sequence too). */
    private void write(OutputStream out, String frame, boolean splitBytes) throws IOException {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        if (splitBytes && bytes.length > 2) {
            int cut;
            synchronized (random) {
                cut = 1 + random.nextInt(bytes.length - 1);
            }
            out.write(bytes, 0, cut);
            out.flush();
            out.write(bytes, cut, bytes.length - cut);
        } else {
            out.write(bytes);
        }
        out.flush();
    }

    @Override
    public void close() {
        stopping.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
