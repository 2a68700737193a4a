package io.streamgate.api.resources;

import io.streamgate.platform.Platform;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Writes rows the way the generation worker would: as the worker role, for any user. */
final class Seed {
    private Seed() {}

    static final String[] TYPES = {"thumbnail", "overlay", "emote", "banner"};

    /** One asset of {@code user}, created at {@code at}; returns its id. */
    static UUID asset(Platform platform, UUID user, UUID brandKit, String type, Instant at) {
        return platform.db().inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into assets (user_id, brand_kit_id, type, storage_url, size_bytes, created_at)"
                    + " values (?, ?, ?, ?, ?, ?) returning id")) {
                ps.setObject(1, user);
                ps.setObject(2, brandKit);
                ps.setString(3, type);
                ps.setString(4, "https://cdn.example.test/" + UUID.randomUUID() + ".png");
                ps.setLong(5, 12_345);
                ps.setObject(6, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getObject(1, UUID.class);
                }
            }
        });
    }

    /**
     * {@code count} assets of {@code user}, one second apart going back from {@code newest},
     * cycling through the types and {@code brandKits} (null entries = no kit); ids newest first.
     */
    static List<UUID> assets(Platform platform, UUID user, int count, Instant newest, List<UUID> brandKits) {
        return platform.db().inWorkerTransaction(c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("insert into assets (user_id, brand_kit_id, type, storage_url, size_bytes, created_at)"
                    + " values (?, ?, ?, ?, ?, ?) returning id")) {
                for (int i = 0; i < count; i++) {
                    ps.setObject(1, user);
                    ps.setObject(2, brandKits.get(i % brandKits.size()));
                    ps.setString(3, TYPES[i % TYPES.length]);
                    ps.setString(4, "https://cdn.example.test/" + UUID.randomUUID() + ".png");
                    ps.setLong(5, 1_000 + i);
                    ps.setObject(6, OffsetDateTime.ofInstant(newest.minusSeconds(i), ZoneOffset.UTC));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return ids;
        });
    }
}
