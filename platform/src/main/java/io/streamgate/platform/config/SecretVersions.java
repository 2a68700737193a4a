package io.streamgate.platform.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A versioned HMAC secret ({@code REFRESH_TOKEN_SECRET}, {@code COACH_TICKET_SECRET}): a comma
 * separated list of {@code v<n>:<secret>}, where the first signs and every one verifies. What a
 * key signs names its version, so a verifier picks the key without trying each, and a rotation
 * (add the new version after the current one on every instance, then move it first) refuses
 * nothing and signs nobody out.
 *
 * <p>A bare value (no comma, not starting {@code v<digits>:}) is version {@link #IMPLICIT}, the
 * value as it always was. What {@code v1} signs carries no version at all: the formats from
 * before versions existed, so tokens minted then stay valid and a release before versions reads
 * what a {@code v1} signer mints during a rolling upgrade. Generated secrets (base64url) never
 * hold a comma or a colon, so they are always read as bare.
 */
public final class SecretVersions {
    /** The version of a bare value; what it signs carries no version. */
    public static final String IMPLICIT = "v1";
    /** What a version is: short, so it fits in tokens; {@code v0} and leading zeros are refused to keep one spelling. */
    public static final Pattern VERSION = Pattern.compile("v[1-9][0-9]{0,3}");
    private static final Pattern ENTRY = Pattern.compile("(" + VERSION.pattern() + "):(.+)", Pattern.DOTALL);
    /** Reads as a list rather than a bare value: a comma, or a leading {@code v<digits>:} (a mistyped version is reported, not taken as a secret). */
    private static final Pattern LIST = Pattern.compile("(?s)(v[0-9]+:.*|.*,.*)");

    /** One version: its id and its key bytes (the secret's UTF-8 bytes). */
    public record Version(String id, byte[] key) {
        public boolean implicit() {
            return IMPLICIT.equals(id);
        }
    }

    private final List<Version> versions;
    private final Map<String, Version> byId = new LinkedHashMap<>();

    private SecretVersions(List<Version> versions) {
        this.versions = List.copyOf(versions);
        for (Version v : versions) byId.put(v.id(), v);
    }

    /** A parsed value; IllegalArgumentException naming the first problem (never the value) otherwise. */
    public static SecretVersions of(String value) {
        List<String> problems = new ArrayList<>();
        SecretVersions parsed = parse("the secret", value, problems);
        if (!problems.isEmpty()) throw new IllegalArgumentException(problems.get(0));
        return parsed;
    }

    /**
     * Reads the registered secret {@code name}. Its form's problems (one line each, naming
     * versions and positions, never a secret) are listed at start with every other problem:
     * outside dev by {@link Secrets}' judgement of every secret ({@link Secret#weaknesses}), in dev
     * (where that judgement does not run) here. When it is unset outside dev or malformed, the
     * start fails at validation, and a throwaway random key stands in until then so the caller
     * can finish building.
     */
    public static SecretVersions read(Env env, Secrets secrets, String name) {
        String value = secrets.get(name);
        if (value == null) return of(Secrets.randomToken());
        List<String> problems = new ArrayList<>();
        SecretVersions parsed = parse(name, value, problems);
        if (secrets.generatesMissing()) problems.forEach(env::problem);
        return problems.isEmpty() ? parsed : of(Secrets.randomToken());
    }

    /** What is wrong with the form of {@code value}, one line each, naming no secret. */
    static List<String> problems(String variable, String value) {
        List<String> problems = new ArrayList<>();
        parse(variable, value, problems);
        return problems;
    }

    /** Whether {@code value} is the list form (else it is one bare secret, version {@link #IMPLICIT}). */
    static boolean isList(String value) {
        return LIST.matcher(value.trim()).matches();
    }

    /**
     * The well-formed entries of a list, for judging each key's length; malformed ones are left
     * to {@link #read}, which reports them.
     */
    static Map<String, String> wellFormedEntries(String value) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String part : value.split(",", -1)) {
            Matcher m = ENTRY.matcher(part.trim());
            if (m.matches() && !m.group(2).isBlank()) entries.putIfAbsent(m.group(1), m.group(2).trim());
        }
        return entries;
    }

    private static SecretVersions parse(String variable, String value, List<String> problems) {
        if (value.isBlank()) {
            problems.add(variable + " is empty");
            return null;
        }
        // The bare value is used exactly as given, as before versions: trimming it would change the key.
        if (!isList(value)) return new SecretVersions(List.of(new Version(IMPLICIT, value.getBytes(StandardCharsets.UTF_8))));
        String[] parts = value.split(",", -1);
        List<Version> versions = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            Matcher m = ENTRY.matcher(parts[i].trim());
            String where = variable + " entry " + (i + 1) + " of " + parts.length;
            if (parts[i].isBlank()) {
                problems.add(where + " is empty");
            } else if (!m.matches() || m.group(2).isBlank()) {
                // Never the entry itself: it may be a secret missing its version.
                problems.add(where + " is not <version>:<secret> with a version v1 to v9999 (e.g. v2:<secret>,v1:<secret>)");
            } else {
                String id = m.group(1);
                byte[] key = m.group(2).trim().getBytes(StandardCharsets.UTF_8);
                for (Version other : versions) {
                    if (other.id().equals(id)) {
                        problems.add(variable + " names " + id + " twice");
                    } else if (MessageDigest.isEqual(other.key(), key)) {
                        problems.add(variable + " " + other.id() + " and " + id + " hold the same secret (a new version needs a new secret)");
                    }
                }
                versions.add(new Version(id, key));
            }
        }
        return problems.isEmpty() ? new SecretVersions(versions) : null;
    }

    /** The version new tokens are signed with. */
    public Version signing() {
        return versions.get(0);
    }

    /** The key of {@code id}, if this instance holds it. */
    public Optional<Version> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    @Override
    public String toString() {
        // Never the keys: this may end up in a log line or an exception.
        return "SecretVersions" + ids() + " signing " + signing().id();
    }
}
