package io.streamgate.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Standard Webhooks scheme, checked against the published test vector of the spec's reference libraries. */
class StandardWebhooksVerifierTest {
    // From the Standard Webhooks reference implementations' tests.
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TS = 1614265330;
    static final String PAYLOAD = "{\"test\": 2432232314}";
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    WebhookVerifier.Verified verify(List<String> secrets, String signature, String payload, Instant now) throws WebhookVerifier.Rejected {
        Map<String, String> headers = Map.of("webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", signature);
        return new StandardWebhooksVerifier(secrets, Duration.ofSeconds(300)).verify(headers::get, payload.getBytes(StandardCharsets.UTF_8), now);
    }

    @Test
    void accepts_the_reference_vector_among_other_signatures() throws Exception {
        var verified = verify(List.of(SECRET), "v1,bm90LWl0 " + SIGNATURE, PAYLOAD, Instant.ofEpochSecond(TS + 5));
        assertThat(verified.messageId()).isEqualTo(ID);
        assertThat(verified.signatureTimestamp()).isEqualTo(Instant.ofEpochSecond(TS));
        assertThat(verify(List.of("whsec_" + "AAAA", SECRET), SIGNATURE, PAYLOAD, Instant.ofEpochSecond(TS)).messageId()).isEqualTo(ID);
    }

    @Test
    void rejects_tampering_wrong_secrets_and_stale_or_future_timestamps() {
        assertThatThrownBy(() -> verify(List.of(SECRET), SIGNATURE, PAYLOAD + " ", Instant.ofEpochSecond(TS)))
                .hasFieldOrPropertyWithValue("reason", "invalid_signature");
        assertThatThrownBy(() -> verify(List.of("whsec_AAAA"), SIGNATURE, PAYLOAD, Instant.ofEpochSecond(TS)))
                .hasFieldOrPropertyWithValue("reason", "invalid_signature");
        assertThatThrownBy(() -> verify(List.of(SECRET), SIGNATURE, PAYLOAD, Instant.ofEpochSecond(TS + 301)))
                .hasFieldOrPropertyWithValue("reason", "timestamp_out_of_tolerance");
        assertThatThrownBy(() -> verify(List.of(SECRET), SIGNATURE, PAYLOAD, Instant.ofEpochSecond(TS - 301)))
                .hasFieldOrPropertyWithValue("reason", "timestamp_out_of_tolerance");
        assertThatThrownBy(() -> verify(List.of(SECRET), "v2,abc", PAYLOAD, Instant.ofEpochSecond(TS)))
                .hasFieldOrPropertyWithValue("reason", "malformed_signature");
    }
}
