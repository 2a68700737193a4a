package io.streamgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.schemas.webhooks.WebhookTopics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** The testkit's schema check really fails a test class that writes a record its topic's schema refuses. */
class SchemaCheckingInterceptorTest {
    static final String VALID = """
            {"event_id":"evt_1","source":"stripe","event_type":"invoice.paid","payload":"{}",
             "signature_timestamp":"2026-11-28T04:00:00Z","received_at":"2026-11-28T04:00:01Z"}""";

    @Test
    void aValidRecordPassesAndABadOneIsRecorded() {
        SchemaCheckingInterceptor.drainViolations();
        SchemaCheckingInterceptor interceptor = new SchemaCheckingInterceptor();

        interceptor.onSend(record(WebhookTopics.RECEIVED.name(), VALID));
        assertThat(SchemaCheckingInterceptor.drainViolations()).isEmpty();

        interceptor.onSend(record(WebhookTopics.RECEIVED.name(), "{\"event_id\":\"\",\"source\":\"stripe\"}"));
        assertThat(SchemaCheckingInterceptor.drainViolations()).singleElement().asString()
                .startsWith(WebhookTopics.RECEIVED.name() + ": ").contains("event_type").contains("/event_id");

        interceptor.onSend(record(WebhookTopics.RECEIVED.name(), "not json"));
        assertThat(SchemaCheckingInterceptor.drainViolations()).hasSize(1);
    }

    @Test
    void topicsOutsideTheRegistryAndTombstonesAreNotChecked() {
        SchemaCheckingInterceptor.drainViolations();
        SchemaCheckingInterceptor interceptor = new SchemaCheckingInterceptor();
        interceptor.onSend(record("streamgate-some-app-store-changelog", "{\"anything\":1}"));
        interceptor.onSend(new ProducerRecord<>(WebhookTopics.RECEIVED.name(), bytes("evt_1"), null));
        assertThat(SchemaCheckingInterceptor.drainViolations()).isEmpty();
    }

    @Test
    void aClassThatProducesABadRecordFails() {
        SchemaCheckingInterceptor.drainViolations();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        System.setProperty("streamgate.testkit.selftest", "true");
        try {
            LauncherFactory.create().execute(request().selectors(selectClass(WritesABadRecord.class)).build(), listener);
        } finally {
            System.clearProperty("streamgate.testkit.selftest");
        }
        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsSucceededCount()).as("the test method itself passes").isEqualTo(1);
        assertThat(summary.getFailures()).as("the class fails afterwards").singleElement()
                .satisfies(f -> assertThat(f.getException()).hasMessageContaining("WritesABadRecord")
                        .hasMessageContaining("do not match their topic's JSON Schema").hasMessageContaining("webhooks.received"));
    }

    /** Run only by {@link #aClassThatProducesABadRecordFails}: it is meant to fail. */
    @StreamgateTest
    @EnabledIfSystemProperty(named = "streamgate.testkit.selftest", matches = "true")
    static class WritesABadRecord {
        @Test
        void producesARecordMissingRequiredFields(TestEnv env) throws Exception {
            try (var producer = new KafkaProducer<byte[], byte[]>(env.kafka("selftest").producer("selftest"))) {
                producer.send(record(WebhookTopics.RECEIVED.name(), "{\"event_id\":\"evt_bad\"}")).get();
            }
        }
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, bytes("evt_1"), bytes(value));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
