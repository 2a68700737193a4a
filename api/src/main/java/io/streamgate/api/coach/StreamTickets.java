package io.streamgate.api.coach;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stream tickets for EventSource, which cannot send an Authorization header: an HMAC-SHA256
 * signed statement "user U may read the events of session S until T". Stateless (any API
 * instance verifies it), short-lived, valid for one session only; reusable until it expires
 * because EventSource reconnects with the same URL. Tickets travel in the query string, and
 * the access log records paths without it, so they are never logged.
 */
final class StreamTickets {
    private static final String VERSION = "t1";

    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;

    StreamTickets(String secret, Duration ttl, Clock clock) {
        this.key = secret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.clock = clock;
    }

    record Issued(String ticket, Instant expiresAt) {}

    Issued issue(UUID user, UUID session) {
        Instant expires = clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String body = VERSION + "." + session + "." + user + "." + expires.getEpochSecond();
        return new Issued(body + "." + sign(body), expires);
    }

    /** The user a valid ticket for {@code session} names, or null (expired, forged, other session). */
    UUID verify(String ticket, UUID session) {
        if (ticket == null || ticket.length() > 256) return null;
        int cut = ticket.lastIndexOf('.');
        if (cut < 0) return null;
        String body = ticket.substring(0, cut);
        byte[] given = ticket.substring(cut + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, sign(body).getBytes(StandardCharsets.US_ASCII))) return null;
        String[] parts = body.split("\\.");
        if (parts.length != 4 || !parts[0].equals(VERSION) || !parts[1].equals(session.toString())) return null;
        try {
            if (clock.instant().getEpochSecond() > Long.parseLong(parts[3])) return null;
            return UUID.fromString(parts[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
