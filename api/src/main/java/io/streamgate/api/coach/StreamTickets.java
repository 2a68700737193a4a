package io.streamgate.api.coach;

import io.streamgate.platform.config.Env;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stream tickets for EventSource, which cannot send an Authorization header: an HMAC-SHA256
 * signed statement "user U, signed in as session F, may read the events of coach session S
 * until T". Stateless (any API instance verifies it), short-lived, valid for one coach session
 * only; reusable until it expires because EventSource reconnects with the same URL. Tickets
 * travel in the query string, and the access log records paths without it, so they are never
 * logged.
 *
 * <p>F is the refresh family (the {@code sid}) of the access token the ticket was exchanged for:
 * the ticket dies with that sign-in (logout, logout-all, reuse), which the caller checks against
 * the revocation feed. A ticket never outlives that access token either. Each ticket carries a
 * random nonce, so two minted in the same second are still two tickets (a page that asks for a
 * new one gets a new one).
 */
final class StreamTickets {
    /** t2 added the family; a t1 ticket (at most one TTL old at an upgrade) is refused. */
    private static final String VERSION = "t2";
    static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    /**
     * A ticket sits in a URL (browser history, a proxy's log), and the revocation feed remembers a
     * revoked session only an access-token lifetime after the revocation: a few minutes keeps both
     * well covered while any reconnect EventSource makes still finds its ticket valid.
     */
    static final Duration MAX_TTL = Duration.ofMinutes(5);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;

    StreamTickets(String secret, Duration ttl, Clock clock) {
        if (ttl.compareTo(MAX_TTL) > 0) throw new IllegalArgumentException("stream ticket TTL " + ttl + " exceeds " + MAX_TTL);
        this.key = secret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.clock = clock;
    }

    /** {@code COACH_TICKET_TTL}, refused above {@link #MAX_TTL}. */
    static Duration ttl(Env env) {
        Duration ttl = env.duration("COACH_TICKET_TTL", DEFAULT_TTL, false);
        if (ttl.compareTo(MAX_TTL) > 0) {
            env.problem("COACH_TICKET_TTL must be at most " + MAX_TTL.toMinutes() + "m (a stream ticket travels in URLs; "
                    + "EventSource needs it only to reconnect), got " + ttl.toSeconds() + "s");
            return MAX_TTL;
        }
        return ttl;
    }

    record Issued(String ticket, Instant expiresAt) {}

    /** What a valid ticket names. */
    record Ticket(UUID user, String family) {}

    /**
     * @param family the refresh family of the access token the ticket is exchanged for
     * @param accessExpiresAt that token's expiry: the ticket ends then at the latest
     */
    Issued issue(UUID user, UUID session, String family, Instant accessExpiresAt) {
        Instant expires = clock.instant().plus(ttl);
        if (accessExpiresAt != null && accessExpiresAt.isBefore(expires)) expires = accessExpiresAt;
        expires = expires.truncatedTo(ChronoUnit.SECONDS);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String body = VERSION + "." + session + "." + user + "." + B64.encodeToString(family.getBytes(StandardCharsets.UTF_8))
                + "." + expires.getEpochSecond() + "." + B64.encodeToString(nonce);
        return new Issued(body + "." + sign(body), expires);
    }

    /** What a valid ticket for {@code session} names, or null (expired, forged, other session, old format). */
    Ticket verify(String ticket, UUID session) {
        if (ticket == null || ticket.length() > 512) return null;
        int cut = ticket.lastIndexOf('.');
        if (cut < 0) return null;
        String body = ticket.substring(0, cut);
        byte[] given = ticket.substring(cut + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, sign(body).getBytes(StandardCharsets.US_ASCII))) return null;
        String[] parts = body.split("\\.", -1);
        if (parts.length != 6 || !parts[0].equals(VERSION) || !parts[1].equals(session.toString())) return null;
        try {
            if (clock.instant().getEpochSecond() > Long.parseLong(parts[4])) return null;
            String family = new String(B64D.decode(parts[3]), StandardCharsets.UTF_8);
            if (family.isEmpty()) return null;
            return new Ticket(UUID.fromString(parts[2]), family);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
