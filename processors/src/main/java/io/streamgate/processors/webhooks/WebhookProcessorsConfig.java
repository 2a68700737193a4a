package io.streamgate.processors.webhooks;

import io.streamgate.platform.config.Env;
import java.time.Duration;

/**
 * @param dedupRetention {@code WEBHOOK_DEDUP_RETENTION}: how long event ids are remembered;
 *     at least 7 days, since Stripe retries a delivery for up to 3 days and operators resend
 * @param orderingGrace {@code SUBSCRIPTION_ORDERING_GRACE}: how long events wait to be put in order
 * @param renewalGrace {@code SUBSCRIPTION_RENEWAL_GRACE}: access beyond the period end, so a late
 *     renewal or a failing card does not cut a paying user off at once
 */
public record WebhookProcessorsConfig(Duration dedupRetention, Duration orderingGrace, Duration renewalGrace) {
    public static final Duration MIN_DEDUP_RETENTION = Duration.ofDays(7);

    public static WebhookProcessorsConfig from(Env env) {
        Duration retention = env.duration("WEBHOOK_DEDUP_RETENTION", MIN_DEDUP_RETENTION, false);
        if (retention.compareTo(MIN_DEDUP_RETENTION) < 0) {
            env.problem("WEBHOOK_DEDUP_RETENTION must be at least 7d (Stripe retries for days), got " + retention);
            retention = MIN_DEDUP_RETENTION;
        }
        Duration grace = env.duration("SUBSCRIPTION_ORDERING_GRACE", Duration.ofSeconds(10), false);
        Duration renewal = env.duration("SUBSCRIPTION_RENEWAL_GRACE", Duration.ofDays(3), true);
        return new WebhookProcessorsConfig(retention, grace, renewal);
    }
}
