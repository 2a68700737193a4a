package io.streamgate.ingest.webhooks;

import io.streamgate.platform.Platform;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook ingest settings from the environment.
 *
 * @param stripeSecrets {@code STRIPE_WEBHOOK_SECRETS}, comma separated (several during a
 *     rotation); empty: the Stripe endpoint answers 503 (startup warns)
 * @param sourceSecrets Standard Webhooks secrets per source, from {@code WEBHOOK_SECRETS_<SOURCE>}
 * @param tolerance {@code WEBHOOK_TOLERANCE}: how far a signature timestamp may be from our clock,
 *     either way; must be positive (there is no "off")
 * @param produceTimeout {@code WEBHOOK_PRODUCE_TIMEOUT}: how long a request waits for the broker's
 *     acknowledgement before answering 503
 * @param maxBodyBytes larger bodies get 413
 */
public record WebhookIngestConfig(
        List<String> stripeSecrets,
        Map<String, List<String>> sourceSecrets,
        Duration tolerance,
        Duration produceTimeout,
        int maxBodyBytes) {
    private static final Logger log = LoggerFactory.getLogger(WebhookIngestConfig.class);
    public static final String STRIPE_SECRETS = "STRIPE_WEBHOOK_SECRETS";
    public static final String SOURCE_SECRETS_PREFIX = "WEBHOOK_SECRETS_";
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    public static WebhookIngestConfig from(Platform platform) {
        return from(platform.env(), platform.secrets());
    }

    public static WebhookIngestConfig from(Env env, Secrets secrets) {
        Duration tolerance = env.duration("WEBHOOK_TOLERANCE", Duration.ofSeconds(300), false);
        Duration produceTimeout = env.duration("WEBHOOK_PRODUCE_TIMEOUT", Duration.ofSeconds(5), false);
        // Outside dev a missing secret must not stop the other roles' endpoints: the webhook
        // endpoint answers 503 (Stripe retries for days) and the log says why, loudly.
        String raw = secrets.optional(STRIPE_SECRETS, () -> "whsec_" + Secrets.randomToken()).orElse(null);
        List<String> stripe = split(raw);
        if (stripe.isEmpty()) {
            log.warn("{} is not set: POST /webhooks/stripe answers 503 until it is", STRIPE_SECRETS);
        }
        Map<String, List<String>> sources = new TreeMap<>();
        env.values().forEach((name, value) -> {
            if (!name.startsWith(SOURCE_SECRETS_PREFIX) || value == null || value.isBlank()) return;
            String source = name.substring(SOURCE_SECRETS_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
            List<String> list = split(value);
            for (String secret : list) {
                try {
                    StandardWebhooksVerifier.key(secret);
                } catch (IllegalArgumentException e) {
                    env.problem(name + " must hold whsec_<base64> secrets, comma separated");
                    return;
                }
            }
            sources.put(source, list);
        });
        return new WebhookIngestConfig(stripe, sources, tolerance, produceTimeout, MAX_BODY_BYTES);
    }

    private static List<String> split(String raw) {
        if (raw == null) return List.of();
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public String toString() {
        // Never print secrets: only how many there are.
        return "WebhookIngestConfig[stripeSecrets=" + stripeSecrets.size() + ", sources=" + sourceSecrets.keySet()
                + ", tolerance=" + tolerance + ", produceTimeout=" + produceTimeout + "]";
    }
}
