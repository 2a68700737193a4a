package io.streamgate.launcher;

import io.streamgate.platform.auth.JwtKeySet;
import io.streamgate.platform.config.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints fresh secrets as a {@code .env} file for {@code docker compose}, which runs the
 * {@code all} role (outside dev nothing is generated, so they must be given):
 * {@code java -cp launcher/target/streamgate.jar io.streamgate.launcher.ComposeSecrets > .env}.
 * A feature that adds a required secret adds it here and to docker-compose.yml.
 */
public final class ComposeSecrets {
    private ComposeSecrets() {}

    static Map<String, String> generate() {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("DATABASE_APP_PASSWORD", Secrets.randomToken());
        secrets.put("DATABASE_WORKER_PASSWORD", Secrets.randomToken());
        secrets.put("JWT_SIGNING_KEYS", JwtKeySet.generateJson());
        secrets.put("COACH_TICKET_SECRET", Secrets.randomToken());
        secrets.put("REFRESH_TOKEN_SECRET", Secrets.randomToken());
        return secrets;
    }

    public static void main(String[] args) {
        System.out.println("# Streamgate secrets for docker compose, generated " + java.time.Instant.now() + ". Never commit this file.");
        // Single quotes: compose takes the value literally (the JWK set is JSON).
        generate().forEach((name, value) -> System.out.println(name + "='" + value + "'"));
    }
}
