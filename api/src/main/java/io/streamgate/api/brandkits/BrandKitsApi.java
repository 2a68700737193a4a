package io.streamgate.api.brandkits;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.streamgate.api.resources.Cursor;
import io.streamgate.api.resources.ETags;
import io.streamgate.api.resources.Page;
import io.streamgate.api.resources.Params;
import io.streamgate.api.resources.Responses;
import io.streamgate.api.resources.Sql;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.http.FieldErrors;
import io.streamgate.platform.http.JsonBodies;
import io.streamgate.platform.http.ProblemException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * {@code /v1/brand-kits}: the caller's brand kits. Every query runs as the app role inside
 * one transaction with {@code app.user_id} set, and none filters on the user itself: row
 * level security does, so another user's kit is simply absent (404, never 403).
 */
public final class BrandKitsApi implements Component {
    private final Platform platform;

    public BrandKitsApi(Platform platform) {
        this.platform = platform;
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/v1/brand-kits", this::list);
        config.routes.post("/v1/brand-kits", this::create);
        config.routes.get("/v1/brand-kits/{id}", this::get);
        config.routes.patch("/v1/brand-kits/{id}", this::update);
        config.routes.delete("/v1/brand-kits/{id}", this::delete);
    }

    private void list(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        FieldErrors errors = new FieldErrors();
        int limit = Params.limit(ctx, errors);
        Cursor cursor = Params.cursor(ctx, errors);
        errors.throwIfAny();
        Page<BrandKit> page = Sql.asUser(platform, user, c -> Sql.page(c, listSql(cursor != null), List.of(), cursor, limit,
                BrandKit::from, row -> new Cursor(row.createdAt(), row.id())));
        Responses.readList(ctx, page);
    }

    /** The list query, newest first with keyset pagination; bench/ runs it as the app role. */
    public static String listSql(boolean withCursor) {
        return "select " + BrandKit.COLUMNS + " from brand_kits"
                + (withCursor ? " where (created_at, id) < (?, ?)" : "")
                + " order by created_at desc, id desc limit ?";
    }

    private void get(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        UUID id = Params.pathId(ctx, "brand kit");
        BrandKit kit = Sql.asUser(platform, user, c -> find(c, id, false));
        if (kit == null) throw notFound(id);
        Responses.read(ctx, kit, kit.etag());
    }

    private void create(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        BrandKitFields fields = BrandKitFields.parse(JsonBodies.tree(ctx), true);
        BrandKit kit = Sql.asUser(platform, user, c -> {
            requireOwnAsset(c, fields);
            try (PreparedStatement ps = c.prepareStatement("insert into brand_kits (user_id, name, colors, fonts, tone, logo_asset_id)"
                    + " values (?, ?, ?::jsonb, ?::jsonb, ?, ?) returning " + BrandKit.COLUMNS)) {
                ps.setObject(1, user);
                ps.setString(2, fields.name());
                ps.setString(3, Sql.jsonArray(fields.hasColors() ? fields.colors() : List.of()));
                ps.setString(4, Sql.jsonArray(fields.hasFonts() ? fields.fonts() : List.of()));
                ps.setString(5, fields.tone());
                ps.setObject(6, fields.logoAssetId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return BrandKit.from(rs);
                }
            }
        });
        ctx.header("Location", "/v1/brand-kits/" + kit.id());
        Responses.write(ctx, 201, kit, kit.etag());
    }

    private void update(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        UUID id = Params.pathId(ctx, "brand kit");
        BrandKitFields fields = BrandKitFields.parse(JsonBodies.tree(ctx), false);
        BrandKit kit = Sql.asUser(platform, user, c -> {
            // Locked, so the version compared with If-Match is the one this update replaces.
            BrandKit current = find(c, id, true);
            if (current == null) throw notFound(id);
            ETags.requireIfMatch(ctx, current.etag());
            requireOwnAsset(c, fields);
            try (PreparedStatement ps = c.prepareStatement("update brand_kits set"
                    + " name = ?, colors = ?::jsonb, fonts = ?::jsonb, tone = ?, logo_asset_id = ?,"
                    + " version = version + 1, updated_at = now()"
                    + " where id = ? returning " + BrandKit.COLUMNS)) {
                ps.setString(1, fields.hasName() ? fields.name() : current.name());
                ps.setString(2, Sql.jsonArray(fields.hasColors() ? fields.colors() : current.colors()));
                ps.setString(3, Sql.jsonArray(fields.hasFonts() ? fields.fonts() : current.fonts()));
                ps.setString(4, fields.hasTone() ? fields.tone() : current.tone());
                ps.setObject(5, fields.hasLogo() ? fields.logoAssetId() : current.logoAssetId());
                ps.setObject(6, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return BrandKit.from(rs);
                }
            }
        });
        Responses.write(ctx, 200, kit, kit.etag());
    }

    private void delete(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        UUID id = Params.pathId(ctx, "brand kit");
        Sql.asUser(platform, user, c -> {
            BrandKit current = find(c, id, true);
            if (current == null) throw notFound(id);
            ETags.requireIfMatch(ctx, current.etag());
            try (PreparedStatement ps = c.prepareStatement("delete from brand_kits where id = ?")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            return null;
        });
        ctx.status(204);
    }

    private static BrandKit find(Connection c, UUID id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + BrandKit.COLUMNS + " from brand_kits where id = ?"
                + (forUpdate ? " for update" : ""))) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? BrandKit.from(rs) : null;
            }
        }
    }

    /** The logo must be one of the caller's assets; RLS hides the rest, so the answer is the same for "someone else's" and "none". */
    private static void requireOwnAsset(Connection c, BrandKitFields fields) throws SQLException {
        if (fields.logoAssetId() == null) return;
        if (!Sql.exists(c, "select 1 from assets where id = ?", fields.logoAssetId())) {
            new FieldErrors().add("logo_asset_id", "no such asset").throwIfAny();
        }
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("no brand kit " + id);
    }
}
