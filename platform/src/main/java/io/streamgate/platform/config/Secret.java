package io.streamgate.platform.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Every secret a Streamgate role reads from the environment: the one list that the start-up
 * strength check, {@code ComposeSecrets} and the docker-compose.yml test go by. {@link Secrets}
 * refuses to read a name that is not here, so a new secret cannot be added without saying how
 * it is needed and judged. The rules are explained in docs/secrets.md.
 */
public enum Secret {
    DATABASE_APP_PASSWORD(Use.REQUIRED, Strength.AT_LEAST_32_BYTES, null),
    DATABASE_WORKER_PASSWORD(Use.REQUIRED, Strength.AT_LEAST_32_BYTES, null),
    JWT_SIGNING_KEYS(Use.REQUIRED, Strength.JWK_KEY_MATERIAL_32_BYTES, null),
    REFRESH_TOKEN_SECRET(Use.REQUIRED, Strength.VERSIONS_EACH_AT_LEAST_32_BYTES, null),
    COACH_TICKET_SECRET(Use.REQUIRED, Strength.VERSIONS_EACH_AT_LEAST_32_BYTES, null),
    OPERATOR_TOKEN(Use.ENABLES_ENDPOINT, Strength.AT_LEAST_32_BYTES, null),
    STRIPE_WEBHOOK_SECRETS(Use.ENABLES_ENDPOINT, Strength.EACH_AT_LEAST_32_BYTES, null),
    /** A family: {@code WEBHOOK_SECRETS_<SOURCE>}, one per Standard Webhooks source. */
    WEBHOOK_SECRETS_(Use.ENABLES_ENDPOINT, Strength.STANDARD_WEBHOOKS_KEYS, null),
    TLS_KEYSTORE_PASSWORD(Use.ONLY_WITH_ANOTHER_SETTING, Strength.CHOSEN_ELSEWHERE, "TLS_KEYSTORE_PATH"),
    COACH_LLM_API_KEY(Use.ONLY_WITH_ANOTHER_SETTING, Strength.CHOSEN_ELSEWHERE, "COACH_LLM_URL");

    /** The fewest bytes of key material a secret may have outside dev. */
    public static final int MIN_BYTES = 32;
    /**
     * Standard Webhooks' own floor (the specification allows 24 to 64 bytes, and Svix, its
     * reference sender, issues 24): the provider chooses the key, so a stricter rule here would
     * only refuse valid senders.
     */
    public static final int MIN_STANDARD_WEBHOOKS_KEY_BYTES = 24;

    public enum Use {
        /** The roles that read it do not start without it outside dev. */
        REQUIRED,
        /** Unset outside dev, the endpoint it guards answers 503 and start-up warns. */
        ENABLES_ENDPOINT,
        /** Read only when {@link #companion()} is set. */
        ONLY_WITH_ANOTHER_SETTING
    }

    public enum Strength {
        /** The value's UTF-8 bytes are the key: at least {@link #MIN_BYTES}. */
        AT_LEAST_32_BYTES,
        /** A comma separated list, each one's UTF-8 bytes at least {@link #MIN_BYTES}. */
        EACH_AT_LEAST_32_BYTES,
        /**
         * A bare value judged as {@link #AT_LEAST_32_BYTES}, or a {@link SecretVersions} list
         * ({@code v2:<secret>,v1:<secret>}) whose every secret is.
         */
        VERSIONS_EACH_AT_LEAST_32_BYTES,
        /** A JWK set: each private key's material ({@code d}), not the JSON, at least {@link #MIN_BYTES}. */
        JWK_KEY_MATERIAL_32_BYTES,
        /** {@code whsec_<base64>} secrets, comma separated: each decoded key at least {@link #MIN_STANDARD_WEBHOOKS_KEY_BYTES}. */
        STANDARD_WEBHOOKS_KEYS,
        /** Issued by someone else (a keystore's maker, an LLM provider): not judged by length. */
        CHOSEN_ELSEWHERE
    }

    private final Use use;
    private final Strength strength;
    private final String companion;

    Secret(Use use, Strength strength, String companion) {
        this.use = use;
        this.strength = strength;
        this.companion = companion;
    }

    public Use use() {
        return use;
    }

    public Strength strength() {
        return strength;
    }

    /** The setting this secret is read with, for {@link Use#ONLY_WITH_ANOTHER_SETTING}; else null. */
    public String companion() {
        return companion;
    }

    /** Whether this is a family of variables sharing {@link #name()} as prefix. */
    public boolean family() {
        return name().endsWith("_");
    }

    public boolean covers(String variable) {
        return family() ? variable.startsWith(name()) && variable.length() > name().length() : variable.equals(name());
    }

    /** The registered secret {@code variable} is, or null. */
    public static Secret of(String variable) {
        for (Secret s : values()) {
            if (s.covers(variable)) return s;
        }
        return null;
    }

    /**
     * What is too weak about {@code value} (and, for {@link Strength#VERSIONS_EACH_AT_LEAST_32_BYTES},
     * what is malformed), one line each, naming the variable and sizes but never the value.
     */
    public List<String> weaknesses(String variable, String value) {
        List<String> problems = new ArrayList<>();
        switch (strength) {
            case AT_LEAST_32_BYTES -> judgeKey(variable, value, problems);
            case VERSIONS_EACH_AT_LEAST_32_BYTES -> {
                if (!SecretVersions.isList(value)) {
                    judgeKey(variable, value, problems);
                } else {
                    // the form too, here: the roles read it only after the first validation
                    problems.addAll(SecretVersions.problems(variable, value));
                    SecretVersions.wellFormedEntries(value).forEach((version, secret) -> judgeKey(variable + " " + version, secret, problems));
                }
            }
            case EACH_AT_LEAST_32_BYTES -> {
                List<String> each = split(value);
                for (int i = 0; i < each.size(); i++) {
                    int n = each.get(i).getBytes(StandardCharsets.UTF_8).length;
                    if (n < MIN_BYTES) {
                        problems.add(tooShort(variable + " (secret " + (i + 1) + " of " + each.size() + ")", n, MIN_BYTES,
                                "use the endpoint's signing secret as the provider shows it"));
                    }
                }
            }
            case STANDARD_WEBHOOKS_KEYS -> {
                List<String> each = split(value);
                for (int i = 0; i < each.size(); i++) {
                    String b64 = each.get(i).startsWith("whsec_") ? each.get(i).substring(6) : each.get(i);
                    byte[] key;
                    try {
                        key = Base64.getDecoder().decode(b64);
                    } catch (IllegalArgumentException e) {
                        continue; // not whsec_<base64>: the webhook settings report the format
                    }
                    if (key.length < MIN_STANDARD_WEBHOOKS_KEY_BYTES) {
                        problems.add(tooShort(variable + " (secret " + (i + 1) + " of " + each.size() + ", decoded key)", key.length,
                                MIN_STANDARD_WEBHOOKS_KEY_BYTES, "the Standard Webhooks specification requires 24 to 64 bytes"));
                    }
                }
            }
            case JWK_KEY_MATERIAL_32_BYTES -> problems.addAll(jwkWeaknesses(variable, value));
            case CHOSEN_ELSEWHERE -> { }
        }
        return problems;
    }

    private static List<String> jwkWeaknesses(String variable, String value) {
        JsonNode keys;
        try {
            keys = Json.mapper().readTree(value).path("keys");
        } catch (IOException e) {
            return List.of(variable + " must be a JWK set (JSON with a \"keys\" array)");
        }
        if (!keys.isArray()) return List.of(variable + " must be a JWK set (JSON with a \"keys\" array)");
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            JsonNode d = keys.get(i).path("d");
            if (!d.isTextual()) continue; // a public key: the key set itself refuses it
            String kid = keys.get(i).path("kid").isTextual() ? "key " + keys.get(i).path("kid").asText() : "key " + (i + 1);
            int n;
            try {
                n = Base64.getUrlDecoder().decode(d.asText().replace("=", "")).length;
            } catch (IllegalArgumentException e) {
                problems.add(variable + " " + kid + ": the private key (d) is not base64url");
                continue;
            }
            if (n < MIN_BYTES) {
                problems.add(tooShort(variable + " " + kid + " (private key material)", n, MIN_BYTES, "use an Ed25519 or EC P-256 key"));
            }
        }
        return problems;
    }

    private static void judgeKey(String what, String key, List<String> problems) {
        int n = key.getBytes(StandardCharsets.UTF_8).length;
        if (n < MIN_BYTES) problems.add(tooShort(what, n, MIN_BYTES, "generate one with: openssl rand -base64 32"));
    }

    private static String tooShort(String what, int bytes, int min, String hint) {
        return what + " is too short: " + bytes + " bytes, at least " + min + " are required outside dev (" + hint + ")";
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String p : value.split(",")) {
            if (!p.isBlank()) parts.add(p.trim());
        }
        return parts;
    }
}
