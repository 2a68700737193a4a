package io.streamgate.api.coach;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One event stream written with the Servlet non-blocking API: frames are queued and written
 * only while {@link ServletOutputStream#isReady()}; when the socket is full the container
 * calls {@link #onWritePossible()} later. No thread is held per stream and a slow client
 * never blocks the hub, the replay pool or the scheduler that produce frames: it only grows
 * its own queue, and is dropped when that passes {@link #MAX_QUEUED_BYTES}.
 */
final class SseConnection implements WriteListener {
    static final int MAX_QUEUED_BYTES = 4 << 20;

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean needsFlush;
    private boolean closing;
    private boolean closed;
    private Runnable onClose = () -> {};

    SseConnection(AsyncContext async, ServletOutputStream out) {
        this.async = async;
        this.out = out;
    }

    /** Starts non-blocking mode; the container calls {@link #onWritePossible} once it can write. */
    void start(Runnable onClose) {
        this.onClose = onClose;
        async.setTimeout(0);
        out.setWriteListener(this);
    }

    /** Completes when the stream ended (normally or because the client went away). */
    CompletableFuture<Void> finished() {
        return finished;
    }

    synchronized boolean open() {
        return !closed && !closing;
    }

    void send(String frame) {
        send(frame.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void send(byte[] frame) {
        if (closed || closing) return;
        queue.add(frame);
        queuedBytes += frame.length;
        if (queuedBytes > MAX_QUEUED_BYTES) {
            fail();
            return;
        }
        drain();
    }

    /** Ends the stream once everything queued has been written. */
    synchronized void close() {
        if (closed || closing) return;
        closing = true;
        drain();
    }

    @Override
    public synchronized void onWritePossible() {
        drain();
    }

    @Override
    public synchronized void onError(Throwable t) {
        fail();
    }

    private void drain() {
        if (closed) return;
        try {
            while (out.isReady()) {
                if (!queue.isEmpty()) {
                    out.write(takeAll());
                    needsFlush = true;
                } else if (needsFlush) {
                    needsFlush = false;
                    out.flush();
                } else {
                    if (closing) finish();
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            fail();
        }
    }

    private byte[] takeAll() {
        if (queue.size() == 1) {
            queuedBytes = 0;
            return queue.poll();
        }
        byte[] all = new byte[queuedBytes];
        int at = 0;
        for (byte[] b : queue) {
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        queue.clear();
        queuedBytes = 0;
        return all;
    }

    /**
     * Marks the stream closed; the callbacks (unsubscribe, Javalin completing the response) run
     * on another thread, outside this connection's lock, so lock order stays stream → connection.
     */
    private void finish() {
        closed = true;
        Runnable callback = onClose;
        java.util.concurrent.ForkJoinPool.commonPool().execute(() -> {
            try {
                callback.run();
            } finally {
                finished.complete(null);
            }
        });
    }

    private void fail() {
        if (closed) return;
        queue.clear();
        queuedBytes = 0;
        finish();
    }
}
