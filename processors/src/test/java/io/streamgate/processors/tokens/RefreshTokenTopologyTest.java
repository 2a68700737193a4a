package io.streamgate.processors.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.Revocation;
import io.streamgate.schemas.auth.TokenAudit;
import io.streamgate.schemas.auth.TokenUsage;
import io.streamgate.schemas.auth.TokenVerdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A user logs in, refreshes, races themselves, loses a token to a thief, and logs out. */
class RefreshTokenTopologyTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final TokenRules RULES = new TokenRules(Duration.ofSeconds(10), Duration.ofDays(30), Duration.ofDays(7));

    TopologyTestDriver driver;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    TestInputTopic<String, TokenUsage> usage;
    TestOutputTopic<String, TokenVerdict> verdicts;
    TestOutputTopic<String, Revocation> revocations;
    TestOutputTopic<String, TokenAudit> audit;

    final String user = UUID.randomUUID().toString();
    final String family = UUID.randomUUID().toString();
    int requests;
    /** The client the next events come from (its binding is a hash of this name); null: no binding. */
    String client = "laptop";

    void start(TokenRules rules) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tokens-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(RefreshTokenTopology.build(new StreamsBuilder(), rules, Clock.systemUTC(), metrics), props);
        usage = driver.createInputTopic(AuthTopics.TOKEN_USAGE.name(), Serdes.String().serializer(), AuthTopics.TOKEN_USAGE.valueSerde().serializer());
        verdicts = driver.createOutputTopic(AuthTopics.TOKEN_VERDICTS.name(), Serdes.String().deserializer(), AuthTopics.TOKEN_VERDICTS.valueSerde().deserializer());
        revocations = driver.createOutputTopic(AuthTopics.REVOCATIONS.name(), Serdes.String().deserializer(), AuthTopics.REVOCATIONS.valueSerde().deserializer());
        audit = driver.createOutputTopic(AuthTopics.AUDIT.name(), Serdes.String().deserializer(), AuthTopics.AUDIT.valueSerde().deserializer());
    }

    @BeforeEach
    void startWithDefaults() {
        start(RULES);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    // --- the story's vocabulary ------------------------------------------------------------

    static String hash(String name) {
        // 43 base64url characters, like a real SHA-256 hash
        String s = (name + "_".repeat(43));
        return s.substring(0, 43);
    }

    TokenVerdict send(String type, String familyId, String presented, String successor, Instant at) {
        return send("r" + (++requests), type, familyId, presented, successor, at);
    }

    TokenVerdict send(String requestId, String type, String familyId, String presented, String successor, Instant at) {
        usage.pipeInput(user, new TokenUsage(requestId, type, user, familyId, presented == null ? null : hash(presented),
                successor == null ? null : hash(successor), 3, "203.0.113.7", "test-agent", at,
                client == null ? null : hash("binding-" + client)), at);
        TokenVerdict v = verdicts.readValue();
        assertThat(v.requestId()).isEqualTo(requestId);
        return v;
    }

    TokenVerdict login(Instant at) {
        return send(TokenUsage.ISSUE, family, "t0", null, at);
    }

    TokenVerdict refresh(String presented, String successor, Instant at) {
        return send(TokenUsage.REFRESH, family, presented, successor, at);
    }

    // --- the story --------------------------------------------------------------------------

    @Test
    void loginStartsAFamilyAndTheCurrentTokenRotates() {
        assertThat(login(T0).verdict()).isEqualTo("issued");
        TokenVerdict first = refresh("t0", "t1", T0.plusSeconds(60));
        assertThat(first.verdict()).isEqualTo("rotated");
        assertThat(first.successorRequestId()).isEqualTo(first.requestId());
        assertThat(refresh("t1", "t2", T0.plusSeconds(120)).verdict()).isEqualTo("rotated");
        assertThat(revocations.isEmpty()).isTrue();
        assertThat(audit.readValuesToList()).extracting(TokenAudit::verdict).containsExactly("issued", "rotated", "rotated");
    }

    @Test
    void theParentWithinTheLeewayGetsTheSameSuccessorAgain() {
        login(T0);
        TokenVerdict rotated = refresh("t0", "t1", T0.plusSeconds(60));
        TokenVerdict concurrentTab = refresh("t0", "t1-other", T0.plusSeconds(60).plusMillis(300));
        assertThat(concurrentTab.verdict()).isEqualTo("reissued");
        assertThat(concurrentTab.successorRequestId()).isEqualTo(rotated.requestId());
        // the successor stays t1: the re-issue did not install its own proposal
        assertThat(refresh("t1", "t2", T0.plusSeconds(61)).verdict()).isEqualTo("rotated");
    }

    @Test
    void theParentWithinTheLeewayFromTheSameClientIsAuditedAsAMatch() {
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        assertThat(refresh("t0", "t1-retry", T0.plusSeconds(61)).verdict()).isEqualTo("reissued");
        TokenAudit reissue = audit.readValuesToList().get(2);
        assertThat(reissue.verdict()).isEqualTo("reissued");
        assertThat(reissue.clientMatch()).isTrue();
        assertThat(reissue.reuseReason()).isNull();
    }

    @Test
    void theParentWithinTheLeewayFromAnotherClientIsAReuseAuditedAsAMismatch() {
        login(T0);
        String otherFamily = UUID.randomUUID().toString();
        send(TokenUsage.ISSUE, otherFamily, "phone0", null, T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        audit.readValuesToList();

        client = "thief";
        TokenVerdict thief = refresh("t0", "stolen", T0.plusSeconds(60).plusMillis(300));
        assertThat(thief.verdict()).isEqualTo("reused");
        assertThat(revocations.readValue().familyIds()).containsExactlyInAnyOrder(family, otherFamily);
        TokenAudit record = audit.readValue();
        assertThat(record.verdict()).isEqualTo("reused");
        assertThat(record.clientMatch()).isFalse();
        assertThat(record.reuseReason()).isEqualTo("client_mismatch");
        // the legitimate client's successor died with the family
        client = "laptop";
        assertThat(refresh("t1", "t2", T0.plusSeconds(61)).verdict()).isEqualTo("reused");
    }

    @Test
    void theBindingComparedIsTheOneOfTheRequestThatMadeTheCurrentToken() {
        client = "old-laptop";
        login(T0);
        client = "laptop";
        refresh("t0", "t1", T0.plusSeconds(60));
        // the login's client is not the one the successor went to
        client = "old-laptop";
        assertThat(refresh("t0", "x", T0.plusSeconds(61)).verdict()).isEqualTo("reused");
    }

    @Test
    void aFamilyRotatedBeforeBindingsExistedKeepsThePlainLeeway() {
        client = null;
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        client = "laptop";
        assertThat(refresh("t0", "x", T0.plusSeconds(61)).verdict()).isEqualTo("reissued");
        TokenAudit reissue = audit.readValuesToList().get(2);
        assertThat(reissue.clientMatch()).as("nothing was compared").isNull();
        // the next rotation records this client, and from then on the binding counts
        refresh("t1", "t2", T0.plusSeconds(62));
        client = "thief";
        assertThat(refresh("t1", "x", T0.plusSeconds(63)).verdict()).isEqualTo("reused");
    }

    @Test
    void logoutWithTheParentFromAnotherClientIsAReuse() {
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(1));
        client = "thief";
        assertThat(send(TokenUsage.LOGOUT, family, "t0", null, T0.plusSeconds(2)).verdict()).isEqualTo("reused");
        assertThat(audit.readValuesToList()).last().satisfies(a -> assertThat(a.reuseReason()).isEqualTo("client_mismatch"));
    }

    @Test
    void everyReuseSaysWhy() {
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        refresh("t1", "t2", T0.plusSeconds(61));
        refresh("t0", "x", T0.plusSeconds(62));
        send(TokenUsage.REFRESH, UUID.randomUUID().toString(), "forged", "x", T0.plusSeconds(63));
        refresh("t2", "t3", T0.plusSeconds(64));
        assertThat(audit.readValuesToList()).filteredOn(a -> a.verdict().equals("reused"))
                .extracting(TokenAudit::reuseReason, TokenAudit::clientMatch)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("stale_token", null),
                        org.assertj.core.groups.Tuple.tuple("unknown_family", null),
                        org.assertj.core.groups.Tuple.tuple("family_closed", null));
        assertThat(reuseDetections("stale_token")).isEqualTo(1);
        assertThat(reuseDetections("unknown_family")).isEqualTo(1);
        assertThat(reuseDetections("family_closed")).isEqualTo(1);
        assertThat(reuseDetections("client_mismatch")).as("registered before any").isZero();
    }

    @Test
    void aReplayedReuseIsCountedOnce() {
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        send("req-thief", TokenUsage.REFRESH, family, "t0", "x", T0.plusSeconds(3600));
        send("req-thief", TokenUsage.REFRESH, family, "t0", "x", T0.plusSeconds(3600));
        assertThat(reuseDetections("stale_token")).isEqualTo(1);
    }

    double reuseDetections(String reason) {
        return metrics.get("auth.refresh.reuse.detected").tag("reason", reason).counter().count();
    }

    @Test
    void theLeewayEndsExactlyAtItsLength() {
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        assertThat(refresh("t0", "x", T0.plusSeconds(70)).verdict()).as("at exactly 10 s").isEqualTo("reissued");
        assertThat(refresh("t0", "x", T0.plusSeconds(70).plusMillis(1)).verdict()).as("1 ms later").isEqualTo("reused");
    }

    @Test
    void onlyTheImmediateParentGetsTheLeewayNeverAnOlderAncestor() {
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        refresh("t1", "t2", T0.plusSeconds(61));
        TokenVerdict grandparent = refresh("t0", "x", T0.plusSeconds(62));
        assertThat(grandparent.verdict()).isEqualTo("reused");
    }

    @Test
    void reuseRevokesEveryFamilyOfTheUserAndIsAudited() {
        login(T0);
        String otherFamily = UUID.randomUUID().toString();
        send(TokenUsage.ISSUE, otherFamily, "phone0", null, T0);
        refresh("t0", "t1", T0.plusSeconds(60));
        audit.readValuesToList();

        TokenVerdict thief = refresh("t0", "stolen", T0.plusSeconds(3600));
        assertThat(thief.verdict()).isEqualTo("reused");
        Revocation revocation = revocations.readValue();
        assertThat(revocation.familyIds()).containsExactlyInAnyOrder(family, otherFamily);
        assertThat(revocation.reason()).isEqualTo("reuse");
        TokenAudit record = audit.readValue();
        assertThat(record.verdict()).isEqualTo("reused");
        assertThat(record.tokenId()).isEqualTo(hash("t0"));
        assertThat(record.ip()).isEqualTo("203.0.113.7");
        assertThat(record.userAgent()).isEqualTo("test-agent");
        assertThat(record.revokedFamilyIds()).containsExactlyInAnyOrder(family, otherFamily);

        // the legitimate holder's current token is dead too, and so is the other device's
        assertThat(refresh("t1", "t2", T0.plusSeconds(3601)).verdict()).isEqualTo("reused");
        assertThat(send(TokenUsage.REFRESH, otherFamily, "phone0", "phone1", T0.plusSeconds(3602)).verdict()).isEqualTo("reused");
    }

    @Test
    void anUnknownFamilyIsAReuse() {
        login(T0);
        TokenVerdict v = send(TokenUsage.REFRESH, UUID.randomUUID().toString(), "forged", "x", T0.plusSeconds(1));
        assertThat(v.verdict()).isEqualTo("reused");
        assertThat(revocations.readValue().familyIds()).contains(family);
    }

    @Test
    void theSameRequestProcessedTwiceGetsTheSameVerdict() {
        login(T0);
        TokenVerdict first = send("req-42", TokenUsage.REFRESH, family, "t0", "t1", T0.plusSeconds(60));
        // a replay (at-least-once after a crash) far outside the leeway: still the first answer
        TokenVerdict replay = send("req-42", TokenUsage.REFRESH, family, "t0", "t1", T0.plusSeconds(60));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(replay).usingRecursiveComparison().ignoringFields("decidedAt").isEqualTo(first);
        assertThat(revocations.isEmpty()).isTrue();
        assertThat(refresh("t1", "t2", T0.plusSeconds(120)).verdict()).isEqualTo("rotated");
    }

    @Test
    void aReplayIsAnsweredEvenAfterHundredsOfLaterRequestsOfTheSameUser() {
        login(T0);
        TokenVerdict first = send("req-first", TokenUsage.REFRESH, family, "t0", "t1", T0.plusSeconds(1));
        String current = "t1";
        for (int i = 2; i <= 300; i++) {
            assertThat(refresh(current, "t" + i, T0.plusSeconds(1).plusMillis(i)).verdict()).isEqualTo("rotated");
            current = "t" + i;
        }
        // the first request again, as after a crash under at-least-once: its first answer, no reuse
        TokenVerdict replay = send("req-first", TokenUsage.REFRESH, family, "t0", "t1", T0.plusSeconds(1));
        assertThat(replay).usingRecursiveComparison().ignoringFields("decidedAt").isEqualTo(first);
        assertThat(revocations.isEmpty()).isTrue();
        assertThat(refresh(current, "next", T0.plusSeconds(2)).verdict()).isEqualTo("rotated");
    }

    @Test
    void aFamilyIdleTooLongExpiresWithoutRevokingTheOthers() {
        login(T0);
        String otherFamily = UUID.randomUUID().toString();
        send(TokenUsage.ISSUE, otherFamily, "phone0", null, T0.plus(Duration.ofDays(6)));
        assertThat(refresh("t0", "t1", T0.plus(Duration.ofDays(7)).plusSeconds(1)).verdict()).isEqualTo("expired");
        assertThat(revocations.readValue().familyIds()).containsExactly(family);
        // presenting the expired family's token again is not a theft
        assertThat(refresh("t0", "t1", T0.plus(Duration.ofDays(8))).verdict()).isEqualTo("expired");
        assertThat(send(TokenUsage.REFRESH, otherFamily, "phone0", "phone1", T0.plus(Duration.ofDays(8))).verdict()).isEqualTo("rotated");
    }

    @Test
    void aFamilyOlderThanItsLifetimeExpiresEvenIfUsedDaily() {
        login(T0);
        String current = "t0";
        for (int day = 1; day <= 30; day++) {
            String next = "t" + day;
            assertThat(refresh(current, next, T0.plus(Duration.ofDays(day))).verdict()).isEqualTo("rotated");
            current = next;
        }
        assertThat(refresh(current, "late", T0.plus(Duration.ofDays(30)).plusSeconds(1)).verdict()).isEqualTo("expired");
    }

    @Test
    void logoutRevokesOnlyThisFamily() {
        login(T0);
        String otherFamily = UUID.randomUUID().toString();
        send(TokenUsage.ISSUE, otherFamily, "phone0", null, T0);
        assertThat(send(TokenUsage.LOGOUT, family, "t0", null, T0.plusSeconds(5)).verdict()).isEqualTo("logged_out");
        assertThat(revocations.readValue().familyIds()).containsExactly(family);
        // a second click on logout is harmless
        assertThat(send(TokenUsage.LOGOUT, family, "t0", null, T0.plusSeconds(6)).verdict()).isEqualTo("logged_out");
        assertThat(revocations.isEmpty()).isTrue();
        assertThat(send(TokenUsage.REFRESH, otherFamily, "phone0", "phone1", T0.plusSeconds(7)).verdict()).isEqualTo("rotated");
        // but refreshing the logged-out family is a reuse
        assertThat(refresh("t0", "t1", T0.plusSeconds(8)).verdict()).isEqualTo("reused");
    }

    @Test
    void logoutAllRevokesEveryFamily() {
        login(T0);
        String otherFamily = UUID.randomUUID().toString();
        send(TokenUsage.ISSUE, otherFamily, "phone0", null, T0);
        assertThat(send(TokenUsage.LOGOUT_ALL, family, "t0", null, T0.plusSeconds(5)).verdict()).isEqualTo("logged_out");
        Revocation r = revocations.readValue();
        assertThat(r.familyIds()).containsExactlyInAnyOrder(family, otherFamily);
        assertThat(r.reason()).isEqualTo("logout_all");
    }

    @Test
    void logoutWithAStaleTokenIsAReuse() {
        login(T0);
        refresh("t0", "t1", T0.plusSeconds(1));
        assertThat(send(TokenUsage.LOGOUT, family, "t0", null, T0.plusSeconds(60)).verdict()).isEqualTo("reused");
    }

    @Test
    void aSignedInUserRevokesOneSessionById() {
        login(T0);
        assertThat(send(TokenUsage.REVOKE_FAMILY, family, null, null, T0.plusSeconds(1)).verdict()).isEqualTo("logged_out");
        assertThat(revocations.readValue().reason()).isEqualTo("session_revoked");
        assertThat(send(TokenUsage.REVOKE_FAMILY, family, null, null, T0.plusSeconds(2)).verdict()).isEqualTo("not_found");
        assertThat(send(TokenUsage.REVOKE_FAMILY, UUID.randomUUID().toString(), null, null, T0.plusSeconds(2)).verdict()).isEqualTo("not_found");
    }

    @Test
    void closedFamiliesArePrunedAfterALifetime() {
        login(T0);
        send(TokenUsage.LOGOUT, family, "t0", null, T0.plusSeconds(1));
        driver.advanceWallClockTime(Duration.ofDays(400));
        var store = driver.<String, UserTokens>getKeyValueStore(RefreshTokenTopology.STORE);
        assertThat(store.get(user)).isNull();
    }

    @Nested
    class StrictMode {
        @BeforeEach
        void strict() {
            driver.close();
            start(new TokenRules(Duration.ZERO, Duration.ofDays(30), Duration.ofDays(7)));
        }

        @Test
        void leewayZeroMakesEvenASimultaneousSecondPresentationAReuse() {
            login(T0);
            refresh("t0", "t1", T0.plusSeconds(60));
            assertThat(refresh("t0", "t1b", T0.plusSeconds(60)).verdict()).isEqualTo("reused");
        }
    }
}
