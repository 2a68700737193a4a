package io.streamgate.api.generations;

import io.streamgate.api.resources.ETags;
import io.streamgate.api.resources.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * A request to generate an asset. {@code status}: queued, running, succeeded (then
 * {@code resultAssetId} names the asset) or failed (then {@code error} says why).
 */
public record GenerationJob(UUID id, String prompt, String assetType, UUID brandKitId, String status, UUID resultAssetId,
                            String error, int version, Instant createdAt, Instant updatedAt, Instant startedAt,
                            Instant finishedAt) {

    static final String COLUMNS = "id, prompt, asset_type, brand_kit_id, status, result_asset_id, error, version,"
            + " created_at, updated_at, started_at, finished_at";

    static GenerationJob from(ResultSet rs) throws SQLException {
        return new GenerationJob(Sql.uuid(rs, "id"), rs.getString("prompt"), rs.getString("asset_type"),
                Sql.uuid(rs, "brand_kit_id"), rs.getString("status"), Sql.uuid(rs, "result_asset_id"), rs.getString("error"),
                rs.getInt("version"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                Sql.instant(rs, "started_at"), Sql.instant(rs, "finished_at"));
    }

    public String etag() {
        return ETags.of(id, version);
    }
}
