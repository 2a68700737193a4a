package io.streamgate.api.coach;

import com.fasterxml.jackson.core.type.TypeReference;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachRequest.BrandKitSnapshot;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads {@code brand_kits} (owned by the resources feature, migration V30) as the app role
 * with the user set, so another user's kit is simply not found. The table may not exist in a
 * database that lacks that feature's migrations: then brand kits are unavailable (503), not a 500.
 */
final class JdbcBrandKits implements BrandKits {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private final Database db;

    JdbcBrandKits(Database db) {
        this.db = db;
    }

    @Override
    public Optional<BrandKitSnapshot> find(UUID user, UUID brandKitId) {
        return db.inUserTransaction(user, c -> {
            try (PreparedStatement check = c.prepareStatement("select to_regclass('public.brand_kits') is not null")) {
                ResultSet rs = check.executeQuery();
                rs.next();
                if (!rs.getBoolean(1)) throw ProblemException.unavailable("brand_kits_unavailable", "brand kits are not available on this server", 60);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, name, colors::text, fonts::text, tone, version from brand_kits where id = ?")) {
                ps.setObject(1, brandKitId);
                ResultSet rs = ps.executeQuery();
                if (!rs.next()) return Optional.empty();
                try {
                    return Optional.of(new BrandKitSnapshot(rs.getObject(1, UUID.class), rs.getString(2),
                            Json.mapper().readValue(rs.getString(3), STRINGS), Json.mapper().readValue(rs.getString(4), STRINGS),
                            rs.getString(5), rs.getInt(6)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("brand kit " + brandKitId + " has malformed colors or fonts", e);
                }
            }
        });
    }
}
