package io.streamgate.api.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.streamgate.platform.Platform;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.db.DatabaseException;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Least privilege, read from the fully migrated schema (every feature's migrations): for every
 * table and view, what the app role (HTTP requests) and the worker role (sinks, sign-in,
 * generation results) may select, insert, update and delete, column by column. Each right is
 * tried as the role itself with a statement that touches no row ({@code where false}), so
 * Postgres checks the privilege and nothing else: allowed, or refused with SQLSTATE 42501.
 *
 * <p>{@link #EXPECTED} must name every table and view of the schema: a new table without an
 * explicit decision fails {@link #everyTableAndViewHasADecision()}, and one whose grants
 * (R__least_privilege.sql) differ from its decision fails its own test below.
 */
@StreamgateTest
class RolePrivilegesTest {
    enum Role { APP, WORKER }

    /**
     * What one role may do with one relation. A column set names the columns; {@link #EVERY}
     * stands for all of them (a table-wide grant).
     */
    record Rights(Set<String> select, Set<String> insert, Set<String> update, boolean delete) {
        static final Set<String> EVERY = Set.of("*");

        static Rights none() {
            return new Rights(Set.of(), Set.of(), Set.of(), false);
        }

        /** SELECT on the columns named, or on the whole relation when none are. */
        static Rights reads(String... columns) {
            return new Rights(columns(columns), Set.of(), Set.of(), false);
        }

        /** INSERT of the columns named, or of the whole row when none are. */
        Rights inserts(String... columns) {
            return new Rights(select, columns(columns), update, delete);
        }

        /** UPDATE of exactly these columns. */
        Rights updates(String... columns) {
            return new Rights(select, insert, Set.of(columns), delete);
        }

        Rights deletes() {
            return new Rights(select, insert, update, true);
        }

        private static Set<String> columns(String... columns) {
            return columns.length == 0 ? EVERY : Set.of(columns);
        }

        static boolean covers(Set<String> granted, String column) {
            return granted == EVERY || granted.contains(column);
        }
    }

    /** The decision for every table and view of schema public, and why (docs/resources.md, "Role rights"). */
    static final Map<String, Map<Role, Rights>> EXPECTED = Map.ofEntries(
            // An instance that does not migrate learns from Flyway's history, as the app role, that the schema is current.
            relation("flyway_schema_history", Rights.reads(), Rights.none()),
            // For operators, who read it as the owner.
            relation("platform_info", Rights.none(), Rights.none()),
            // Webhooks: the sink writes them; the API reads the operator's event view and a user's own subscription.
            relation("webhook_events", Rights.reads(), Rights.reads().inserts()
                    .updates("created", "received_at", "status", "reason", "subscription_id", "deliveries", "updated_at")),
            relation("webhook_deliveries", Rights.reads(), Rights.reads().inserts()),
            relation("subscriptions", Rights.reads(), Rights.reads().inserts()
                    .updates("user_id", "customer_id", "status", "current_period_end", "access_until",
                            "last_event_id", "last_event_type", "last_event_created", "last_event_rank", "updated_at")),
            // Auth: registration and sign-in run as the worker; nobody may update or delete an account.
            relation("users", Rights.reads("id", "email", "created_at"), Rights.reads().inserts()),
            relation("refresh_token_usage", Rights.reads(), Rights.reads().inserts()),
            relation("auth_sessions", Rights.reads(), Rights.reads().inserts()
                    .updates("last_used_at", "ip", "user_agent", "status", "closed_at")),
            // Sign-in limits are counted before anyone is signed in, by the edge as the worker.
            relation("auth_attempt_counters", Rights.none(), Rights.reads().inserts().updates("window_start", "expires_at", "attempts").deletes()),
            // Resources: brand kits are the user's alone; the generation worker owns job states and assets.
            relation("brand_kits", Rights.reads().inserts()
                    .updates("name", "colors", "fonts", "tone", "logo_asset_id", "version", "updated_at").deletes(), Rights.none()),
            relation("assets", Rights.reads(), Rights.reads().inserts()),
            relation("generation_jobs", Rights.reads().inserts("user_id", "prompt", "asset_type", "brand_kit_id"),
                    Rights.reads().updates("status", "result_asset_id", "error", "version", "updated_at", "started_at", "finished_at")),
            relation("brand_kit_asset_counts", Rights.reads(), Rights.none()),
            // Coach: the output offsets are written once, by the API at creation; the worker records progress.
            relation("coach_sessions", Rights.reads().inserts("id", "user_id", "prompt", "asset_type", "brand_kit_id",
                    "output_partition", "output_from_offset"), Rights.reads().updates("status", "last_seq", "error_reason", "updated_at")));

    static final String RELATIONS = """
            select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f') order by 1""";

    static Platform platform;
    static DataSource owner;

    @BeforeAll
    static void migrate(TestEnv env) {
        platform = env.platform();
        owner = Database.ownerDataSource(env.databaseUrl());
    }

    @Test
    void everyTableAndViewHasADecision() throws SQLException {
        assertThat(relations().keySet())
                .as("tables and views of schema public; a new one needs its grants in R__least_privilege.sql and its row in EXPECTED")
                .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    /** One test per table and view: each role holds exactly the rights decided for it, column by column. */
    @TestFactory
    Stream<DynamicTest> eachRoleHoldsExactlyItsRights() throws SQLException {
        return relations().entrySet().stream().filter(r -> EXPECTED.containsKey(r.getKey()))
                .map(r -> DynamicTest.dynamicTest(r.getKey(), () -> assertThat(mismatches(r.getKey(), r.getValue()))
                        .as("rights of the app and worker roles on " + r.getKey()).isEmpty()));
    }

    @Test
    void noRoleCanChangeAPasswordHashEvenOfItsOwnAccount() {
        UUID user = registered();
        // Row level security would let the app role see and change this row: the grants do not.
        assertThat(platform.db().<List<String>>inUserTransaction(user, c -> strings(c, "select email from users"))).containsExactly(user + "@example.test");
        refused(() -> platform.db().inUserTransaction(user, c -> strings(c, "select password_hash from users")));
        refused(() -> platform.db().inUserTransaction(user, c -> update(c, "update users set password_hash = 'forged' where id = ?", user)));
        refused(() -> platform.db().inUserTransaction(user, c -> update(c, "delete from users where id = ?", user)));
        refused(() -> platform.db().inWorkerTransaction(c -> update(c, "update users set password_hash = 'forged' where id = ?", user)));
        refused(() -> platform.db().inWorkerTransaction(c -> update(c, "update users set email = 'x@example.test' where id = ?", user)));
        refused(() -> platform.db().inWorkerTransaction(c -> update(c, "delete from users where id = ?", user)));
        assertThat(platform.db().<List<String>>inWorkerTransaction(c -> strings(c, "select password_hash from users where id = '" + user + "'")))
                .containsExactly("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
    }

    @Test
    void onlyTheWorkerWritesSubscriptions() {
        UUID user = UUID.randomUUID();
        String own = "sub_" + user;
        refused(() -> platform.db().inUserTransaction(user, c -> update(c, "insert into subscriptions (stripe_subscription_id, user_id, status,"
                + " last_event_id, last_event_type, last_event_created, last_event_rank) values ('" + own + "', ?, 'active', 'evt', 'invoice.paid', now(), 4)", user)));
        assertThat(platform.db().<Integer>inWorkerTransaction(c -> update(c, "insert into subscriptions (stripe_subscription_id, user_id, status,"
                + " last_event_id, last_event_type, last_event_created, last_event_rank) values ('" + own + "', ?, 'past_due', 'evt', 'invoice.payment_failed', now(), 4)", user)))
                .isEqualTo(1);
        // The user's own row, visible to them, and still not theirs to change.
        assertThat(platform.db().<List<String>>inUserTransaction(user, c -> strings(c, "select status from subscriptions"))).containsExactly("past_due");
        refused(() -> platform.db().inUserTransaction(user, c -> update(c, "update subscriptions set status = 'active', access_until = now() + interval '1 year'"
                + " where user_id = ?", user)));
        refused(() -> platform.db().inUserTransaction(user, c -> update(c, "delete from subscriptions where user_id = ?", user)));
        refused(() -> platform.db().inWorkerTransaction(c -> update(c, "delete from subscriptions where user_id = ?", user)));
    }

    @Test
    void coachOutputOffsetsAreWrittenOnceAtCreation() {
        UUID user = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        // As POST /v1/coach/sessions does.
        platform.db().inUserTransaction(user, c -> update(c, "insert into coach_sessions (id, user_id, prompt, asset_type, brand_kit_id,"
                + " output_partition, output_from_offset) values ('" + session + "', ?, 'p', 'emote', null, 0, 42)", user));
        refused(() -> platform.db().inUserTransaction(user, c -> update(c, "update coach_sessions set output_from_offset = 0 where user_id = ?", user)));
        refused(() -> platform.db().inUserTransaction(user, c -> update(c, "update coach_sessions set status = 'done' where user_id = ?", user)));
        refused(() -> platform.db().inWorkerTransaction(c -> update(c, "update coach_sessions set output_from_offset = 0 where id = ?", session)));
        refused(() -> platform.db().inWorkerTransaction(c -> update(c, "update coach_sessions set output_partition = 1 where id = ?", session)));
        // As the coach worker does.
        assertThat(platform.db().<Integer>inWorkerTransaction(c -> update(c, "update coach_sessions set status = 'streaming', updated_at = now()"
                + " where id = ? and status = 'queued'", session))).isEqualTo(1);
        assertThat(platform.db().<List<String>>inUserTransaction(user, c -> strings(c, "select status || '@' || output_from_offset from coach_sessions")))
                .containsExactly("streaming@42");
    }

    @Test
    void neitherRoleReadsOrWritesPlatformInfo() {
        for (String sql : List.of("insert into platform_info (key, value) values ('k', 'v')", "update platform_info set value = 'v'",
                "delete from platform_info", "select * from platform_info")) {
            refused(() -> platform.db().inWorkerTransaction(c -> execute(c, sql)));
            try (Connection c = platform.db().app().getConnection()) {
                refused(() -> execute(c, sql));
            } catch (SQLException e) {
                throw new DatabaseException(e);
            }
        }
    }

    /**
     * A table a later migration creates starts with no rights at all (default privileges), and
     * neither role can create one: it would own it, and owners are not subject to row level security.
     */
    @Test
    void aNewTableStartsWithNoRightsAndNeitherRoleCanCreateOne() throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("create table planted_feature (id bigint generated always as identity primary key, user_id uuid not null)");
                s.execute("create sequence planted_sequence");
                for (String role : List.of(platform.db().appRole(), platform.db().workerRole())) {
                    assertThat(bool(s, "select has_table_privilege('" + role + "', 'planted_feature',"
                            + " 'select, insert, update, delete, truncate, references, trigger')")).as(role + " on a new table").isFalse();
                    assertThat(bool(s, "select has_any_column_privilege('" + role + "', 'planted_feature', 'select, insert, update, references')"))
                            .as(role + " on the columns of a new table").isFalse();
                    assertThat(bool(s, "select has_sequence_privilege('" + role + "', 'planted_sequence', 'usage, select, update')"))
                            .as(role + " on a new sequence").isFalse();
                    assertThat(bool(s, "select has_schema_privilege('" + role + "', 'public', 'create')")).as(role + " creates in public").isFalse();
                }
            } finally {
                c.rollback();
            }
        }
        try (Connection c = platform.db().app().getConnection()) {
            refused(() -> execute(c, "create table mine (id int)"));
        }
    }

    // --- the per-relation check ------------------------------------------------------------------

    /** Every way the roles' actual rights on {@code relation} differ from its decision, in words. */
    static List<String> mismatches(String relation, String kind) throws SQLException {
        List<String> out = new ArrayList<>();
        Map<String, String> columns = columns(relation);
        for (Role role : Role.values()) {
            Rights expected = EXPECTED.get(relation).get(role);
            for (Set<String> named : List.of(expected.select(), expected.insert(), expected.update())) {
                for (String column : named) {
                    if (named != Rights.EVERY && !columns.containsKey(column)) out.add("EXPECTED names " + relation + "." + column + ": no such column");
                }
            }
            String name = roleName(role);
            try (Connection c = connection(role); Connection o = owner.getConnection(); Statement catalog = o.createStatement()) {
                boolean table = kind.equals("r") || kind.equals("p");
                for (var column : columns.entrySet()) {
                    String col = quote(column.getKey());
                    String at = relation + "." + column.getKey();
                    check(out, name, "select " + at, Rights.covers(expected.select(), column.getKey()),
                            allowed(c, "select " + col + " from public." + quote(relation) + " where false"));
                    if (table) {
                        check(out, name, "insert " + at, Rights.covers(expected.insert(), column.getKey()),
                                allowed(c, "insert into public." + quote(relation) + " (" + col + ") select null::" + column.getValue() + " where false"));
                        check(out, name, "update " + at, Rights.covers(expected.update(), column.getKey()),
                                allowed(c, "update public." + quote(relation) + " set " + col + " = null where false"));
                    } else {
                        check(out, name, "insert " + at, Rights.covers(expected.insert(), column.getKey()),
                                bool(catalog, "select has_column_privilege('" + name + "', 'public." + quote(relation) + "', '" + column.getKey() + "', 'insert')"));
                        check(out, name, "update " + at, Rights.covers(expected.update(), column.getKey()),
                                bool(catalog, "select has_column_privilege('" + name + "', 'public." + quote(relation) + "', '" + column.getKey() + "', 'update')"));
                    }
                }
                check(out, name, "delete from " + relation, expected.delete(), table
                        ? allowed(c, "delete from public." + quote(relation) + " where false")
                        : bool(catalog, "select has_table_privilege('" + name + "', 'public." + quote(relation) + "', 'delete')"));
                // Rights no code uses on any table: emptying it, referencing it from a new table, triggers.
                check(out, name, "truncate, references or trigger on " + relation, false, bool(catalog, "select has_table_privilege('" + name
                        + "', 'public." + quote(relation) + "', 'truncate, references, trigger')"));
            }
        }
        return out;
    }

    static void check(List<String> out, String role, String what, boolean expected, boolean actual) {
        if (expected != actual) out.add(role + (actual ? " may " : " is refused ") + what + (actual ? " but must not" : " but needs it"));
    }

    /** Runs {@code sql} as the connection's role: true when allowed, false when refused with 42501; anything else fails. */
    static boolean allowed(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return true;
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) return false;
            throw new AssertionError(sql + " failed for another reason than a privilege: " + e.getSQLState() + " " + e.getMessage(), e);
        }
    }

    static void refused(ThrowingCallable statement) {
        Throwable thrown = catchThrowable(statement);
        assertThat(thrown).as("refused with SQLSTATE 42501 (insufficient privilege)").isNotNull();
        String state = thrown instanceof DatabaseException d ? d.sqlState() : thrown instanceof SQLException e ? e.getSQLState() : null;
        assertThat(state).as(String.valueOf(thrown)).isEqualTo("42501");
    }

    // --- helpers -----------------------------------------------------------------------------------

    static Map.Entry<String, Map<Role, Rights>> relation(String name, Rights app, Rights worker) {
        return Map.entry(name, Map.of(Role.APP, app, Role.WORKER, worker));
    }

    static Map<String, String> relations() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = owner.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(RELATIONS)) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    /** Column name to its SQL type, in table order. */
    static Map<String, String> columns(String relation) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a
                where a.attrelid = ('public.' || quote_ident(?))::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum""")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    static Connection connection(Role role) throws SQLException {
        return (role == Role.APP ? platform.db().app() : platform.db().worker()).getConnection();
    }

    static String roleName(Role role) {
        return role == Role.APP ? platform.db().appRole() : platform.db().workerRole();
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** A user as registration writes one (worker role); returns its id. */
    static UUID registered() {
        UUID id = UUID.randomUUID();
        platform.db().inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into users (id, email, password_hash, created_at) values (?, ?, ?, ?)")) {
                ps.setObject(1, id);
                ps.setString(2, id + "@example.test");
                ps.setString(3, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                return ps.executeUpdate();
            }
        });
        return id;
    }

    static int update(Connection c, String sql, UUID user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, user);
            return ps.executeUpdate();
        }
    }

    static Object execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return null;
        }
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static boolean bool(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
