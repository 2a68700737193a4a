package io.streamgate.api.generations;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.streamgate.api.resources.AssetRequests;
import io.streamgate.api.resources.Cursor;
import io.streamgate.api.resources.Page;
import io.streamgate.api.resources.Params;
import io.streamgate.api.resources.Responses;
import io.streamgate.api.resources.Sql;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.http.FieldErrors;
import io.streamgate.platform.http.JsonBodies;
import io.streamgate.platform.http.ProblemException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/generations}: the caller's generation jobs. POST queues one (a worker runs it
 * and writes the asset through {@link GenerationResults}); GET lists or reads them.
 */
public final class GenerationsApi implements Component {
    private static final Set<String> FIELDS = Set.of("prompt", "asset_type", "brand_kit_id");

    private final Platform platform;

    public GenerationsApi(Platform platform) {
        this.platform = platform;
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/v1/generations", this::list);
        config.routes.post("/v1/generations", this::create);
        config.routes.get("/v1/generations/{id}", this::get);
    }

    /** The list query, newest first with keyset pagination; RLS adds the user filter. */
    public static String listSql(boolean withCursor) {
        return "select " + GenerationJob.COLUMNS + " from generation_jobs"
                + (withCursor ? " where (created_at, id) < (?, ?)" : "")
                + " order by created_at desc, id desc limit ?";
    }

    private void list(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        FieldErrors errors = new FieldErrors();
        int limit = Params.limit(ctx, errors);
        Cursor cursor = Params.cursor(ctx, errors);
        errors.throwIfAny();
        Page<GenerationJob> page = Sql.asUser(platform, user, c -> Sql.page(c, listSql(cursor != null), List.of(), cursor, limit,
                GenerationJob::from, row -> new Cursor(row.createdAt(), row.id())));
        Responses.readList(ctx, page);
    }

    private void get(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        UUID id = Params.pathId(ctx, "generation");
        GenerationJob job = Sql.asUser(platform, user, c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + GenerationJob.COLUMNS + " from generation_jobs where id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? GenerationJob.from(rs) : null;
                }
            }
        });
        if (job == null) throw ProblemException.notFound("no generation " + id);
        Responses.read(ctx, job, job.etag());
    }

    private void create(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        JsonNode body = JsonBodies.tree(ctx);
        FieldErrors errors = new FieldErrors();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) errors.add(field, "is not a generation field");
        }
        JsonNode prompt = body.get("prompt");
        boolean promptOk = prompt != null && prompt.isTextual() && !prompt.asText().isBlank() && prompt.asText().strip().length() <= AssetRequests.MAX_PROMPT;
        errors.check(promptOk, "prompt", "is required: a non-blank string of at most " + AssetRequests.MAX_PROMPT + " characters");
        JsonNode type = body.get("asset_type");
        errors.check(type != null && type.isTextual() && AssetRequests.ASSET_TYPES.contains(type.asText()), "asset_type",
                "is required: one of " + AssetRequests.ASSET_TYPES_LISTED);
        UUID brandKit = null;
        JsonNode kit = body.get("brand_kit_id");
        if (kit != null && !kit.isNull()) {
            try {
                brandKit = kit.isTextual() ? UUID.fromString(kit.asText()) : null;
            } catch (IllegalArgumentException e) {
                brandKit = null;
            }
            errors.check(brandKit != null, "brand_kit_id", "must be the id of one of your brand kits, or absent");
        }
        errors.throwIfAny();
        UUID brandKitId = brandKit;
        GenerationJob job = Sql.asUser(platform, user, c -> {
            // RLS hides other users' kits: "someone else's" and "none" look the same.
            if (brandKitId != null && !Sql.exists(c, "select 1 from brand_kits where id = ?", brandKitId)) {
                new FieldErrors().add("brand_kit_id", "no such brand kit").throwIfAny();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into generation_jobs (user_id, prompt, asset_type, brand_kit_id)"
                    + " values (?, ?, ?, ?) returning " + GenerationJob.COLUMNS)) {
                ps.setObject(1, user);
                ps.setString(2, prompt.asText().strip());
                ps.setString(3, type.asText());
                ps.setObject(4, brandKitId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return GenerationJob.from(rs);
                }
            }
        });
        ctx.header("Location", "/v1/generations/" + job.id());
        Responses.write(ctx, 201, job, job.etag());
    }
}
