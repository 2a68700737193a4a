package io.streamgate.api.assets;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.streamgate.api.resources.Cursor;
import io.streamgate.api.resources.Page;
import io.streamgate.api.resources.Params;
import io.streamgate.api.resources.Responses;
import io.streamgate.api.resources.Sql;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.http.FieldErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/assets}: the caller's assets, newest first, with keyset pagination
 * ({@code limit}, opaque {@code cursor}) and filters ({@code brand_kit_id}, {@code type}).
 * Generation jobs create assets (the worker writes them); there is no POST here.
 */
public final class AssetsApi implements Component {
    private final Platform platform;

    public AssetsApi(Platform platform) {
        this.platform = platform;
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/v1/assets", this::list);
    }

    /**
     * The list query. No user filter: row level security adds {@code user_id = app.user_id},
     * and the V90 indexes lead with user_id then follow the filters and the sort order, so a
     * page reads about {@code limit} index entries whatever the user owns.
     */
    public static String listSql(boolean byBrandKit, boolean byType, boolean withCursor) {
        List<String> where = new ArrayList<>();
        if (byBrandKit) where.add("brand_kit_id = ?");
        if (byType) where.add("type = ?");
        if (withCursor) where.add("(created_at, id) < (?, ?)");
        return "select " + Asset.COLUMNS + " from assets"
                + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
                + " order by created_at desc, id desc limit ?";
    }

    private void list(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        FieldErrors errors = new FieldErrors();
        int limit = Params.limit(ctx, errors);
        Cursor cursor = Params.cursor(ctx, errors);
        UUID brandKit = Params.optionalUuid(ctx, "brand_kit_id", errors);
        String type = Params.optionalAssetType(ctx, "type", errors);
        errors.throwIfAny();
        List<Object> filters = new ArrayList<>();
        if (brandKit != null) filters.add(brandKit);
        if (type != null) filters.add(type);
        Page<Asset> page = Sql.asUser(platform, user, c -> Sql.page(c, listSql(brandKit != null, type != null, cursor != null), filters, cursor, limit,
                Asset::from, row -> new Cursor(row.createdAt(), row.id())));
        Responses.readList(ctx, page);
    }
}
