package io.streamgate.client.coach;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.5);

    @Test
    void theCeilingDoublesPerAttemptFromTheBaseUpToTheCap() {
        Duration base = Duration.ofMillis(100);

        assertThat(backoff.ceiling(1, base)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(2, base)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(5, base)).isEqualTo(Duration.ofMillis(1600));
        assertThat(backoff.ceiling(30, base)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterSpreadsDelaysOverTheUpperHalfOfTheCeiling() {
        Random random = new Random(42);
        Duration base = Duration.ofMillis(2000); // a server's retry: 2000
        for (int attempt = 1; attempt <= 6; attempt++) {
            long ceiling = backoff.ceiling(attempt, base).toMillis();
            for (int i = 0; i < 200; i++) {
                long d = backoff.delay(attempt, base, random).toMillis();
                assertThat(d).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void jitterActuallyVaries() {
        Random random = new Random(7);
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> backoff.delay(3, Duration.ofMillis(1000), random)).distinct().count();

        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void withoutJitterTheDelayIsTheCeiling() {
        Backoff exact = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 3.0, 0);

        assertThat(exact.delay(3, Duration.ofMillis(100), new Random())).isEqualTo(Duration.ofMillis(900));
    }
}
