package io.streamgate.api.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.streamgate.schemas.Json;

/** Writes JSON bodies of the resources API with their entity tag. */
public final class Responses {
    private Responses() {}

    /**
     * A read: 304 with no body when the client's If-None-Match already names this tag.
     * User data may sit in the user's own (private) cache only, and must be revalidated.
     */
    public static void read(Context ctx, Object body, String etag) {
        cacheable(ctx, etag);
        if (ETags.noneMatchSatisfied(ctx, etag)) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType("application/json").result(bytes(body));
    }

    /** A list read: the tag is a digest of the body, so any change to any item changes it. */
    public static void readList(Context ctx, Object body) {
        byte[] bytes = bytes(body);
        String etag = ETags.ofBody(bytes);
        cacheable(ctx, etag);
        if (ETags.noneMatchSatisfied(ctx, etag)) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType("application/json").result(bytes);
    }

    public static void write(Context ctx, int status, Object body, String etag) {
        if (etag != null) ctx.header("ETag", etag);
        ctx.status(status).contentType("application/json").result(bytes(body));
    }

    private static void cacheable(Context ctx, String etag) {
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, no-cache");
        ctx.header("Vary", "Authorization, Accept-Encoding");
    }

    static byte[] bytes(Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
        }
    }
}
