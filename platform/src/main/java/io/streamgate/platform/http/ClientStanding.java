package io.streamgate.platform.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;

/**
 * What the edge has lately seen of a client, read before a request is handled so that under
 * load the users a flood is not go first ({@link PriorityAdmission}) and the clients it is
 * are slowed ({@link RefusedClientDelay}):
 *
 * <ul>
 *   <li>{@link Standing#KNOWN}: a credential (the {@code Authorization} header) the edge has
 *       answered without 401, 403 or 429, used within the last {@link #CREDENTIAL_MEMORY};
 *   <li>{@link Standing#REFUSED}: refused in the last {@link AdmissionConfig#refusalMemory}:
 *       a credential answered 401, 403 or 429, or an address whose requests were answered 401,
 *       403 or 429 without a credential or with one the edge did not know;
 *   <li>{@link Standing#ANONYMOUS}: everyone else.
 * </ul>
 *
 * <p>A client earns its standing only by what it did: a forged or random credential is unknown,
 * so it counts as anonymous, and its 401 marks its address. A known credential's 401 (an access
 * token that just expired) marks only that credential, so the client's refresh from the same
 * address is not slowed. Credentials are remembered by a SHA-256 prefix, never as text. Both
 * memories are bounded Caffeine caches.
 */
final class ClientStanding {
    static final Duration CREDENTIAL_MEMORY = Duration.ofMinutes(10);
    private static final int MEMORY_ENTRIES = 100_000;

    /** In the order admission prefers them, lowest first. */
    enum Standing { REFUSED, ANONYMOUS, KNOWN }

    private final TrustedProxies proxies;
    private final Cache<Long, Boolean> knownCredentials = Caffeine.newBuilder()
            .maximumSize(MEMORY_ENTRIES).expireAfterAccess(CREDENTIAL_MEMORY).build();
    private final Cache<String, Boolean> refused;

    ClientStanding(TrustedProxies proxies, Duration refusalMemory) {
        this.proxies = proxies;
        this.refused = Caffeine.newBuilder().maximumSize(MEMORY_ENTRIES).expireAfterWrite(refusalMemory).build();
    }

    Standing of(Request request) {
        String credential = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (credential != null) {
            long digest = digest(credential);
            if (refused.getIfPresent(credentialKey(digest)) != null) return Standing.REFUSED;
            if (knownCredentials.getIfPresent(digest) != null) return Standing.KNOWN;
        }
        return refused.getIfPresent(addressKey(ClientAddress.limitKey(clientAddress(request)))) != null
                ? Standing.REFUSED : Standing.ANONYMOUS;
    }

    /** Whether any client is refused now: while none is, nobody needs to be looked up. */
    boolean anyRefused() {
        return !refused.asMap().isEmpty();
    }

    /**
     * Remembers how a request was answered: its credential as accepted, or it (or its address)
     * as refused. Run by the edge after every answer; the address is resolved only for a refusal.
     */
    void answered(String credential, Supplier<String> clientAddress, int status) {
        boolean refusal = status == HttpStatus.UNAUTHORIZED_401 || status == HttpStatus.FORBIDDEN_403
                || status == HttpStatus.TOO_MANY_REQUESTS_429;
        if (credential == null) {
            if (refusal) refused.put(addressKey(ClientAddress.limitKey(clientAddress.get())), Boolean.TRUE);
            return;
        }
        long digest = digest(credential);
        boolean known = knownCredentials.getIfPresent(digest) != null;
        if (refusal) {
            refused.put(credentialKey(digest), Boolean.TRUE);
            // A credential nobody was ever served with: its address is all that tells its sender.
            if (!known && status != HttpStatus.TOO_MANY_REQUESTS_429) {
                refused.put(addressKey(ClientAddress.limitKey(clientAddress.get())), Boolean.TRUE);
            }
        } else if (!known) {
            knownCredentials.put(digest, Boolean.TRUE);
        }
    }

    private String clientAddress(Request request) {
        String peer = Request.getRemoteAddr(request);
        Enumeration<String> values = proxies.isEmpty() ? null : request.getHeaders().getValues(proxies.header().headerName);
        return ClientAddress.resolve(peer, values == null ? List.of() : Collections.list(values), proxies);
    }

    private static String addressKey(String address) {
        return "address " + address;
    }

    private static String credentialKey(long digest) {
        return "credential " + digest;
    }

    /** The first 64 bits of the credential's SHA-256: enough to tell credentials apart, useless to anyone reading memory. */
    private static long digest(String credential) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
