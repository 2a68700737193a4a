package io.streamgate.platform.auth;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.PollingThreads;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.Revocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's view of revoked token families, fed from {@code auth.revocations} and installed
 * with {@link Authenticator#useRevocations}: an access token whose family ({@code sid}) was
 * revoked is refused from the moment the record is read (a poll loop of 100 ms, so well within a
 * second of the processor's commit).
 *
 * <p>Every instance reads every partition with {@code assign()} from the beginning (the topic
 * keeps one day, longer than any access token lives), so a fresh instance knows every revocation
 * that still matters; it reports ready only once it has caught up. Entries are forgotten once
 * no access token issued before them can still be valid (access TTL plus clock skew).
 */
public final class RevocationFeed implements Component, RevocationView {
    private static final Logger log = LoggerFactory.getLogger(RevocationFeed.class);

    private final Platform platform;
    private final Map<String, Instant> revokedFamilies = new ConcurrentHashMap<>();
    private final Duration forgetAfter;
    private final Clock clock;
    private volatile boolean caughtUp;
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaClientMetrics metrics;
    private Thread thread;

    public RevocationFeed(Platform platform) {
        this.platform = platform;
        this.clock = platform.clock();
        JwtConfig jwt = platform.auth().tokens().config();
        this.forgetAfter = jwt.accessTokenTtl().plus(jwt.clockSkew()).plus(Duration.ofMinutes(1));
        platform.health().register("auth:revocations", () -> caughtUp && thread != null && thread.isAlive());
    }

    @Override
    public boolean isFamilyRevoked(String familyId) {
        return revokedFamilies.containsKey(familyId);
    }

    /**
     * Folds one record in (also used by tests and by anything replaying the topic), then tells the
     * platform's revocation listeners, which close what is still open for those sessions.
     */
    public void apply(Revocation revocation) {
        if (revocation == null || revocation.familyIds() == null) return;
        Instant at = revocation.revokedAt() == null ? clock.instant() : revocation.revokedAt();
        for (String family : revocation.familyIds()) revokedFamilies.merge(family, at, (a, b) -> a.isAfter(b) ? a : b);
        platform.auth().revoked(List.copyOf(revocation.familyIds()));
    }

    @Override
    public void start() {
        Map<String, Object> props = platform.kafka().consumer("auth-revocations", null);
        props.put("fetch.max.wait.ms", 100);
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(AuthTopics.REVOCATIONS.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(platform.metrics());
        platform.auth().useRevocations(this);
        thread = new Thread(() -> run(ends), "auth-revocations");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Map<TopicPartition, Long> ends) {
        Deserializer<Revocation> values = AuthTopics.REVOCATIONS.valueSerde().deserializer();
        long lastPrune = clock.millis();
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        apply(values.deserialize(r.topic(), r.value()));
                    } catch (RuntimeException e) {
                        log.warn("unreadable revocation at {}-{} offset {}", r.topic(), r.partition(), r.offset());
                    }
                }
                if (!caughtUp) caughtUp = ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                if (clock.millis() - lastPrune > 60_000) {
                    Instant cutoff = clock.instant().minus(forgetAfter);
                    revokedFamilies.values().removeIf(at -> at.isBefore(cutoff));
                    lastPrune = clock.millis();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("revocation reader stopped; this instance is no longer ready", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** True once everything that was on the topic at start has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void close() {
        running = false;
        PollingThreads.stop(consumer, thread, Duration.ofSeconds(10));
        if (metrics != null) metrics.close();
    }
}
