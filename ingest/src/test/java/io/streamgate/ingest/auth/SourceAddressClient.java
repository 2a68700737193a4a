package io.streamgate.ingest.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A real HTTP/1.1 client whose connections leave from a chosen loopback address (anything in
 * 127.0.0.0/8 reaches the server on 127.0.0.1), so a test can be a client on another network
 * without a proxy in between. The JDK's HttpClient cannot choose its source address on Java 17.
 */
final class SourceAddressClient {
    private final int port;
    private final String source;
    private final String userAgent;

    SourceAddressClient(int port, String source, String userAgent) {
        this.port = port;
        this.source = source;
        this.userAgent = userAgent;
    }

    Reply refresh(String refreshToken) {
        return post("/auth/refresh", Map.of("refresh_token", refreshToken));
    }

    Reply post(String path, Object body) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            byte[] json = Json.mapper().writeValueAsBytes(body);
            String head = "POST " + path + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "User-Agent: " + userAgent + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + json.length + "\r\n"
                    + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply parse(byte[] response) throws IOException {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) throw new IOException("no complete HTTP response: " + text);
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) chunked = true;
        }
        byte[] body = java.util.Arrays.copyOfRange(response, end + 4, response.length);
        if (chunked) body = dechunk(new java.io.ByteArrayInputStream(body));
        JsonNode json = body.length == 0 ? null : Json.mapper().readTree(body);
        return new Reply(status, json, null);
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) throw new IOException("truncated chunked body");
                if (c != '\r') size.append((char) c);
            }
            int semicolon = size.indexOf(";");
            int n = Integer.parseInt((semicolon < 0 ? size.toString() : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) return out.toByteArray();
            out.write(in.readNBytes(n));
            in.readNBytes(2);
        }
    }
}
