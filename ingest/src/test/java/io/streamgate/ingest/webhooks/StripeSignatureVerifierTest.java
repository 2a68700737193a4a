package io.streamgate.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our Stripe verifier against stripe-java's, an independent implementation: for the same
 * payload, header, secret and clock both accept or both reject. The one deliberate
 * difference: a timestamp too far in the future, which Stripe's library accepts and we refuse.
 */
class StripeSignatureVerifierTest {
    static final String SECRET = "whsec_test_current";
    static final String OLD_SECRET = "whsec_test_previous";
    static final Instant NOW = Instant.parse("2026-11-28T05:00:00Z");
    static final String PAYLOAD = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":1764306000,\"data\":{\"object\":{\"id\":\"in_1\"}}}";

    static String sign(String secret, long t, String payload) throws Exception {
        return Webhook.Util.computeHmacSha256(secret, t + "." + payload);
    }

    static String header(long t, String... v1) {
        StringBuilder b = new StringBuilder("t=").append(t);
        for (String s : v1) b.append(",v1=").append(s);
        return b.toString();
    }

    boolean ours(List<String> secrets, String header, String payload) {
        try {
            new StripeSignatureVerifier(secrets, Duration.ofSeconds(300))
                    .verify(Map.of(StripeSignatureVerifier.HEADER, header)::get, payload.getBytes(StandardCharsets.UTF_8), NOW);
            return true;
        } catch (WebhookVerifier.Rejected e) {
            return false;
        }
    }

    boolean stripes(List<String> secrets, String header, String payload) {
        // stripe-java takes one secret; a delivery is accepted when any configured one matches.
        for (String secret : secrets) {
            try {
                Webhook.Signature.verifyHeader(payload, header, secret, 300, Clock.fixed(NOW, ZoneOffset.UTC));
                return true;
            } catch (SignatureVerificationException | RuntimeException e) {
                // try the next secret (stripe-java throws NumberFormatException for a garbled t)
            }
        }
        return false;
    }

    void bothSay(boolean expected, List<String> secrets, String header, String payload) {
        assertThat(stripes(secrets, header, payload)).as("stripe-java on %s", header).isEqualTo(expected);
        assertThat(ours(secrets, header, payload)).as("ours on %s", header).isEqualTo(expected);
    }

    @Test
    void both_accept_a_fresh_correct_signature() throws Exception {
        long t = NOW.getEpochSecond();
        bothSay(true, List.of(SECRET), header(t, sign(SECRET, t, PAYLOAD)), PAYLOAD);
    }

    @Test
    void both_accept_any_matching_v1_and_ignore_v0() throws Exception {
        long t = NOW.getEpochSecond() - 10;
        String good = sign(SECRET, t, PAYLOAD);
        bothSay(true, List.of(SECRET), "t=" + t + ",v0=" + good + ",v1=" + "ab".repeat(32) + ",v1=" + good, PAYLOAD);
        bothSay(false, List.of(SECRET), "t=" + t + ",v0=" + good, PAYLOAD);
    }

    @Test
    void both_reject_a_wrong_secret_a_tampered_body_or_a_changed_timestamp() throws Exception {
        long t = NOW.getEpochSecond();
        bothSay(false, List.of(SECRET), header(t, sign("whsec_someone_else", t, PAYLOAD)), PAYLOAD);
        bothSay(false, List.of(SECRET), header(t, sign(SECRET, t, PAYLOAD)), PAYLOAD.replace("evt_1", "evt_2"));
        bothSay(false, List.of(SECRET), header(t - 1, sign(SECRET, t, PAYLOAD)), PAYLOAD);
    }

    @Test
    void both_reject_missing_or_garbled_headers() {
        bothSay(false, List.of(SECRET), "", PAYLOAD);
        bothSay(false, List.of(SECRET), "garbage", PAYLOAD);
        bothSay(false, List.of(SECRET), "v1=abcdef", PAYLOAD);
        bothSay(false, List.of(SECRET), "t=abc,v1=abcdef", PAYLOAD);
    }

    @Test
    void both_enforce_the_300_second_tolerance_into_the_past() throws Exception {
        long inside = NOW.getEpochSecond() - 300;
        long outside = NOW.getEpochSecond() - 301;
        bothSay(true, List.of(SECRET), header(inside, sign(SECRET, inside, PAYLOAD)), PAYLOAD);
        bothSay(false, List.of(SECRET), header(outside, sign(SECRET, outside, PAYLOAD)), PAYLOAD);
    }

    @Test
    void a_rotation_accepts_either_secret_while_both_are_configured() throws Exception {
        long t = NOW.getEpochSecond();
        List<String> rotating = List.of(SECRET, OLD_SECRET);
        bothSay(true, rotating, header(t, sign(OLD_SECRET, t, PAYLOAD)), PAYLOAD);
        bothSay(true, rotating, header(t, sign(SECRET, t, PAYLOAD)), PAYLOAD);
        // Stripe signs with both secrets during a rotation: two v1 values.
        bothSay(true, List.of(SECRET), header(t, sign(OLD_SECRET, t, PAYLOAD), sign(SECRET, t, PAYLOAD)), PAYLOAD);
        bothSay(false, List.of(SECRET), header(t, sign(OLD_SECRET, t, PAYLOAD)), PAYLOAD);
    }

    @Test
    void we_are_stricter_than_stripe_about_future_timestamps() throws Exception {
        long future = NOW.getEpochSecond() + 301;
        String header = header(future, sign(SECRET, future, PAYLOAD));
        assertThat(stripes(List.of(SECRET), header, PAYLOAD)).as("stripe-java checks the past only").isTrue();
        assertThat(ours(List.of(SECRET), header, PAYLOAD)).isFalse();
        long nearFuture = NOW.getEpochSecond() + 300;
        bothSay(true, List.of(SECRET), header(nearFuture, sign(SECRET, nearFuture, PAYLOAD)), PAYLOAD);
    }

    @Test
    void rejections_name_the_problem_but_never_a_secret_or_the_expected_signature() throws Exception {
        long t = NOW.getEpochSecond();
        String expected = sign(SECRET, t, PAYLOAD);
        assertThatThrownBy(() -> new StripeSignatureVerifier(List.of(SECRET), Duration.ofSeconds(300))
                .verify(Map.of(StripeSignatureVerifier.HEADER, header(t, "00".repeat(32)))::get, PAYLOAD.getBytes(StandardCharsets.UTF_8), NOW))
                .isInstanceOf(WebhookVerifier.Rejected.class)
                .hasMessageNotContaining(SECRET)
                .hasMessageNotContaining(expected)
                .satisfies(e -> assertThat(((WebhookVerifier.Rejected) e).reason()).isEqualTo("invalid_signature"));
        assertThatThrownBy(() -> new StripeSignatureVerifier(List.of(SECRET), Duration.ofSeconds(300))
                .verify(Map.of(StripeSignatureVerifier.HEADER, header(t - 301, sign(SECRET, t - 301, PAYLOAD)))::get,
                        PAYLOAD.getBytes(StandardCharsets.UTF_8), NOW))
                .satisfies(e -> assertThat(((WebhookVerifier.Rejected) e).reason()).isEqualTo("timestamp_out_of_tolerance"));
    }
}
