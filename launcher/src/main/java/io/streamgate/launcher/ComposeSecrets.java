package io.streamgate.launcher;

import io.streamgate.platform.auth.JwtKeySet;
import io.streamgate.platform.config.PrivateFiles;
import io.streamgate.platform.config.Secret;
import io.streamgate.platform.config.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the secrets {@code docker compose} passes to the app (the {@code all} role, where
 * nothing is generated) into {@code .env}, mode 600:
 * {@code java -cp launcher/target/streamgate.jar io.streamgate.launcher.ComposeSecrets [file]}.
 * Every secret {@link Secret} lists as required or as enabling an endpoint gets one, so a
 * feature that registers a secret is covered here without a change (docker-compose.yml must
 * pass it: {@code DockerComposeTest} says so). An existing file keeps its lines and values and
 * only gains what is missing: rotating JWT or refresh keys by accident would sign everyone out.
 */
public final class ComposeSecrets {
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=");

    private ComposeSecrets() {}

    /** The secrets compose must pass, freshly generated, in registry order. */
    static Map<String, String> generate() {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Secret secret : composeSecrets()) secrets.put(secret.name(), fresh(secret));
        return secrets;
    }

    /** What {@code all} reads without another setting: required ones and those enabling an endpoint. */
    static List<Secret> composeSecrets() {
        List<Secret> list = new ArrayList<>();
        for (Secret secret : Secret.values()) {
            if (!secret.family() && secret.use() != Secret.Use.ONLY_WITH_ANOTHER_SETTING) list.add(secret);
        }
        return list;
    }

    private static String fresh(Secret secret) {
        return switch (secret) {
            case JWT_SIGNING_KEYS -> JwtKeySet.generateJson();
            // A placeholder that keeps the endpoint working for self-signed tests; replace it with
            // the endpoint's secret from the Stripe dashboard to receive real events.
            case STRIPE_WEBHOOK_SECRETS -> "whsec_" + Secrets.randomToken();
            default -> Secrets.randomToken();
        };
    }

    /**
     * Adds every missing secret to {@code file} (created if absent), keeping what it holds, and
     * leaves it mode 600.
     *
     * @return the names added
     */
    static List<String> writeEnvFile(Path file) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        Set<String> present = new LinkedHashSet<>();
        Matcher m = ASSIGNMENT.matcher("");
        for (String line : existing.lines().toList()) {
            if (m.reset(line).find()) present.add(m.group(1));
        }
        StringBuilder text = new StringBuilder(existing);
        if (existing.isEmpty()) {
            text.append("# Streamgate secrets for docker compose, generated ").append(Instant.now())
                    .append(". Never commit this file (mode 600, ignored by git).\n");
        } else if (!existing.endsWith("\n")) {
            text.append('\n');
        }
        List<String> added = new ArrayList<>();
        for (Map.Entry<String, String> secret : generate().entrySet()) {
            if (present.contains(secret.getKey())) continue;
            // Single quotes: compose takes the value literally (the JWK set is JSON).
            text.append(secret.getKey()).append("='").append(secret.getValue()).append("'\n");
            added.add(secret.getKey());
        }
        // Rewritten even when nothing was added: the write is what makes an old, looser file 600.
        PrivateFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        return added;
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : ".env");
        List<String> added = writeEnvFile(file);
        System.out.println(file + " (mode 600): " + (added.isEmpty() ? "every secret was already there" : "added " + String.join(", ", added)));
    }
}
