package io.streamgate.platform.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A Postgres location, given either as a JDBC URL or as
 * {@code postgres://user:password@host:port/db} (the form Heroku, Render and libpq use).
 *
 * @param jdbcUrl the JDBC URL without credentials
 */
public record DatabaseUrl(String jdbcUrl, String user, String password, String host, int port, String database) {

    public static final String DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres";

    /**
     * Parses {@code raw}; the exception of a malformed one says what and where, but never
     * quotes the input, which may hold the password.
     */
    public static DatabaseUrl parse(String raw) {
        String s = raw.trim();
        int offset = 0;
        if (s.startsWith("jdbc:")) {
            s = s.substring("jdbc:".length());
            offset = "jdbc:".length();
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            String reason = e.getReason().toLowerCase(Locale.ROOT);
            throw new IllegalArgumentException("DATABASE_URL is not a URL: " + reason
                    + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + offset + 1) : "")
                    + (reason.contains("escape") ? " (write a literal % as %25)" : ""));
        }
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            // Only a scheme written as one ("mysql://") is named: in "user:password@host" the
            // parser's "scheme" is part of the credentials.
            String got = scheme != null && s.startsWith(scheme + "://") ? ", got " + scheme + "://" : "";
            throw new IllegalArgumentException("DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql://" + got);
        }
        if (uri.isOpaque()) {
            throw new IllegalArgumentException("DATABASE_URL must be written as postgres://user:password@host:port/database");
        }
        if (uri.getRawAuthority() != null) {
            try {
                uri = uri.parseServerAuthority();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("DATABASE_URL has a malformed host or port: " + e.getReason().toLowerCase(Locale.ROOT));
            }
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        if (port < 1 || port > 65535) throw new IllegalArgumentException("DATABASE_URL port must be between 1 and 65535, got " + port);
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.length() > 1 ? path.substring(1) : "postgres";
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0], "user name");
            if (parts.length > 1) password = decode(parts[1], "password");
        }
        // JDBC style: credentials as query parameters.
        StringBuilder rest = new StringBuilder();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                String key = decode(kv[0], "query");
                String value = kv.length > 1 ? decode(kv[1], "query") : "";
                if (key.equals("user")) user = value;
                else if (key.equals("password")) password = value;
                else rest.append(rest.isEmpty() ? "?" : "&").append(pair);
            }
        }
        if (user == null) user = System.getProperty("user.name");
        String jdbc = "jdbc:postgresql://" + hostForUrl(host) + ":" + port + "/" + database + rest;
        return new DatabaseUrl(jdbc, user, password, host, port, database);
    }

    /** The same server, another database (tests create one per class). */
    public DatabaseUrl withDatabase(String otherDatabase) {
        String jdbc = jdbcUrl.replaceFirst("/" + java.util.regex.Pattern.quote(database) + "(\\?|$)",
                "/" + otherDatabase + "$1");
        return new DatabaseUrl(jdbc, user, password, host, port, otherDatabase);
    }

    /** For logs and banners: never the password. */
    public String display() {
        return "postgres://" + user + "@" + hostForUrl(host) + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return display();
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String decode(String s, String part) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes its input: here, possibly the password.
            throw new IllegalArgumentException("DATABASE_URL has an invalid %-escape in its " + part
                    + " (write a literal % as %25)");
        }
    }
}
