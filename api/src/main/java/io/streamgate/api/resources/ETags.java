package io.streamgate.api.resources;

import io.javalin.http.Context;
import io.streamgate.platform.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * Strong entity tags and the conditional headers that use them. A row's tag comes from its
 * id and version (every change bumps the version), so checking one needs no body; a list's
 * tag is a digest of the exact bytes sent.
 */
public final class ETags {
    private ETags() {}

    public static String of(UUID id, int version) {
        return "\"" + id + "." + version + "\"";
    }

    public static String ofBody(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored. */
    public static boolean noneMatchSatisfied(Context ctx, String etag) {
        String header = ctx.header("If-None-Match");
        if (header == null || header.isBlank()) return false;
        if (header.trim().equals("*")) return true;
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) tag = tag.substring(2);
            if (tag.equals(etag)) return true;
        }
        return false;
    }

    /**
     * If-Match uses the strong comparison: a weak tag never matches. No header means the
     * client does not ask for the check; a stale tag is 412 with the current tag, so the
     * client can re-read and retry.
     */
    public static void requireIfMatch(Context ctx, String currentEtag) {
        String header = ctx.header("If-Match");
        if (header == null || header.isBlank() || header.trim().equals("*")) return;
        for (String candidate : header.split(",")) {
            if (candidate.trim().equals(currentEtag)) return;
        }
        throw new ProblemException(412, "precondition_failed", "Precondition Failed",
                "the resource has changed since the If-Match version; read it again and retry")
                .header("ETag", currentEtag);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
