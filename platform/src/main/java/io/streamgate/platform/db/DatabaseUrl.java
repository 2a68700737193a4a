package io.streamgate.platform.db;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A Postgres location, given either as a JDBC URL or as
 * {@code postgres://user:password@host:port/db} (the form Heroku, Render and libpq use).
 *
 * @param jdbcUrl the JDBC URL without credentials
 */
public record DatabaseUrl(String jdbcUrl, String user, String password, String host, int port, String database) {

    public static final String DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres";

    public static DatabaseUrl parse(String raw) {
        String s = raw.trim();
        if (s.startsWith("jdbc:")) s = s.substring("jdbc:".length());
        URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw new IllegalArgumentException(
                    "DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql://, got scheme " + scheme);
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.length() > 1 ? path.substring(1) : "postgres";
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            if (parts.length > 1) password = decode(parts[1]);
        }
        // JDBC style: credentials as query parameters.
        StringBuilder rest = new StringBuilder();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                String key = decode(kv[0]);
                String value = kv.length > 1 ? decode(kv[1]) : "";
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

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
