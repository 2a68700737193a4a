package io.streamgate.platform.http;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The address of the client a request came from, for limits and audit. It is resolved at
 * most once per request: the socket peer, unless that peer is a trusted proxy ({@link TrustedProxies});
 * then the proxies' forwarding header is read right to left, skipping trusted hops, and the first
 * untrusted address is the client. Everything left of that address was written by the client
 * and is never looked at, so a client cannot choose its own address. A hop that cannot be read
 * (malformed, {@code unknown}, an obfuscated name) stops the walk at the last hop identified.
 *
 * <p>Addresses are parsed as literals only (never resolved through DNS) and written in their
 * canonical form: IPv4 dotted, IPv6 per RFC 5952, IPv4-mapped IPv6 as IPv4.
 */
public final class ClientAddress {
    static final String ATTRIBUTE = "streamgate.client-address";
    private static final String PROXIES_ATTRIBUTE = "streamgate.trusted-proxies";
    /** A proxy chain longer than this is not one anybody runs; the walk stops there. */
    static final int MAX_HOPS = 32;
    /** Prefix length IPv6 clients are limited by: a subscriber gets at least a /64 and may use any address in it. */
    static final int IPV6_LIMIT_PREFIX = 64;

    static final IPAddressStringParameters ADDRESS_FORMAT = literals(false);
    static final IPAddressStringParameters NETWORK_FORMAT = literals(true);

    private ClientAddress() {}

    /**
     * The client's address for this request, resolved on first use with the proxies the edge
     * trusts (none when the edge did not run) and remembered for the rest of the request: most
     * requests never need it.
     */
    public static String of(Context ctx) {
        if (ctx.attribute(ATTRIBUTE) instanceof String resolved) return resolved;
        TrustedProxies proxies = ctx.attribute(PROXIES_ATTRIBUTE) instanceof TrustedProxies trusted ? trusted : TrustedProxies.none();
        var values = proxies.isEmpty() ? null : ctx.req().getHeaders(proxies.header().headerName);
        List<String> header = values == null ? List.of() : Collections.list(values);
        String resolved = resolve(ctx.req().getRemoteAddr(), header, proxies);
        ctx.attribute(ATTRIBUTE, resolved);
        return resolved;
    }

    /** The key limits count this request's client by: IPv4 as is, IPv6 by its /64. */
    public static String limitKey(Context ctx) {
        return limitKey(of(ctx));
    }

    /** The key limits count {@code address} by: IPv4 as is, IPv6 by its /64 (e.g. {@code 2001:db8:1:2::/64}). */
    public static String limitKey(String address) {
        IPAddress parsed = parse(address);
        if (parsed == null) return address;
        return parsed.isIPv6() ? parsed.toPrefixBlock(IPV6_LIMIT_PREFIX).toCanonicalString() : parsed.toCanonicalString();
    }

    /**
     * The network {@code address} belongs to at the given widths, as CIDR text (e.g.
     * {@code 203.0.113.0/24}, {@code 2001:db8:1:2::/64}); an IPv4-mapped IPv6 address counts as
     * its IPv4 address. Text that is no address literal is returned trimmed and lower-cased, so
     * it matches only itself; nothing is ever looked up in DNS.
     */
    public static String network(String address, int ipv4Bits, int ipv6Bits) {
        if (address == null) return "";
        IPAddress parsed = parse(address);
        if (parsed == null) return address.trim().toLowerCase(java.util.Locale.ROOT);
        return parsed.toPrefixBlock(parsed.isIPv6() ? ipv6Bits : ipv4Bits).toCanonicalString();
    }

    /**
     * Whether a URL's host names this machine by its literal form alone: {@code localhost}, an
     * IPv4 address in 127.0.0.0/8, {@code ::1} (bracketed or not) or an IPv4-mapped loopback.
     * Nothing is resolved, so what counts cannot change with DNS.
     */
    public static boolean isLoopbackLiteral(String host) {
        if (host == null) return false;
        if (host.trim().equalsIgnoreCase("localhost")) return true;
        IPAddress address = parse(host);
        return address != null && address.isLoopback();
    }

    /** Tells {@link #of} which proxies this edge trusts; run by the edge before any handler. */
    static void trust(Context ctx, TrustedProxies proxies) {
        if (!proxies.isEmpty()) ctx.attribute(PROXIES_ATTRIBUTE, proxies);
    }

    /**
     * The client address given the socket peer and the values of the trusted proxies' header, in
     * the order received.
     */
    static String resolve(String peerText, List<String> headerValues, TrustedProxies proxies) {
        IPAddress peer = parse(peerText);
        if (peer == null) return peerText; // not an IP socket; nothing to resolve
        IPAddress client = peer;
        if (!proxies.trusts(peer) || headerValues.isEmpty()) return text(client);
        String joined = String.join(",", headerValues);
        List<String> hops = proxies.header() == TrustedProxies.Header.FORWARDED ? forwardedFor(joined) : xForwardedFor(joined);
        for (String hop : hops) {
            IPAddress address = hop == null ? null : parse(hop);
            if (address == null) break;
            client = address;
            if (!proxies.trusts(address)) break;
        }
        return text(client);
    }

    /** X-Forwarded-For hops, nearest first. */
    private static List<String> xForwardedFor(String header) {
        List<String> hops = new ArrayList<>();
        int end = header.length();
        while (end >= 0 && hops.size() < MAX_HOPS) {
            int comma = header.lastIndexOf(',', end - 1);
            hops.add(header.substring(comma + 1, end).trim());
            if (comma < 0) break;
            end = comma;
        }
        return hops;
    }

    /**
     * The {@code for} nodes of RFC 7239 {@code Forwarded} elements, nearest first; null for an
     * element without one. Scanned from the right, so quotes or junk a client put at the left
     * cannot shift the elements the proxies appended.
     */
    private static List<String> forwardedFor(String header) {
        List<String> nodes = new ArrayList<>();
        int end = header.length();
        boolean quoted = false;
        for (int i = header.length() - 1; i >= -1 && nodes.size() < MAX_HOPS; i--) {
            char c = i < 0 ? ',' : header.charAt(i);
            if (c == '"' && !escaped(header, i)) {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                nodes.add(forParameter(header.substring(i + 1, end)));
                end = i;
            }
        }
        return nodes;
    }

    private static boolean escaped(String s, int i) {
        int backslashes = 0;
        for (int j = i - 1; j >= 0 && s.charAt(j) == '\\'; j--) backslashes++;
        return backslashes % 2 == 1;
    }

    /** The value of an element's {@code for} parameter, unquoted; null when it has none or it is malformed. */
    private static String forParameter(String element) {
        for (String pair : splitOutsideQuotes(element, ';')) {
            int eq = pair.indexOf('=');
            if (eq < 0) continue;
            if (!pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) continue;
            String value = pair.substring(eq + 1).trim();
            if (!value.startsWith("\"")) return value;
            if (value.length() < 2 || !value.endsWith("\"")) return null;
            return value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return null;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && !escaped(s, i)) quoted = !quoted;
            else if (c == separator && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    /**
     * An address literal as proxies and sockets write it: {@code 192.0.2.1}, {@code 192.0.2.1:443},
     * {@code 2001:db8::1}, {@code [2001:db8::1]}, {@code [2001:db8::1]:443}; a zone is dropped.
     * Null for anything else, host names included.
     */
    static IPAddress parse(String text) {
        if (text == null) return null;
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || !isPortOrNothing(s.substring(close + 1))) return null;
            s = s.substring(1, close);
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') >= 0) {
            int colon = s.indexOf(':');
            if (!isPortOrNothing(s.substring(colon))) return null;
            s = s.substring(0, colon);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        if (s.isEmpty() || s.length() > 45) return null;
        IPAddress address = new IPAddressString(s, ADDRESS_FORMAT).getAddress();
        return address == null ? null : unmapped(address);
    }

    private static boolean isPortOrNothing(String s) {
        return s.isEmpty() || (s.matches(":\\d{1,5}") && Integer.parseInt(s.substring(1)) <= 65535);
    }

    /** IPv4-mapped IPv6 ({@code ::ffff:192.0.2.1}) is the IPv4 client it maps; dual-stack sockets report those. */
    static IPAddress unmapped(IPAddress address) {
        if (address.isIPv6() && address.toIPv6().isIPv4Mapped()) return address.toIPv6().getEmbeddedIPv4Address();
        return address;
    }

    private static String text(IPAddress address) {
        return address.toCanonicalString();
    }

    /** Plain literals only: no ranges, wildcards, masks, inet_aton forms, binary, base 85 or zones. */
    private static IPAddressStringParameters literals(boolean allowPrefix) {
        IPAddressStringParameters.Builder b = new IPAddressStringParameters.Builder()
                .allowEmpty(false).setEmptyAsLoopback(false).allowAll(false).allowSingleSegment(false)
                .allowPrefix(allowPrefix).allowPrefixOnly(false).allowMask(false)
                .allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE).allow_inet_aton(false);
        b.getIPv4AddressParametersBuilder().allowLeadingZeros(false).allowBinary(false);
        b.getIPv6AddressParametersBuilder().allowZone(false).allowBase85(false).allowBinary(false);
        return b.toParams();
    }
}
