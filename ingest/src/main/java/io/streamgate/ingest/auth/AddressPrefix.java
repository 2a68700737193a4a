package io.streamgate.ingest.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network a client address belongs to, as the refresh leeway compares clients: an IPv4
 * address by its /24, an IPv6 address by its /64 (docs/auth.md says why these widths). An
 * IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.7}) counts as the IPv4 address it carries,
 * so a dual-stack listener does not split one client in two. Anything that is not an address
 * literal (a misconfigured proxy header, say) is kept whole, so it matches only itself.
 */
final class AddressPrefix {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Only these characters reach {@link InetAddress#getByName}, which then never resolves a name. */
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private AddressPrefix() {}

    static String of(String address) {
        if (address == null || address.isBlank()) return "";
        String a = address.trim();
        if (a.startsWith("[") && a.endsWith("]")) a = a.substring(1, a.length() - 1);
        int zone = a.indexOf('%');
        if (zone >= 0) a = a.substring(0, zone);
        Matcher v4 = IPV4.matcher(a);
        if (v4.matches()) {
            int[] octets = new int[4];
            for (int i = 0; i < 4; i++) {
                octets[i] = Integer.parseInt(v4.group(i + 1));
                if (octets[i] > 255) return whole(address);
            }
            return octets[0] + "." + octets[1] + "." + octets[2] + ".0/24";
        }
        if (!IPV6_LITERAL.matcher(a).matches()) return whole(address);
        try {
            // A string of hex digits, colons and dots with a colon is parsed as an IPv6 literal
            // (or refused); it is never looked up in DNS.
            InetAddress parsed = InetAddress.getByName(a);
            byte[] b = parsed.getAddress();
            if (parsed instanceof Inet4Address) {
                return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
            }
            if (parsed instanceof Inet6Address) {
                StringBuilder prefix = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    prefix.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
                }
                return prefix.append(":/64").toString();
            }
        } catch (UnknownHostException e) {
            // not a valid literal after all: fall through
        }
        return whole(address);
    }

    private static String whole(String address) {
        return address.trim().toLowerCase(Locale.ROOT);
    }
}
