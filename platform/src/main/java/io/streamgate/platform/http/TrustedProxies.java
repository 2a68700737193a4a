package io.streamgate.platform.http;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.streamgate.platform.config.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxies in front of the edge whose forwarding header may name the client
 * ({@code TRUSTED_PROXIES}, IPv4 and IPv6 CIDRs or single addresses) and which header they set
 * ({@code TRUSTED_PROXY_HEADER}). Only one header is read: a proxy passes on whatever other
 * forwarding header a client invents, so reading a header the proxy does not write would let
 * any client choose its own address.
 */
public final class TrustedProxies {
    /** The forwarding header the trusted proxies append to. */
    public enum Header {
        X_FORWARDED_FOR("X-Forwarded-For"),
        FORWARDED("Forwarded");

        final String headerName;

        Header(String headerName) {
            this.headerName = headerName;
        }
    }

    private static final TrustedProxies NONE = new TrustedProxies(List.of(), Header.X_FORWARDED_FOR);

    private final List<IPAddress> networks;
    private final Header header;

    private TrustedProxies(List<IPAddress> networks, Header header) {
        this.networks = List.copyOf(networks);
        this.header = header;
    }

    /** No proxy trusted: the client is always the socket peer. */
    public static TrustedProxies none() {
        return NONE;
    }

    /** Reads the settings, recording every bad entry in {@code env} (so one start reports them all). */
    public static TrustedProxies from(Env env) {
        List<IPAddress> networks = new ArrayList<>();
        for (String entry : env.list("TRUSTED_PROXIES")) {
            IPAddress network = new IPAddressString(entry, ClientAddress.NETWORK_FORMAT).getAddress();
            if (network == null) {
                env.problem("TRUSTED_PROXIES entries must be IPv4 or IPv6 addresses or CIDRs such as 10.0.0.0/8 or 2001:db8::/32, got '"
                        + entry + "'");
            } else if (!network.isPrefixBlock() && network.getNetworkPrefixLength() != null) {
                env.problem("TRUSTED_PROXIES entry '" + entry + "' has host bits set; write its network, "
                        + network.toPrefixBlock().toCanonicalString());
            } else if (Integer.valueOf(0).equals(network.getNetworkPrefixLength())) {
                env.problem("TRUSTED_PROXIES entry '" + entry + "' trusts every address, so any client could name its own; "
                        + "list the proxies' networks");
            } else if (network.isIPv6() && network.toIPv6().isIPv4Mapped()) {
                // peers are compared in their IPv4 form, so a mapped network would never match
                env.problem("TRUSTED_PROXIES entry '" + entry + "' is an IPv4-mapped IPv6 network; write it as IPv4");
            } else {
                networks.add(network);
            }
        }
        Header header = Header.X_FORWARDED_FOR;
        String raw = env.string("TRUSTED_PROXY_HEADER", "x-forwarded-for").toLowerCase(Locale.ROOT);
        switch (raw) {
            case "x-forwarded-for" -> header = Header.X_FORWARDED_FOR;
            case "forwarded" -> header = Header.FORWARDED;
            default -> env.problem("TRUSTED_PROXY_HEADER must be x-forwarded-for or forwarded, got '" + raw + "'");
        }
        return new TrustedProxies(networks, header);
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    public Header header() {
        return header;
    }

    /** True when {@code address} (IPv4-mapped IPv6 already folded to IPv4) is in a trusted network. */
    boolean trusts(IPAddress address) {
        for (IPAddress network : networks) {
            if (network.getIPVersion() == address.getIPVersion() && network.contains(address)) return true;
        }
        return false;
    }
}
