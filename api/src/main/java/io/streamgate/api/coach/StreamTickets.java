package io.streamgate.api.coach;

import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.SecretVersions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
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
 *
 * <p>Key versions ({@code COACH_TICKET_SECRET}, {@link SecretVersions}): a {@code t3} ticket names
 * the version that signed it inside what is signed, so any instance holding that version verifies
 * it and a rotation refuses no ticket. A {@code v1} signer mints {@code t2}, the format before
 * versions, which an older release still reads during a rolling upgrade.
 */
final class StreamTickets {
    /** t2 added the family; a t1 ticket (at most one TTL old at an upgrade) is refused. t2 is signed by key v1. */
    private static final String UNVERSIONED = "t2";
    /** t3 is t2 with the key version after the format: {@code t3.<key version>.<t2's fields>}. */
    private static final String VERSIONED = "t3";
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

    private final SecretVersions keys;
    private final Duration ttl;
    private final Clock clock;

    /** @param secret COACH_TICKET_SECRET, bare or versioned */
    StreamTickets(String secret, Duration ttl, Clock clock) {
        this(SecretVersions.of(secret), ttl, clock);
    }

    StreamTickets(SecretVersions keys, Duration ttl, Clock clock) {
        if (ttl.compareTo(MAX_TTL) > 0) throw new IllegalArgumentException("stream ticket TTL " + ttl + " exceeds " + MAX_TTL);
        this.keys = keys;
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
        SecretVersions.Version key = keys.signing();
        String body = (key.implicit() ? UNVERSIONED : VERSIONED + "." + key.id()) + "." + session + "." + user + "."
                + B64.encodeToString(family.getBytes(StandardCharsets.UTF_8)) + "." + expires.getEpochSecond() + "." + B64.encodeToString(nonce);
        return new Issued(body + "." + sign(key, body), expires);
    }

    /** What a valid ticket for {@code session} names, or null (expired, forged, other session, old format, key version not held). */
    Ticket verify(String ticket, UUID session) {
        if (ticket == null || ticket.length() > 512) return null;
        int cut = ticket.lastIndexOf('.');
        if (cut < 0) return null;
        String body = ticket.substring(0, cut);
        SecretVersions.Version key = keyVersion(body).flatMap(keys::get).orElse(null);
        if (key == null) return null;
        byte[] given = ticket.substring(cut + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, sign(key, body).getBytes(StandardCharsets.US_ASCII))) return null;
        String[] parts = body.split("\\.", -1);
        if (!key.implicit()) parts = Arrays.copyOfRange(parts, 1, parts.length); // t3.<version>. precedes t2's fields
        if (parts.length != 6 || !parts[1].equals(session.toString())) return null;
        try {
            if (clock.instant().getEpochSecond() > Long.parseLong(parts[4])) return null;
            String family = new String(B64D.decode(parts[3]), StandardCharsets.UTF_8);
            if (family.isEmpty()) return null;
            return new Ticket(UUID.fromString(parts[2]), family);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The key version a ticket names when this instance does not hold it, to say so in the
     * refusal (a version is no secret); empty for a ticket naming none or a known one.
     */
    Optional<String> unknownVersion(String ticket) {
        if (ticket == null || ticket.length() > 512) return Optional.empty();
        return keyVersion(ticket).filter(v -> keys.get(v).isEmpty());
    }

    /** The key version a ticket's format names: v1 for t2, the named one for t3; empty for anything else. */
    private static Optional<String> keyVersion(String ticket) {
        if (ticket.startsWith(UNVERSIONED + ".")) return Optional.of(SecretVersions.IMPLICIT);
        if (!ticket.startsWith(VERSIONED + ".")) return Optional.empty();
        int end = ticket.indexOf('.', VERSIONED.length() + 1);
        String version = end < 0 ? "" : ticket.substring(VERSIONED.length() + 1, end);
        // v1 signs t2 only, so one ticket has one spelling
        return SecretVersions.VERSION.matcher(version).matches() && !version.equals(SecretVersions.IMPLICIT)
                ? Optional.of(version) : Optional.empty();
    }

    private static String sign(SecretVersions.Version key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.key(), "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
