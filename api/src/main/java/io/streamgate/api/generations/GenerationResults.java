package io.streamgate.api.generations;

import io.streamgate.api.resources.Sql;
import io.streamgate.platform.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;

/**
 * The worker side of generation jobs: the process that renders images reports progress and
 * results here, as the worker role (it acts for many users, through explicit worker
 * policies, never BYPASSRLS). Each step bumps the job's version, so clients' ETags change.
 * Steps are idempotent: repeating one (a redelivered message) changes nothing.
 */
public final class GenerationResults {
    /** What the renderer produced. */
    public record NewAsset(String storageUrl, String contentType, long sizeBytes, Integer width, Integer height) {}

    private final Database db;

    public GenerationResults(Database db) {
        this.db = db;
    }

    /** queued → running. False when the job is not queued (already started, or unknown). */
    public boolean start(UUID jobId) {
        return db.inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update generation_jobs set status = 'running', started_at = now(),"
                    + " updated_at = now(), version = version + 1 where id = ? and status = 'queued'")) {
                ps.setObject(1, jobId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * queued/running → succeeded, writing the asset (of the job's user, type and brand kit)
     * in the same transaction. Returns the asset id, also when the job had already succeeded.
     */
    public Optional<UUID> succeed(UUID jobId, NewAsset asset) {
        return db.inWorkerTransaction(c -> {
            UUID user;
            String type;
            UUID brandKit;
            try (PreparedStatement ps = c.prepareStatement("select user_id, asset_type, brand_kit_id, status, result_asset_id"
                    + " from generation_jobs where id = ? for update")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    String status = rs.getString("status");
                    if (status.equals("succeeded")) return Optional.ofNullable(Sql.uuid(rs, "result_asset_id"));
                    if (status.equals("failed")) return Optional.empty();
                    user = Sql.uuid(rs, "user_id");
                    type = rs.getString("asset_type");
                    brandKit = Sql.uuid(rs, "brand_kit_id");
                }
            }
            UUID assetId;
            try (PreparedStatement ps = c.prepareStatement("insert into assets (user_id, brand_kit_id, type, storage_url,"
                    + " content_type, size_bytes, width, height) values (?, ?, ?, ?, ?, ?, ?, ?) returning id")) {
                ps.setObject(1, user);
                ps.setObject(2, brandKit);
                ps.setString(3, type);
                ps.setString(4, asset.storageUrl());
                ps.setString(5, asset.contentType());
                ps.setLong(6, asset.sizeBytes());
                ps.setObject(7, asset.width());
                ps.setObject(8, asset.height());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assetId = Sql.uuid(rs, "id");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("update generation_jobs set status = 'succeeded', result_asset_id = ?,"
                    + " started_at = coalesce(started_at, now()), finished_at = now(), updated_at = now(), version = version + 1"
                    + " where id = ?")) {
                ps.setObject(1, assetId);
                ps.setObject(2, jobId);
                ps.executeUpdate();
            }
            return Optional.of(assetId);
        });
    }

    /** queued/running → failed with a reason shown to the user (keep it free of internals). */
    public boolean fail(UUID jobId, String reason) {
        return db.inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update generation_jobs set status = 'failed', error = left(?, 1000),"
                    + " finished_at = now(), updated_at = now(), version = version + 1"
                    + " where id = ? and status in ('queued', 'running')")) {
                ps.setString(1, reason);
                ps.setObject(2, jobId);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
