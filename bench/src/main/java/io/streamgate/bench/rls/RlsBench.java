package io.streamgate.bench.rls;

import io.streamgate.api.assets.AssetsApi;
import io.streamgate.api.brandkits.BrandKitsApi;
import io.streamgate.api.generations.GenerationsApi;
import io.streamgate.migrations.DbRoles;
import io.streamgate.migrations.Migrations;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.db.DatabaseUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * RLS indexes, before and after: a dedicated database with a realistic, skewed data set,
 * migrated to V39 (tables, RLS policies, no V90 index migration); the API's own list queries
 * run over JDBC as the app role inside a user transaction (RLS supplies the user filter),
 * for many users; EXPLAIN (ANALYZE, BUFFERS) of each; then V90 and the same again.
 *
 * <p>Usage: {@code bench/run.sh rls [users-sampled]}. Reads DATABASE_URL (default the local
 * server); creates and finally drops the database {@code streamgate_bench_rls}
 * ({@code --keep} keeps it). Writes bench/results/rls.md.
 */
public final class RlsBench {
    static final String DB = "streamgate_bench_rls";
    static final int USERS = 10_000;
    static final int HEAVY_USERS = 100;
    static final int BRAND_KITS = 100_000;
    static final int ASSETS = 1_000_000;
    static final int JOBS = 500_000;
    static final int PAGE = 50;

    /** One API query: its SQL (exactly what the handler prepares) and how to bind it for a user. */
    record Query(String name, String sql, Binder binder) {}

    interface Binder {
        void bind(PreparedStatement ps, UserData user) throws SQLException;
    }

    /** What a sampled user's requests need: a kit to filter by, a cursor position for page 2. */
    record UserData(UUID id, int index, UUID brandKit, OffsetDateTime cursorAt, UUID cursorId) {}

    record Stats(double p50, double p99, int n) {}

    public static void main(String[] args) throws Exception {
        int sampled = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 200;
        boolean keep = Arrays.asList(args).contains("--keep");
        DatabaseUrl server = DatabaseUrl.parse(System.getenv().getOrDefault("DATABASE_URL", DatabaseUrl.DEFAULT));
        DatabaseUrl url = server.withDatabase(DB);
        // Roles of its own: the bench never resets the password of a role a running dev server uses.
        String password = UUID.randomUUID().toString();
        DbRoles roles = new DbRoles("streamgate_bench_app", password, "streamgate_bench_worker", password);

        exec(server, "drop database if exists " + DB + " with (force)");
        exec(server, "create database " + DB);
        DataSource owner = Database.ownerDataSource(url);
        StringBuilder report = new StringBuilder();
        try {
            long t0 = System.nanoTime();
            // Everything before V90 (Flyway's target must name an existing version).
            String target = Arrays.stream(Migrations.flyway(owner, roles).info().all())
                    .map(m -> m.getVersion()).filter(v -> v != null && v.isNewerThan("0") && !v.isAtLeast("90"))
                    .max(java.util.Comparator.naturalOrder()).orElseThrow().getVersion();
            Migrations.migrateTo(owner, roles, target);
            log("migrated to V" + target + " (no RLS indexes)");
            String counts = generate(owner);
            double genSeconds = (System.nanoTime() - t0) / 1e9;
            log(String.format(Locale.ROOT, "data generated in %.0f s: %s", genSeconds, counts));

            List<UserData> users = sample(owner, sampled);
            List<Query> queries = queries();
            Map<String, Stats> before = measure(url, roles, queries, users, 1);
            Map<String, String> plansBefore = plans(url, roles, queries, users);

            long t1 = System.nanoTime();
            Migrations.migrate(owner, roles);
            double indexSeconds = (System.nanoTime() - t1) / 1e9;
            log(String.format(Locale.ROOT, "migrated V90 (RLS indexes + analyze) in %.1f s", indexSeconds));
            Map<String, Stats> after = measure(url, roles, queries, users, 5);
            Map<String, String> plansAfter = plans(url, roles, queries, users);

            String table = table(queries, before, after);
            System.out.println();
            System.out.println(table);
            report.append("# RLS indexes: before/after (bench/run.sh rls)\n\n")
                    .append("Run ").append(Instant.now()).append(" on ").append(serverVersion(owner)).append(", ")
                    .append(Runtime.getRuntime().availableProcessors()).append(" CPUs (shared).\n\n")
                    .append("Data: ").append(counts).append(String.format(Locale.ROOT, "; generated in %.0f s; V90 built in %.1f s.%n%n", genSeconds, indexSeconds))
                    .append("Users sampled: ").append(users.size()).append(" (uniform over all users; ")
                    .append(users.stream().filter(u -> u.index() < HEAVY_USERS).count()).append(" heavy). ")
                    .append("Before: 1 pass; after: 5 passes. Times are JDBC executeQuery + reading every row, as the app role")
                    .append(" inside a user transaction (RLS on, FORCE), in ms.\n\n")
                    .append(table).append("\n\n## Plans (EXPLAIN (ANALYZE, BUFFERS), as the app role)\n\n");
            for (Query q : queries) {
                report.append("### ").append(q.name()).append("\n\nBefore (V39):\n\n```\n").append(plansBefore.get(q.name()))
                        .append("```\n\nAfter (V90):\n\n```\n").append(plansAfter.get(q.name())).append("```\n\n");
            }
            Path out = Path.of("bench/results/rls.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report.toString());
            log("wrote " + out.toAbsolutePath());
        } finally {
            if (!keep) exec(server, "drop database if exists " + DB + " with (force)");
        }
    }

    /** The API's list queries, by the same methods the handlers use to build them. */
    static List<Query> queries() {
        return List.of(
                new Query("GET /v1/assets", AssetsApi.listSql(false, false, false), (ps, u) -> ps.setInt(1, PAGE + 1)),
                new Query("GET /v1/assets (page 2, cursor)", AssetsApi.listSql(false, false, true), (ps, u) -> {
                    ps.setObject(1, u.cursorAt());
                    ps.setObject(2, u.cursorId());
                    ps.setInt(3, PAGE + 1);
                }),
                new Query("GET /v1/assets?brand_kit_id=", AssetsApi.listSql(true, false, false), (ps, u) -> {
                    ps.setObject(1, u.brandKit());
                    ps.setInt(2, PAGE + 1);
                }),
                new Query("GET /v1/assets?type=emote", AssetsApi.listSql(false, true, false), (ps, u) -> {
                    ps.setString(1, "emote");
                    ps.setInt(2, PAGE + 1);
                }),
                new Query("GET /v1/brand-kits", BrandKitsApi.listSql(false), (ps, u) -> ps.setInt(1, PAGE + 1)),
                new Query("GET /v1/generations", GenerationsApi.listSql(false), (ps, u) -> ps.setInt(1, PAGE + 1)));
    }

    /**
     * Users 0..9,999 with ids md5('user' || i); users 0..99 are heavy (30% of all assets and
     * jobs, about 3,000 assets each), the rest get about 70 assets each. Every user has 10
     * brand kits; 30% of assets have no kit. Timestamps spread over a year. Foreign-key
     * triggers are skipped during the load (session_replication_role = replica): the rows
     * are consistent by construction, and a million RI lookups would triple the load time.
     */
    static String generate(DataSource owner) throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("set synchronous_commit = off");
            s.execute("set session_replication_role = replica");
            s.execute("select setseed(0.42)");
            s.execute("create function pg_temp.uid(i int) returns uuid language sql immutable as $$ select md5('user' || i)::uuid $$");
            s.execute("create function pg_temp.kid(i int) returns uuid language sql immutable as $$ select md5('kit' || i)::uuid $$");
            s.execute("create function pg_temp.skewed_user() returns int language sql volatile as"
                    + " $$ select case when random() < 0.3 then floor(random() * " + HEAVY_USERS + ")::int"
                    + " else floor(random() * " + USERS + ")::int end $$");
            timed(s, "brand_kits", "insert into brand_kits (id, user_id, name, colors, fonts, tone, created_at, updated_at)"
                    + " select pg_temp.kid(k), pg_temp.uid(k % " + USERS + "), 'Kit ' || k, '[\"#112233\",\"#ffaa00\"]', '[\"Inter\"]', 'friendly',"
                    + " t, t from (select k, now() - random() * interval '365 days' as t from generate_series(0, " + (BRAND_KITS - 1) + ") k) g");
            timed(s, "assets", "insert into assets (user_id, brand_kit_id, type, storage_url, size_bytes, width, height, created_at)"
                    + " select pg_temp.uid(u), case when random() < 0.3 then null else pg_temp.kid(u + " + USERS + " * floor(random() * 10)::int) end,"
                    + " (array['thumbnail','overlay','emote','banner'])[1 + floor(random() * 4)::int],"
                    + " 'https://cdn.example.com/a/' || n || '.png', 20000 + floor(random() * 2000000)::bigint, 1280, 720,"
                    + " now() - random() * interval '365 days'"
                    + " from (select n, pg_temp.skewed_user() as u from generate_series(1, " + ASSETS + ") n) g");
            timed(s, "generation_jobs", "insert into generation_jobs (user_id, prompt, asset_type, brand_kit_id, status, version,"
                    + " created_at, updated_at, started_at, finished_at)"
                    + " select pg_temp.uid(u), 'prompt number ' || n || ' for a stream banner', 'banner',"
                    + " case when random() < 0.5 then null else pg_temp.kid(u + " + USERS + " * floor(random() * 10)::int) end,"
                    + " st, case when st = 'queued' then 1 when st = 'running' then 2 else 3 end, t, t, t, case when st in ('succeeded', 'failed') then t end"
                    + " from (select n, pg_temp.skewed_user() as u, now() - random() * interval '365 days' as t,"
                    + "   (array['succeeded','succeeded','succeeded','succeeded','succeeded','succeeded','succeeded','succeeded','failed','queued'])"
                    + "   [1 + floor(random() * 10)::int] as st from generate_series(1, " + JOBS + ") n) g");
            s.execute("set session_replication_role = origin");
            // The "before" schema gets fresh statistics and a visibility map too, so the only
            // difference the second run sees is the V90 indexes.
            c.setAutoCommit(true);
            timed(s, "vacuum analyze", "vacuum analyze brand_kits, assets, generation_jobs");
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("users", count(s, "select count(distinct user_id) from assets"));
            for (String t : List.of("brand_kits", "assets", "generation_jobs")) counts.put(t, count(s, "select count(*) from " + t));
            counts.put("assets of the heaviest user", count(s, "select max(n) from (select count(*) n from assets group by user_id) x"));
            counts.put("median assets per user", count(s, "select percentile_disc(0.5) within group (order by n) from (select count(*) n from assets group by user_id) x"));
            StringBuilder sb = new StringBuilder();
            counts.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%,d %s", v, k)));
            return sb.toString();
        }
    }

    /** Sampled users, each with one of their kits and the position after their first page. */
    static List<UserData> sample(DataSource owner, int n) throws SQLException {
        Random random = new Random(7);
        List<UserData> users = new ArrayList<>();
        try (Connection c = owner.getConnection();
             PreparedStatement cursor = c.prepareStatement("select created_at, id from assets where user_id = ?"
                     + " order by created_at desc, id desc offset " + (PAGE - 1) + " limit 1")) {
            for (int i = 0; i < n; i++) {
                int index = random.nextInt(USERS);
                UUID id = uuid("user" + index);
                UUID kit = uuid("kit" + (index + USERS * random.nextInt(10)));
                cursor.setObject(1, id);
                try (ResultSet rs = cursor.executeQuery()) {
                    // a user with fewer than 50 assets gets a cursor at the epoch: an empty page 2
                    if (rs.next()) users.add(new UserData(id, index, kit, rs.getObject(1, OffsetDateTime.class), rs.getObject(2, UUID.class)));
                    else users.add(new UserData(id, index, kit, OffsetDateTime.parse("1970-01-01T00:00:00Z"), new UUID(0, 0)));
                }
            }
        }
        return users;
    }

    /** p50/p99 of each query over every sampled user, {@code passes} times, as the app role. */
    static Map<String, Stats> measure(DatabaseUrl url, DbRoles roles, List<Query> queries, List<UserData> users, int passes) throws SQLException {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        queries.forEach(q -> samples.put(q.name(), new ArrayList<>()));
        try (Connection c = appConnection(url, roles)) {
            c.setAutoCommit(false);
            List<PreparedStatement> statements = new ArrayList<>();
            for (Query q : queries) statements.add(c.prepareStatement(q.sql()));
            // warm-up: caches and the driver's server-side prepared statements
            for (UserData u : users.subList(0, Math.min(10, users.size()))) runAll(c, queries, statements, u, null);
            for (int pass = 0; pass < passes; pass++) {
                for (UserData u : users) runAll(c, queries, statements, u, samples);
            }
            for (PreparedStatement ps : statements) ps.close();
        }
        Map<String, Stats> stats = new LinkedHashMap<>();
        samples.forEach((name, list) -> {
            double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            stats.put(name, new Stats(percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.length));
        });
        log("measured " + stats);
        return stats;
    }

    /** One user's requests: one transaction each, app.user_id set first, as Database.inUserTransaction does. */
    static void runAll(Connection c, List<Query> queries, List<PreparedStatement> statements, UserData u,
                       Map<String, List<Double>> samples) throws SQLException {
        for (int i = 0; i < queries.size(); i++) {
            setUser(c, u.id());
            PreparedStatement ps = statements.get(i);
            queries.get(i).binder().bind(ps, u);
            long start = System.nanoTime();
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows++;
            }
            double ms = (System.nanoTime() - start) / 1e6;
            c.commit();
            if (samples != null) samples.get(queries.get(i).name()).add(ms);
            if (rows > PAGE + 1) throw new IllegalStateException("more rows than the limit");
        }
    }

    /** Plans for a typical user (the median asset count of the sample) and the heaviest sampled one. */
    static Map<String, String> plans(DatabaseUrl url, DbRoles roles, List<Query> queries, List<UserData> users) throws SQLException {
        UserData heavy = users.stream().filter(u -> u.index() < HEAVY_USERS).findFirst().orElse(users.get(0));
        UserData typical = users.stream().filter(u -> u.index() >= HEAVY_USERS).findFirst().orElse(users.get(0));
        Map<String, String> plans = new LinkedHashMap<>();
        try (Connection c = appConnection(url, roles)) {
            c.setAutoCommit(false);
            for (Query q : queries) {
                StringBuilder sb = new StringBuilder();
                for (UserData u : List.of(typical, heavy)) {
                    sb.append("-- ").append(u == heavy ? "heavy user" : "typical user").append('\n');
                    setUser(c, u.id());
                    try (PreparedStatement ps = c.prepareStatement("explain (analyze, buffers) " + q.sql())) {
                        q.binder().bind(ps, u);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) sb.append(rs.getString(1)).append('\n');
                        }
                    }
                    c.commit();
                }
                plans.put(q.name(), sb.toString());
            }
        }
        return plans;
    }

    static String table(List<Query> queries, Map<String, Stats> before, Map<String, Stats> after) {
        StringBuilder sb = new StringBuilder();
        sb.append("| query (limit 51, as the app role under RLS) | before p50 | before p99 | after p50 | after p99 | p50 speed-up | p99 speed-up |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Query q : queries) {
            Stats b = before.get(q.name());
            Stats a = after.get(q.name());
            sb.append(String.format(Locale.ROOT, "| %s | %.2f ms | %.2f ms | %.3f ms | %.3f ms | **%.0f×** | %.0f× |%n",
                    q.name(), b.p50(), b.p99(), a.p50(), a.p99(), b.p50() / a.p50(), b.p99() / a.p99()));
        }
        return sb.toString().trim();
    }

    static void setUser(Connection c, UUID user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select set_config('app.user_id', ?, true)")) {
            ps.setString(1, user.toString());
            ps.execute();
        }
    }

    static Connection appConnection(DatabaseUrl url, DbRoles roles) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", roles.appRole());
        p.setProperty("password", roles.appPassword());
        p.setProperty("ApplicationName", "streamgate-bench-rls");
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static UUID uuid(String md5Of) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5").digest(md5Of.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : d) hex.append(String.format("%02x", b));
            String h = hex.toString();
            return UUID.fromString(h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void timed(Statement s, String what, String sql) throws SQLException {
        long t = System.nanoTime();
        s.execute(sql);
        log(String.format(Locale.ROOT, "%s: %.1f s", what, (System.nanoTime() - t) / 1e9));
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String serverVersion(DataSource owner) throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        }
    }

    static void exec(DatabaseUrl server, String sql) throws SQLException {
        try (Connection c = Database.ownerDataSource(server).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void log(String message) {
        System.err.println("[rls-bench " + Instant.now() + "] " + message);
    }

    private RlsBench() {}

    static {
        // keep the driver's logging quiet and the bench's own output readable
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

}
