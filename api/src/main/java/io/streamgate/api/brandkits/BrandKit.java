package io.streamgate.api.brandkits;

import io.streamgate.api.resources.ETags;
import io.streamgate.api.resources.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A brand kit as the API shows it (the owner is always the caller, so no user id). */
public record BrandKit(UUID id, String name, List<String> colors, List<String> fonts, String tone, UUID logoAssetId,
                       int version, Instant createdAt, Instant updatedAt) {

    static final String COLUMNS = "id, name, colors, fonts, tone, logo_asset_id, version, created_at, updated_at";

    static BrandKit from(ResultSet rs) throws SQLException {
        return new BrandKit(Sql.uuid(rs, "id"), rs.getString("name"), Sql.stringList(rs, "colors"), Sql.stringList(rs, "fonts"),
                rs.getString("tone"), Sql.uuid(rs, "logo_asset_id"), rs.getInt("version"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }

    public String etag() {
        return ETags.of(id, version);
    }
}
