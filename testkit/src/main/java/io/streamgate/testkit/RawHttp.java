package io.streamgate.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a real client refuses to send: NUL and other raw
 * bytes in the request line and headers, a body that is not what its headers say, a body that
 * stops half way. One request per connection ({@code Connection: close} is the caller's to
 * send); the answer is read to the end of the connection.
 */
public final class RawHttp {
    private RawHttp() {}

    /**
     * What came back. {@code status} is 0 when the server closed (or reset) the connection
     * without an answer; {@code hung} when nothing ended within the wait.
     */
    public record Response(int status, Map<String, String> headers, byte[] body, boolean hung) {
        /** A header by its case-insensitive name, or "" when absent. */
        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean closedWithoutAnswer() {
            return status == 0 && !hung;
        }

        @Override
        public String toString() {
            if (hung) return "no answer and the connection still open";
            if (status == 0) return "connection closed without an answer";
            String text = text();
            return status + " " + header("content-type") + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    /** Sends {@code head} and {@code body} as given, then reads until the server closes; at most {@code wait}. */
    public static Response exchange(String host, int port, byte[] head, byte[] body, Duration wait) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout((int) wait.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head);
                if (body != null) out.write(body);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before it has read everything (413): read what it said.
            }
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) received.write(buffer, 0, n);
        } catch (SocketTimeoutException e) {
            return new Response(0, Map.of(), received.toByteArray(), true);
        } catch (IOException e) {
            // A reset after the answer was sent still leaves the answer readable below.
        }
        return parse(received.toByteArray());
    }

    private static Response parse(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (!all.startsWith("HTTP/1.") || end < 0) return new Response(0, Map.of(), bytes, false);
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        boolean chunked = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        return new Response(status, headers, chunked ? dechunk(rest) : rest, false);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = indexOf(body, i);
            if (lineEnd < 0) break;
            String sizeLine = new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";", 2)[0].trim();
            int size = sizeLine.isEmpty() ? 0 : Integer.parseInt(sizeLine, 16);
            if (size == 0) break;
            int start = lineEnd + 2;
            out.write(body, start, Math.min(size, body.length - start));
            i = start + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') return i;
        }
        return -1;
    }
}
