package io.streamgate.api.coach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgate.platform.config.Env;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StreamTicketsTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    final UUID user = UUID.randomUUID();
    final UUID session = UUID.randomUUID();
    final StreamTickets tickets = new StreamTickets("a ticket secret of enough length", Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aTicketNamesItsUserAndSignInAndIsNewEachTime() {
        StreamTickets.Issued issued = tickets.issue(user, session, "family.with.dots", NOW.plus(Duration.ofMinutes(15)));
        assertThat(issued.expiresAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(tickets.verify(issued.ticket(), session)).isEqualTo(new StreamTickets.Ticket(user, "family.with.dots"));
        assertThat(tickets.verify(issued.ticket(), UUID.randomUUID())).isNull();
        assertThat(tickets.issue(user, session, "family.with.dots", null).ticket()).isNotEqualTo(issued.ticket());
    }

    @Test
    void aTicketNeverOutlivesTheAccessTokenItWasExchangedFor() {
        StreamTickets.Issued issued = tickets.issue(user, session, "f", NOW.plusSeconds(20));
        assertThat(issued.expiresAt()).isEqualTo(NOW.plusSeconds(20));
        StreamTickets later = new StreamTickets("a ticket secret of enough length", Duration.ofSeconds(60),
                Clock.fixed(NOW.plusSeconds(21), ZoneOffset.UTC));
        assertThat(later.verify(issued.ticket(), session)).isNull();
    }

    @Test
    void tamperedForeignAndOldFormatTicketsAreRefused() {
        String ticket = tickets.issue(user, session, "f", null).ticket();
        String[] parts = ticket.split("\\.");
        parts[3] = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("someone-else".getBytes());
        assertThat(tickets.verify(String.join(".", parts), session)).isNull();
        assertThat(new StreamTickets("another secret", Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC))
                .verify(ticket, session)).isNull();
        assertThat(tickets.verify("t1." + session + "." + user + "." + NOW.plusSeconds(60).getEpochSecond() + ".sig", session)).isNull();
        assertThat(tickets.verify(null, session)).isNull();
        assertThat(tickets.verify("x".repeat(600), session)).isNull();
    }

    @Test
    void theLifetimeIsCapped() {
        Env env = new Env(Map.of("COACH_TICKET_TTL", "6m"));
        assertThat(StreamTickets.ttl(env)).isEqualTo(StreamTickets.MAX_TTL);
        assertThat(env.problems()).singleElement().asString().startsWith("COACH_TICKET_TTL must be at most 5m");
        assertThat(StreamTickets.ttl(new Env(Map.of()))).isEqualTo(Duration.ofSeconds(60));
        assertThat(StreamTickets.ttl(new Env(Map.of("COACH_TICKET_TTL", "5m")))).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> new StreamTickets("s", Duration.ofMinutes(6), Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }

    // --- key versions ----------------------------------------------------------------------------

    static final String OLD = "the ticket secret before versions existed";
    static final String NEW = "the ticket secret of key version two here";
    static final Clock AT_NOW = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aRotationRefusesNoTicketWhileBothVersionsAreHeld() {
        StreamTickets before = new StreamTickets(OLD, Duration.ofSeconds(60), AT_NOW);
        StreamTickets stepOne = new StreamTickets("v1:" + OLD + ",v2:" + NEW, Duration.ofSeconds(60), AT_NOW); // v2 verify-only
        StreamTickets stepTwo = new StreamTickets("v2:" + NEW + ",v1:" + OLD, Duration.ofSeconds(60), AT_NOW); // v2 signs
        StreamTickets.Ticket expected = new StreamTickets.Ticket(user, "f");

        // minted before the change (t2): accepted all through the rotation
        String old = before.issue(user, session, "f", null).ticket();
        assertThat(old).startsWith("t2.");
        assertThat(stepOne.verify(old, session)).isEqualTo(expected);
        assertThat(stepTwo.verify(old, session)).isEqualTo(expected);
        // a v1 signer still mints t2, which the release before versions reads
        assertThat(before.verify(stepOne.issue(user, session, "f", null).ticket(), session)).isEqualTo(expected);

        String fresh = stepTwo.issue(user, session, "f", null).ticket();
        assertThat(fresh).startsWith("t3.v2.");
        assertThat(stepOne.verify(fresh, session)).isEqualTo(expected);
        assertThat(stepTwo.verify(fresh, UUID.randomUUID())).isNull();
        // an instance not holding v2 refuses it and can say why
        assertThat(before.verify(fresh, session)).isNull();
        assertThat(before.unknownVersion(fresh)).hasValue("v2");
        assertThat(stepOne.unknownVersion(fresh)).isEmpty();
        assertThat(new StreamTickets("v2:" + NEW, Duration.ofSeconds(60), AT_NOW).unknownVersion(old)).hasValue("v1");
    }

    @Test
    void theKeyVersionIsSignedAndSpelledOneWay() {
        StreamTickets both = new StreamTickets("v3:" + NEW + "!,v2:" + NEW, Duration.ofSeconds(60), AT_NOW);
        String v2 = both.issue(user, session, "f", null).ticket().replace("t3.v3.", "t3.v2.");
        assertThat(both.verify(v2, session)).as("relabelled").isNull();
        StreamTickets v1 = new StreamTickets("v1:" + OLD, Duration.ofSeconds(60), AT_NOW);
        String t2 = v1.issue(user, session, "f", null).ticket();
        assertThat(v1.verify("t3.v1." + t2.substring(3), session)).as("v1 is t2 only").isNull();
        assertThat(v1.unknownVersion("t3.v01." + t2.substring(3))).isEmpty();
        assertThat(v1.verify("t3.v2", session)).isNull();
    }
}
