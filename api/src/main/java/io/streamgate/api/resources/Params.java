package io.streamgate.api.resources;

import io.javalin.http.Context;
import io.streamgate.platform.http.FieldErrors;
import io.streamgate.platform.http.ProblemException;
import java.util.UUID;

/** Query and path parameters shared by the resources endpoints. */
public final class Params {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private Params() {}

    /**
     * The id in the path. Something that is not a UUID cannot name a row, so it is a 404
     * like any id the user does not own.
     */
    public static UUID pathId(Context ctx, String what) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no " + what + " " + ctx.pathParam("id"));
        }
    }

    public static int limit(Context ctx, FieldErrors errors) {
        String raw = ctx.queryParam("limit");
        if (raw == null) return DEFAULT_LIMIT;
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) return limit;
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add("limit", "must be an integer from 1 to " + MAX_LIMIT);
        return DEFAULT_LIMIT;
    }

    public static Cursor cursor(Context ctx, FieldErrors errors) {
        String raw = ctx.queryParam("cursor");
        if (raw == null || raw.isEmpty()) return null;
        Cursor cursor = Cursor.decode(raw);
        if (cursor == null) errors.add("cursor", "is not a cursor from a previous page's next_cursor");
        return cursor;
    }

    public static UUID optionalUuid(Context ctx, String name, FieldErrors errors) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) return null;
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            errors.add(name, "must be a UUID");
            return null;
        }
    }

    public static String optionalAssetType(Context ctx, String name, FieldErrors errors) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) return null;
        if (!AssetRequests.ASSET_TYPES.contains(raw)) errors.add(name, "must be one of " + AssetRequests.ASSET_TYPES_LISTED);
        return raw;
    }
}
