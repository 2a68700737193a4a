package io.streamgate.api.coach;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy between the browser and the API that breaks event streams on purpose: each
 * planned {@link Fault} applies to the next {@code /events} request, which is either cut after
 * the given number of response bytes (the browser sees a dropped connection mid-stream) or
 * answered with a 503 without reaching the API. Everything else passes through untouched. The
 * request head of every events request is kept so tests can check how the browser resumed.
 */
final class DroppingProxy implements AutoCloseable {
    /**
     * tokenEvents >= 0: pass that many {@code token} events of the next stream, then cut the
     * connection a few bytes into the following frame, or into the {@code done} frame if that
     * comes first, so the browser never sees the end; tokenEvents < 0: answer 503 at once.
     */
    record Fault(int tokenEvents) {
        static Fault cutAfterTokenEvents(int events) {
            return new Fault(events);
        }

        static Fault unavailable() {
            return new Fault(-1);
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    final List<String> eventRequests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    DroppingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void plan(Fault... planned) {
        faults.addAll(List.of(planned));
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                Connection c = new Connection(client, upstream);
                start(c::requests, "proxy-requests");
                start(c::responses, "proxy-responses");
            } catch (IOException e) {
                if (!closed) System.err.println("proxy: " + e);
            }
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** One planned cut of one response stream: the stream so far as Latin-1 text, scanned for frame names. */
    private static final class Cut {
        final Fault fault;
        final StringBuilder seen = new StringBuilder();
        int scanFrom;
        int tokenFrames;

        Cut(Fault fault) {
            this.fault = fault;
        }

        /** Where to cut (an absolute offset into {@link #seen}), or -1 for not yet. */
        int position() {
            while (true) {
                int t = seen.indexOf("\nevent: ", scanFrom);
                if (t < 0 || t + 14 > seen.length()) {
                    // keep an incomplete frame name for the next read
                    scanFrom = t >= 0 ? t : Math.max(0, seen.length() - 8);
                    return -1;
                }
                String name = seen.substring(t + 8, t + 13);
                scanFrom = t + 8;
                if (name.startsWith("done")) return t + 10;
                if (name.equals("token") && ++tokenFrames > fault.tokenEvents()) return t + 10;
            }
        }
    }

    private final class Connection {
        final Socket client;
        final Socket upstream;
        volatile Cut cut;
        final AtomicBoolean done = new AtomicBoolean();

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void requests() {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = client.getInputStream(); OutputStream out = upstream.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    String head = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    if (head.startsWith("GET /v1/coach/sessions/") && head.substring(0, head.indexOf('\n') + 1).contains("/events")) {
                        eventRequests.add(head.substring(0, Math.max(0, head.indexOf("\r\n\r\n"))));
                        Fault f = faults.poll();
                        if (f != null && f.tokenEvents() < 0) {
                            client.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                                    + "Content-Length: 11\r\nConnection: close\r\n\r\nunavailable").getBytes(StandardCharsets.ISO_8859_1));
                            client.getOutputStream().flush();
                            shut();
                            return;
                        }
                        cut = f == null ? null : new Cut(f); // published before the request goes on
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // either side closed
            } finally {
                shut();
            }
        }

        void responses() {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    Cut c = cut;
                    if (c != null) {
                        c.seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                        int cutAt = c.position();
                        if (cutAt >= 0) {
                            int keep = Math.max(0, Math.min(n, cutAt - (c.seen.length() - n)));
                            out.write(buf, 0, keep);
                            out.flush();
                            shut(); // mid-frame
                            return;
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // either side closed
            } finally {
                shut();
            }
        }

        void shut() {
            if (!done.compareAndSet(false, true)) return;
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
