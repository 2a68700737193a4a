package io.streamgate.client.coach.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the API that cuts connections after a planned number of response
 * bytes (anywhere: in the headers, mid-frame, mid-UTF-8 sequence): each new connection takes
 * the next planned cut; with none left it passes everything through.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final ConcurrentLinkedQueue<Long> cuts = new ConcurrentLinkedQueue<>();
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger cutsDone = new AtomicInteger();
    private volatile boolean closed;

    CuttingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void plan(List<Long> bytes) {
        cuts.addAll(bytes);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                connections.incrementAndGet();
                Long cut = cuts.poll();
                AtomicBoolean shut = new AtomicBoolean();
                Runnable close = () -> {
                    if (shut.compareAndSet(false, true)) {
                        quietly(client);
                        quietly(upstream);
                    }
                };
                pump(client, upstream, Long.MAX_VALUE, close);
                pump(upstream, client, cut == null ? Long.MAX_VALUE : cut, () -> {
                    if (cut != null && !shut.get()) cutsDone.incrementAndGet();
                    close.run();
                });
            } catch (IOException e) {
                if (!closed) System.err.println("proxy: " + e);
            }
        }
    }

    private static void pump(Socket from, Socket to, long limit, Runnable close) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            long sent = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    int keep = (int) Math.min(n, limit - sent);
                    out.write(buf, 0, keep);
                    out.flush();
                    sent += keep;
                    if (sent >= limit) break;
                }
            } catch (IOException ended) {
                // either side closed
            } finally {
                close.run();
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (sockets) {
            sockets.forEach(CuttingProxy::quietly);
        }
    }
}
