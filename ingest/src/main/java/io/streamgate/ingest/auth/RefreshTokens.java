package io.streamgate.ingest.auth;

import io.streamgate.platform.config.SecretVersions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque refresh-token format: {@code [<key version>.]<base64url(user id | family id | tag)>.<base64url(secret)>}.
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
 *   <li>{@link #hash} (SHA-256, base64url, unkeyed) is the token id everywhere else, so a key
 *       rotation never changes how an issued token is recognised (reuse detection included).</li>
 *   <li>{@link #clientBinding} names the client a token was handed to (address prefix and
 *       User-Agent) for the leeway rule, keyed so that the processor's state and the topic hold
 *       no value that a dictionary of addresses and browsers could reverse.</li>
 * </ul>
 *
 * <p>Key versions ({@code REFRESH_TOKEN_SECRET}, {@link SecretVersions}): a token names the
 * version it was made with, so the verifier picks that key, and the tag covers the version. A
 * {@code v1} token carries no version: the format from before versions, byte for byte, so those
 * tokens stay valid and an older release reads what a {@code v1} signer mints. The successor's
 * version rides in the server-made request id ({@link #newRequestId}), because another instance
 * may have to rebuild that same successor from the verdict alone. The client binding is keyed by
 * the presented token's version: the leeway compares the bindings of two presentations of one
 * token, which therefore always use the same key whichever instance signs with what.
 */
public final class RefreshTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int PREFIX_BYTES = 16 + 16 + 16;
    private static final int SECRET_BYTES = 32;
    /** Longest well-formed token (a v9999 one is 114 characters); anything longer is refused before any work. */
    public static final int MAX_LENGTH = 128;

    /** The three independent keys derived from one version of the server secret. */
    private record Keys(String version, boolean implicit, byte[] tag, byte[] successor, byte[] binding) {
        static Keys of(SecretVersions.Version v) {
            // The labels name the derivation (v1 of it), not the key version: every version derives alike.
            return new Keys(v.id(), v.implicit(),
                    hmac(v.key(), "streamgate refresh-token tag v1".getBytes(StandardCharsets.UTF_8)),
                    hmac(v.key(), "streamgate refresh-token successor v1".getBytes(StandardCharsets.UTF_8)),
                    hmac(v.key(), "streamgate refresh-token client binding v1".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private final Keys signing;
    private final Map<String, Keys> byVersion = new HashMap<>();

    /** A token's parts, once its form and tag are checked; {@code keyVersion} is the version it was made with. */
    public record Parsed(UUID userId, UUID familyId, String token, String hash, String keyVersion) {}

    /** @param serverSecret REFRESH_TOKEN_SECRET, bare or versioned */
    public RefreshTokens(String serverSecret) {
        this(SecretVersions.of(serverSecret));
    }

    public RefreshTokens(SecretVersions secrets) {
        for (String id : secrets.ids()) byVersion.put(id, Keys.of(secrets.get(id).orElseThrow()));
        this.signing = byVersion.get(secrets.signing().id());
    }

    /** The version new tokens are made with. */
    public String signingVersion() {
        return signing.version();
    }

    /**
     * A server-made request id naming the signing version ({@code v2.<uuid>}; a bare uuid for
     * {@code v1}, as before versions), from which {@link #successor} takes the version.
     */
    public String newRequestId() {
        String id = UUID.randomUUID().toString();
        return signing.implicit() ? id : signing.version() + "." + id;
    }

    /** The first token of a new family (login), made with the signing version. */
    public String first(UUID userId, UUID familyId) {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return token(signing, userId, familyId, secret);
    }

    /**
     * The successor of the token with {@code presentedHash}, rotated by request {@code requestId}
     * and made with the version that id names; empty when this instance does not hold that
     * version (a verdict for a request another instance made mid-rotation).
     */
    public Optional<String> successor(UUID userId, UUID familyId, String requestId, String presentedHash) {
        int dot = requestId.indexOf('.');
        Keys keys = byVersion.get(dot < 0 ? SecretVersions.IMPLICIT : requestId.substring(0, dot));
        if (keys == null) return Optional.empty();
        byte[] secret = hmac(keys.successor(), (requestId + "\n" + presentedHash).getBytes(StandardCharsets.UTF_8));
        return Optional.of(token(keys, userId, familyId, secret));
    }

    /**
     * The client binding of a request presenting (or, at login, receiving) a token of
     * {@code keyVersion}: HMAC of its address prefix ({@link AddressPrefix}) and its User-Agent
     * (absent counts as empty), base64url. Equal for two requests of one client that moved within
     * its /24 (IPv4) or /64 (IPv6); different as soon as either part differs.
     */
    public String clientBinding(String keyVersion, String address, String userAgent) {
        String client = AddressPrefix.of(address) + "\n" + (userAgent == null ? "" : userAgent);
        return B64.encodeToString(hmac(byVersion.get(keyVersion).binding(), client.getBytes(StandardCharsets.UTF_8)));
    }

    /** Checks form, version and tag; empty for anything this server did not mint or holds no key for. */
    public Optional<Parsed> parse(String token) {
        if (token == null || token.length() > MAX_LENGTH) return Optional.empty();
        String[] parts = token.split("\\.", -1);
        String version = versionNamed(parts);
        // v1 is written without its version, so "v1." is not a second spelling of the same token
        if (version == null || (parts.length == 3 && version.equals(SecretVersions.IMPLICIT))) return Optional.empty();
        Keys keys = byVersion.get(version);
        if (keys == null) return Optional.empty();
        byte[] prefix;
        byte[] secret;
        try {
            prefix = B64D.decode(parts[parts.length - 2]);
            secret = B64D.decode(parts[parts.length - 1]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (prefix.length != PREFIX_BYTES || secret.length != SECRET_BYTES) return Optional.empty();
        ByteBuffer buf = ByteBuffer.wrap(prefix);
        UUID user = new UUID(buf.getLong(), buf.getLong());
        UUID family = new UUID(buf.getLong(), buf.getLong());
        byte[] tag = new byte[16];
        buf.get(tag);
        if (!MessageDigest.isEqual(tag, tag(keys, user, family))) return Optional.empty();
        return Optional.of(new Parsed(user, family, token, hash(token), keys.version()));
    }

    /**
     * The key version a token names when this instance does not hold it, to say so in the
     * refusal (a version is no secret); empty for a token that names none or a known one.
     */
    public Optional<String> unknownVersion(String token) {
        if (token == null || token.length() > MAX_LENGTH) return Optional.empty();
        String version = versionNamed(token.split("\\.", -1));
        if (version == null || !SecretVersions.VERSION.matcher(version).matches() || byVersion.containsKey(version)) return Optional.empty();
        return Optional.of(version);
    }

    /** The key version a token's form names: its first of three parts, v1 for two parts, null for any other form. */
    private static String versionNamed(String[] parts) {
        return parts.length == 2 ? SecretVersions.IMPLICIT : parts.length == 3 ? parts[0] : null;
    }

    public static String hash(String token) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(Keys keys, UUID user, UUID family, byte[] secret) {
        ByteBuffer buf = ByteBuffer.allocate(PREFIX_BYTES);
        buf.putLong(user.getMostSignificantBits()).putLong(user.getLeastSignificantBits());
        buf.putLong(family.getMostSignificantBits()).putLong(family.getLeastSignificantBits());
        buf.put(tag(keys, user, family));
        String body = B64.encodeToString(buf.array()) + "." + B64.encodeToString(secret);
        return keys.implicit() ? body : keys.version() + "." + body;
    }

    /** The first 128 bits of HMAC([version |] ids): the version is covered, so it cannot be swapped for another. */
    private static byte[] tag(Keys keys, UUID user, UUID family) {
        byte[] version = keys.implicit() ? new byte[0] : (keys.version() + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] ids = ByteBuffer.allocate(version.length + 32).put(version)
                .putLong(user.getMostSignificantBits()).putLong(user.getLeastSignificantBits())
                .putLong(family.getMostSignificantBits()).putLong(family.getLeastSignificantBits()).array();
        byte[] full = hmac(keys.tag(), ids);
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
