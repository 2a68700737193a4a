package io.streamgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RandomIdsTest {
    @Test
    void idsAreVersionFourIetfVariantUuids() {
        for (int i = 0; i < 1000; i++) {
            UUID id = RandomIds.uuid();
            assertEquals(4, id.version());
            assertEquals(2, id.variant());
            String text = RandomIds.uuidString();
            assertEquals(4, UUID.fromString(text).version());
            assertEquals(36, text.length());
        }
    }

    @Test
    void idsFromManyThreadsNeverRepeat() {
        Set<UUID> seen = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 200_000).parallel().forEach(i -> seen.add(RandomIds.uuid()));
        assertEquals(200_000, seen.size());
        Set<Integer> versions = new HashSet<>();
        seen.forEach(id -> versions.add(id.version()));
        assertEquals(Set.of(4), versions);
    }
}
