package io.streamgate.ingest.auth;

import io.streamgate.platform.http.ClientAddress;

/**
 * The network a client address belongs to, as the refresh leeway compares clients: an IPv4
 * address by its /24, an IPv6 address by its /64 (docs/auth.md says why these widths). An
 * IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.7}) counts as the IPv4 address it carries,
 * so a dual-stack listener does not split one client in two. Anything that is not an address
 * literal (a misconfigured proxy header, say) is kept whole, so it matches only itself.
 */
final class AddressPrefix {
    static final int IPV4_BITS = 24;
    static final int IPV6_BITS = 64;

    private AddressPrefix() {}

    static String of(String address) {
        return ClientAddress.network(address, IPV4_BITS, IPV6_BITS);
    }
}
