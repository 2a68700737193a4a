package io.streamgate.api.assets;

import io.streamgate.api.resources.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/** A generated asset as the API lists it. Assets never change once written. */
public record Asset(UUID id, String type, UUID brandKitId, String storageUrl, String contentType, long sizeBytes,
                    Integer width, Integer height, Instant createdAt) {

    static final String COLUMNS = "id, type, brand_kit_id, storage_url, content_type, size_bytes, width, height, created_at";

    static Asset from(ResultSet rs) throws SQLException {
        return new Asset(Sql.uuid(rs, "id"), rs.getString("type"), Sql.uuid(rs, "brand_kit_id"), rs.getString("storage_url"),
                rs.getString("content_type"), rs.getLong("size_bytes"), Sql.integer(rs, "width"), Sql.integer(rs, "height"),
                Sql.instant(rs, "created_at"));
    }
}
