package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressPrefixTest {
    @Test
    void anIpv4AddressIsComparedByItsSlash24() {
        assertThat(AddressPrefix.of("203.0.113.7")).isEqualTo("203.0.113.0/24").isEqualTo(AddressPrefix.of("203.0.113.250"));
        assertThat(AddressPrefix.of("203.0.114.7")).isNotEqualTo(AddressPrefix.of("203.0.113.7"));
    }

    @Test
    void anIpv6AddressIsComparedByItsSlash64WhateverItsSpelling() {
        String a = AddressPrefix.of("2001:db8:85a3:4:1c2e:9aff:fe31:7a01");
        assertThat(a).isEqualTo("2001:db8:85a3:4::/64");
        // a privacy address of the same host, written in another form
        assertThat(AddressPrefix.of("2001:0DB8:85A3:0004::ab:1")).isEqualTo(a);
        assertThat(AddressPrefix.of("[2001:db8:85a3:4::1%eth0]")).isEqualTo(a);
        assertThat(AddressPrefix.of("2001:db8:85a3:5::1")).isNotEqualTo(a);
    }

    @Test
    void anIpv4MappedAddressCountsAsItsIpv4Address() {
        assertThat(AddressPrefix.of("::ffff:203.0.113.7")).isEqualTo(AddressPrefix.of("203.0.113.99"));
    }

    @Test
    void anythingElseIsComparedWholeAndNeverLookedUp() {
        assertThat(AddressPrefix.of("unknown")).isEqualTo("unknown");
        assertThat(AddressPrefix.of("localhost")).isEqualTo("localhost");
        assertThat(AddressPrefix.of("999.0.113.7")).isEqualTo("999.0.113.7");
        assertThat(AddressPrefix.of("2001:db8::zz")).isEqualTo("2001:db8::zz");
        assertThat(AddressPrefix.of(null)).isEmpty();
    }
}
