package io.streamgate.ingest.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque refresh-token format: {@code <base64url(user id | family id | tag)>.<base64url(secret)>}.
 *
 * <ul>
 *   <li>The prefix names the user and family, so /auth/refresh can key the usage event by user
 *       without a database lookup. Its 128-bit tag (HMAC of the ids under the server key) means
 *       nobody can mint a prefix for another user's id: a forged token is refused at the edge
 *       instead of reaching the processor, where an unknown family would count as a reuse and
 *       revoke the victim's sessions.</li>
 *   <li>The secret is 256 bits: random at login; on rotation HMAC(server key, request id |
 *       presented token's hash), so the processor can hand the same successor to a caller within
 *       the reuse leeway, and a replayed request gets the same answer, while only hashes are
 *       ever stored or sent to Kafka.</li>
 *   <li>{@link #hash} (SHA-256, base64url) is the token id everywhere else.</li>
 *   <li>{@link #clientBinding} names the client a token was handed to (address prefix and
 *       User-Agent) for the leeway rule, keyed so that the processor's state and the topic hold
 *       no value that a dictionary of addresses and browsers could reverse.</li>
 * </ul>
 */
public final class RefreshTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int PREFIX_BYTES = 16 + 16 + 16;
    private static final int SECRET_BYTES = 32;
    /** Longest well-formed token; anything longer is refused before any work. */
    public static final int MAX_LENGTH = 128;

    private final byte[] tagKey;
    private final byte[] successorKey;
    private final byte[] bindingKey;

    /** A token's parts, once its form and tag are checked. */
    public record Parsed(UUID userId, UUID familyId, String token, String hash) {}

    /** @param serverSecret REFRESH_TOKEN_SECRET; three independent keys are derived from it */
    public RefreshTokens(String serverSecret) {
        byte[] root = serverSecret.getBytes(StandardCharsets.UTF_8);
        this.tagKey = hmac(root, "streamgate refresh-token tag v1".getBytes(StandardCharsets.UTF_8));
        this.successorKey = hmac(root, "streamgate refresh-token successor v1".getBytes(StandardCharsets.UTF_8));
        this.bindingKey = hmac(root, "streamgate refresh-token client binding v1".getBytes(StandardCharsets.UTF_8));
    }

    /** The first token of a new family (login). */
    public String first(UUID userId, UUID familyId) {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return prefix(userId, familyId) + "." + B64.encodeToString(secret);
    }

    /** The successor of the token with {@code presentedHash}, rotated by request {@code requestId}. */
    public String successor(UUID userId, UUID familyId, String requestId, String presentedHash) {
        byte[] secret = hmac(successorKey, (requestId + "\n" + presentedHash).getBytes(StandardCharsets.UTF_8));
        return prefix(userId, familyId) + "." + B64.encodeToString(secret);
    }

    /**
     * The client binding of a request: HMAC of its address prefix ({@link AddressPrefix}) and its
     * User-Agent (absent counts as empty), base64url. Equal for two requests of one client that
     * moved within its /24 (IPv4) or /64 (IPv6); different as soon as either part differs.
     */
    public String clientBinding(String address, String userAgent) {
        String client = AddressPrefix.of(address) + "\n" + (userAgent == null ? "" : userAgent);
        return B64.encodeToString(hmac(bindingKey, client.getBytes(StandardCharsets.UTF_8)));
    }

    /** Checks form and tag; empty for anything this server did not mint. */
    public Optional<Parsed> parse(String token) {
        if (token == null || token.length() > MAX_LENGTH) return Optional.empty();
        int dot = token.indexOf('.');
        if (dot < 0 || token.indexOf('.', dot + 1) >= 0) return Optional.empty();
        byte[] prefix;
        byte[] secret;
        try {
            prefix = B64D.decode(token.substring(0, dot));
            secret = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (prefix.length != PREFIX_BYTES || secret.length != SECRET_BYTES) return Optional.empty();
        ByteBuffer buf = ByteBuffer.wrap(prefix);
        UUID user = new UUID(buf.getLong(), buf.getLong());
        UUID family = new UUID(buf.getLong(), buf.getLong());
        byte[] tag = new byte[16];
        buf.get(tag);
        if (!MessageDigest.isEqual(tag, tag(user, family))) return Optional.empty();
        return Optional.of(new Parsed(user, family, token, hash(token)));
    }

    public static String hash(String token) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String prefix(UUID user, UUID family) {
        ByteBuffer buf = ByteBuffer.allocate(PREFIX_BYTES);
        buf.putLong(user.getMostSignificantBits()).putLong(user.getLeastSignificantBits());
        buf.putLong(family.getMostSignificantBits()).putLong(family.getLeastSignificantBits());
        buf.put(tag(user, family));
        return B64.encodeToString(buf.array());
    }

    private byte[] tag(UUID user, UUID family) {
        byte[] ids = ByteBuffer.allocate(32)
                .putLong(user.getMostSignificantBits()).putLong(user.getLeastSignificantBits())
                .putLong(family.getMostSignificantBits()).putLong(family.getLeastSignificantBits()).array();
        byte[] full = hmac(tagKey, ids);
        byte[] tag = new byte[16];
        System.arraycopy(full, 0, tag, 0, 16);
        return tag;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
