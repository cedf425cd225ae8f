package io.cowsql.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {
    @Test
    void parsesHostnamesIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("node-0.peers.ns.svc:9000")).isEqualTo(new HostPort("node-0.peers.ns.svc", 9000));
        assertThat(HostPort.parse("127.0.0.1:1")).isEqualTo(new HostPort("127.0.0.1", 1));
        assertThat(HostPort.parse("[::1]:65535")).isEqualTo(new HostPort("::1", 65535));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "127.0.0.1;expected host:port",
        "127.0.0.1:;expected host:port",
        ":9000;expected host:port",
        "host:http;bad port 'http'",
        "host:70000;out of range",
        "[::1]9000;expected [ipv6]:port",
        "@abstract;not supported",
        "::1:9000;expected host:port",
    })
    void badAddressesNameTheProblem(String address, String message) {
        assertThatThrownBy(() -> HostPort.parse(address)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
