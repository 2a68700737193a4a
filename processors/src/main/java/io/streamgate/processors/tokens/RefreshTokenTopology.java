package io.streamgate.processors.tokens;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.platform.metrics.CounterFamily;
import io.streamgate.schemas.JsonSerde;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenUsage;
import io.streamgate.schemas.auth.TokenVerdict;
import io.streamgate.schemas.auth.Verdicts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Refresh-token reuse detection. Token events are keyed by user id, so every event of one user
 * reaches one task in order; the task's store holds that user's families and decides each event
 * ({@link TokenDecider}): rotate, re-issue within the leeway, or treat as reuse and revoke
 * everything. Out go the verdict (to the partition the asking edge instance reads), a revocation
 * record when something was revoked, and an audit record for every event.
 */
public final class RefreshTokenTopology {
    public static final String APPLICATION_ID = "streamgate-auth";
    public static final String STORE = "token-families";
    /** Verdicts already given, by request id, for replays under at-least-once. */
    public static final String REQUESTS_STORE = "token-requests";
    /**
     * How long a request's verdict is remembered (by the record's timestamp, against stream
     * time). A replay comes from offsets not yet committed when an instance stopped: seconds or
     * minutes later, never an hour.
     */
    static final Duration REQUEST_MEMORY = Duration.ofHours(1);
    /** How often closed families are pruned from the store (wall clock). */
    static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    private RefreshTokenTopology() {}

    public static Topology build(StreamsBuilder builder, TokenRules rules, Clock clock, MeterRegistry metrics) {
        CounterFamily reuses = new CounterFamily(metrics, "auth.refresh.reuse.detected",
                "refresh-token presentations judged a reuse (every family of the user revoked)", "reason",
                List.of(Verdicts.REUSE_CLIENT_MISMATCH, Verdicts.REUSE_STALE_TOKEN, Verdicts.REUSE_FAMILY_CLOSED, Verdicts.REUSE_UNKNOWN_FAMILY));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), JsonSerde.of(UserTokens.class)));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(REQUESTS_STORE, REQUEST_MEMORY, Duration.ofMillis(1), false),
                Serdes.String(), JsonSerde.of(UserTokens.Decided.class)));

        KStream<String, TokenDecider.Outcome> outcomes = builder
                .stream(AuthTopics.TOKEN_USAGE.name(), Consumed.with(Serdes.String(), AuthTopics.TOKEN_USAGE.valueSerde()))
                .process(() -> new Decide(rules, clock, reuses), STORE, REQUESTS_STORE);

        outcomes.filter((user, o) -> o.verdict().replyPartition() != null)
                .mapValues(TokenDecider.Outcome::verdict)
                .to(AuthTopics.TOKEN_VERDICTS.name(), Produced.with(Serdes.String(), AuthTopics.TOKEN_VERDICTS.valueSerde())
                        .withStreamPartitioner(new ReplyPartitioner()));
        outcomes.filter((user, o) -> o.revocation() != null)
                .mapValues(TokenDecider.Outcome::revocation)
                .to(AuthTopics.REVOCATIONS.name(), Produced.with(Serdes.String(), AuthTopics.REVOCATIONS.valueSerde()));
        outcomes.mapValues(TokenDecider.Outcome::audit)
                .to(AuthTopics.AUDIT.name(), Produced.with(Serdes.String(), AuthTopics.AUDIT.valueSerde()));
        return builder.build();
    }

    /** Sends each verdict to the partition its asker named, so each edge instance reads one partition. */
    static final class ReplyPartitioner implements StreamPartitioner<String, TokenVerdict> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, TokenVerdict value, int numPartitions) {
            return Optional.of(Set.of(Math.floorMod(value.replyPartition(), numPartitions)));
        }
    }

    private static final class Decide implements Processor<String, TokenUsage, String, TokenDecider.Outcome> {
        private final TokenRules rules;
        private final Clock clock;
        private final CounterFamily reuses;
        private ProcessorContext<String, TokenDecider.Outcome> context;
        private KeyValueStore<String, UserTokens> store;
        private WindowStore<String, UserTokens.Decided> requests;

        Decide(TokenRules rules, Clock clock, CounterFamily reuses) {
            this.rules = rules;
            this.clock = clock;
            this.reuses = reuses;
        }

        @Override
        public void init(ProcessorContext<String, TokenDecider.Outcome> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
            this.requests = context.getStateStore(REQUESTS_STORE);
            context.schedule(PRUNE_EVERY, PunctuationType.WALL_CLOCK_TIME, ts -> prune(Instant.ofEpochMilli(ts)));
        }

        @Override
        public void process(Record<String, TokenUsage> record) {
            TokenUsage event = record.value();
            if (event == null || record.key() == null || !record.key().equals(event.userId())) return;
            UserTokens state = Optional.ofNullable(store.get(record.key())).orElseGet(UserTokens::empty);
            // A replayed record carries its original timestamp, so the lookup is exact.
            UserTokens.Decided earlier = requests.fetch(event.requestId(), record.timestamp());
            if (earlier != null) {
                context.forward(record.withValue(TokenDecider.again(state, event, earlier, clock.instant())));
                return;
            }
            TokenDecider.Outcome outcome = TokenDecider.decide(state, event, rules, clock.instant());
            store.put(record.key(), outcome.state());
            requests.put(event.requestId(), outcome.decided(), record.timestamp());
            // Here and not for a replay above: a replayed request is one detection, answered twice.
            if (Verdicts.REUSED.equals(outcome.decided().verdict())) reuses.increment(outcome.decided().reuseReason());
            context.forward(record.withValue(outcome));
        }

        /**
         * Forgets families closed longer ago than a family may live: a token of one presented
         * after that is treated as unknown (reuse), which a token that old deserves.
         */
        private void prune(Instant now) {
            List<KeyValue<String, UserTokens>> changed = new ArrayList<>();
            try (KeyValueIterator<String, UserTokens> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, UserTokens> kv = all.next();
                    UserTokens state = kv.value;
                    boolean removed = state.families().values().removeIf(f -> !f.active()
                            && f.closedAt() != null && f.closedAt().plus(rules.familyLifetime()).isBefore(now));
                    boolean stale = state.families().values().removeIf(f -> f.active()
                            && f.createdAt().plus(rules.familyLifetime()).plus(rules.familyLifetime()).isBefore(now));
                    if (removed || stale) changed.add(KeyValue.pair(kv.key, state.families().isEmpty() ? null : state));
                }
            }
            for (KeyValue<String, UserTokens> kv : changed) {
                if (kv.value == null) store.delete(kv.key);
                else store.put(kv.key, kv.value);
            }
        }
    }
}
