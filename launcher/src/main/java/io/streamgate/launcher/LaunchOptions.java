package io.streamgate.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line: one role and a few flags. Flags win over the environment variables
 * they stand for ({@code --port} over {@code HTTP_PORT}, {@code --data-dir} over
 * {@code STREAMGATE_DATA_DIR}).
 */
public record LaunchOptions(Role role, boolean help, boolean version, boolean migrate, Map<String, String> envOverrides, boolean fresh, boolean tls) {

    public enum Role {
        DEV, ALL, INGEST, PROCESSORS, API;

        boolean ingest() {
            return this == DEV || this == ALL || this == INGEST;
        }

        boolean processors() {
            return this == DEV || this == ALL || this == PROCESSORS;
        }

        boolean api() {
            return this == DEV || this == ALL || this == API;
        }
    }

    public static final String USAGE = """
            Usage: ./streamgate <role> [flags]

            Roles:
              dev          everything on one port with an embedded Kafka broker (the default for a laptop)
              all          every role against an external Kafka (KAFKA_BOOTSTRAP_SERVERS) and Postgres
              ingest       the webhook and token write edge only
              processors   the Kafka Streams processors and sinks only
              api          the read API and coach streams only

            Commands:
              migrate      apply the database migrations as the DATABASE_URL owner (creating or fixing
                           the login roles from DATABASE_APP_PASSWORD and DATABASE_WORKER_PASSWORD) and
                           exit: 0 migrated, 78 a configuration problem or no database, 1 a failed migration

            Flags:
              --port N          HTTP port (default 8080; env HTTP_PORT)
              --data-dir DIR    local state: broker data, Streams stores, dev secrets (default ./.streamgate)
              --fresh           dev only: wipe the data directory first
              --tls             dev only: serve HTTPS with a generated self-signed certificate
              --kafka-port N    dev only: the embedded broker's port (default 9092; 0 picks a free one)
              -V, --version     the version
              -h, --help        this text

            Configuration comes from environment variables; see README.md.
            """;

    public static LaunchOptions parse(String... args) {
        Role role = null;
        boolean help = false;
        boolean version = false;
        boolean migrate = false;
        boolean fresh = false;
        boolean tls = false;
        Map<String, String> overrides = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help", "help" -> help = true;
                case "-V", "--version", "version" -> version = true;
                case "migrate" -> migrate = true;
                case "--fresh" -> fresh = true;
                case "--tls" -> tls = true;
                case "--port", "--data-dir", "--kafka-port" -> {
                    if (i + 1 >= args.length) {
                        problems.add(arg + " needs a value");
                    } else {
                        String value = args[++i];
                        overrides.put(switch (arg) {
                            case "--port" -> "HTTP_PORT";
                            case "--data-dir" -> "STREAMGATE_DATA_DIR";
                            default -> "KAFKA_PORT";
                        }, value);
                    }
                }
                default -> {
                    if (arg.startsWith("--port=")) overrides.put("HTTP_PORT", arg.substring(7));
                    else if (arg.startsWith("--data-dir=")) overrides.put("STREAMGATE_DATA_DIR", arg.substring(11));
                    else if (arg.startsWith("-")) problems.add("unknown flag " + arg);
                    else if (role == null) {
                        try {
                            role = Role.valueOf(arg.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            problems.add("unknown role '" + arg + "' (dev, all, ingest, processors, api)");
                        }
                    } else problems.add("only one role may be given, got '" + arg + "' after " + role.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (!problems.isEmpty()) throw new UsageException(String.join("\n", problems));
        if (migrate && role != null) throw new UsageException("migrate takes no role");
        if (migrate && (fresh || tls)) throw new UsageException("--fresh and --tls are for dev only");
        if (role == null && !help && !version && !migrate) throw new UsageException("no role given");
        if (role != null && role != Role.DEV && (fresh || tls)) {
            throw new UsageException("--fresh and --tls are for dev only");
        }
        return new LaunchOptions(role, help, version, migrate, overrides, fresh, tls);
    }

    public Path dataDir(Map<String, String> env) {
        return Path.of(env.getOrDefault("STREAMGATE_DATA_DIR", ".streamgate")).toAbsolutePath().normalize();
    }

    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
