package io.streamgate.platform.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /openapi.json}: the HTTP contract, a hand-written resource
 * ({@code openapi/openapi.json}) served as it is. Every role serves the whole document (see
 * its {@code $comment}). Its bytes only change with a release, so it is cacheable by anyone
 * for a while and revalidated by a strong ETag of its bytes.
 */
public final class OpenApiDocument {
    public static final String RESOURCE = "openapi/openapi.json";
    public static final String PATH = "/openapi.json";

    private static final byte[] BYTES = load();
    private static final String ETAG = etag(BYTES);

    private OpenApiDocument() {}

    /** The document's bytes (UTF-8 JSON), for tests and tools. */
    public static byte[] bytes() {
        return BYTES.clone();
    }

    static void route(JavalinConfig config) {
        config.routes.get(PATH, OpenApiDocument::serve);
    }

    private static void serve(Context ctx) {
        ctx.header("ETag", ETAG);
        ctx.header("Cache-Control", "public, max-age=300");
        if (ETAG.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("application/json").result(BYTES);
    }

    private static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("no " + RESOURCE + " on the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
