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
}
