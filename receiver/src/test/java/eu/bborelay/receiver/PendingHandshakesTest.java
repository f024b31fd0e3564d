package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** What the per-address limit counts by. The limits themselves are tested with real sockets in HandshakeAttackTest. */
class PendingHandshakesTest {

    @Test
    void anIpv4AddressIsItsOwnSource() throws UnknownHostException {
        assertEquals(key("10.0.0.1"), key("10.0.0.1"));
        assertNotEquals(key("10.0.0.1"), key("10.0.0.2"));
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() throws UnknownHostException {
        assertEquals(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertNotEquals(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assertEquals("2001:db8:1:2::/64", key("2001:db8:1:2::1").toString());
    }

    @Test
    void anIpv4MappedIpv6AddressIsTheIpv4One() throws UnknownHostException {
        assertEquals(key("10.0.0.1"), key("::ffff:10.0.0.1"));
    }

    private static Object key(String address) throws UnknownHostException {
        return PendingHandshakes.sourceKey(InetAddress.getByName(address));
    }
}
