package io.cowsql.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {
    @Test
    void parsesHostNamesIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("node-0.peers.ns.svc:9000")).isEqualTo(new HostPort("node-0.peers.ns.svc", 9000));
        assertThat(HostPort.parse(" 127.0.0.1:1 ")).isEqualTo(new HostPort("127.0.0.1", 1));
        assertThat(HostPort.parse("[::1]:65535")).isEqualTo(new HostPort("::1", 65535));
        assertThat(HostPort.parse("[fe80::1%1]:9001").host()).isEqualTo("fe80::1%1");
        assertThat(HostPort.parse("_srv.Node-1:09001").port()).isEqualTo(9001);
    }

    @Test
    void printsWhatItParsesWithIpv6InBrackets() {
        for (String a : new String[] {"node-0.peers:9001", "127.0.0.1:9001", "[::1]:9001", "[2001:db8::7]:1"}) {
            assertThat(HostPort.parse(a)).hasToString(a);
            assertThat(HostPort.parse(HostPort.parse(a).toString())).isEqualTo(HostPort.parse(a));
        }
        assertThat(new HostPort("::1", 9001).unresolved().isUnresolved()).isTrue();
        assertThat(new HostPort("::1", 9001).unresolved().getHostString()).isEqualTo("::1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '~', value = {
        ";empty address: expected host:port, IPv4:port or [IPv6]:port with a port 1-65535",
        "127.0.0.1;bad address '127.0.0.1': no port; expected host:port",
        "127.0.0.1:;bad address '127.0.0.1:': bad port '': expected a number 1-65535",
        ":9000;bad address ':9000': no host; expected host:port",
        "host:http;bad address 'host:http': bad port 'http': expected a number 1-65535",
        "host:+9000;bad port '+9000'",
        "host:0;bad address 'host:0': port 0 is out of range 1-65535",
        "host:70000;port 70000 is out of range 1-65535",
        "host:99999999999;bad port '99999999999'",
        "[::1]9000;bad address '[::1]9000': expected [IPv6]:port, e.g. [::1]:9001",
        "[::1;expected [IPv6]:port",
        "[127.0.0.1]:9000;brackets are for an IPv6 address",
        "[zz::1]:9000;'zz::1' is not an IPv6 address",
        "@abstract;'@abstract' is an abstract Unix socket, which cowsql nodes are not reached by (peers and clients dial over TCP)",
        "::1:9000;bad address '::1:9000': more than one ':'; write an IPv6 address in brackets, e.g. [::1]:9001",
        "a:b:9001;bad address 'a:b:9001': more than one ':'",
        "no space:9001;host 'no space' has the character ' ' at 2",
        "http://node:9001;more than one ':'",
    })
    void badAddressesNameTheValueAndTheAcceptedForms(String address, String message) {
        assertThatThrownBy(() -> HostPort.parse(address)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message).hasMessageContaining(address == null ? "" : address.trim());
    }

    @Test
    void theRecordChecksItsPartsToo() {
        assertThatThrownBy(() -> new HostPort("", 1)).hasMessageContaining("empty host");
        assertThatThrownBy(() -> new HostPort("a:b", 1)).hasMessageContaining("'a:b' is not an IPv6 address");
        assertThatThrownBy(() -> new HostPort("h", 65536)).hasMessageContaining("port 65536 is out of range 1-65535");
        assertThatThrownBy(() -> new HostPort("x".repeat(254), 1)).hasMessageContaining("longer than 253");
    }
}
