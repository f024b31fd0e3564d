package eu.bborelay.receiver.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.receiver.ReceiverConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReceiverDaemonConfigTest {
    private static final Map<ReceiverDaemonConfig.Setting, String> NO_FLAGS = Map.of();

    @Test
    void defaultsMatchTheOriginalDeployment() {
        for (ReceiverDaemonConfig.Setting s : ReceiverDaemonConfig.Setting.values()) {
            assertTrue(s.flag == null ? s == ReceiverDaemonConfig.Setting.LOG_FORMAT : s.flag.startsWith("--"));
        }
        assertEquals("9001", ReceiverDaemonConfig.Setting.PORT.defaultValue);
        assertEquals("0.0.0.0", ReceiverDaemonConfig.Setting.BIND_HOST.defaultValue);
        assertEquals("/certs/receiver.crt", ReceiverDaemonConfig.Setting.CERT.defaultValue);
        assertEquals("/certs/receiver.key", ReceiverDaemonConfig.Setting.KEY.defaultValue);
        assertEquals("/certs/ca.crt", ReceiverDaemonConfig.Setting.CA_CERT.defaultValue);
        assertEquals("true", ReceiverDaemonConfig.Setting.REQUIRE_CLIENT_CERT.defaultValue);
        assertEquals("65536", ReceiverDaemonConfig.Setting.MAX_FRAME_LENGTH.defaultValue);
        assertEquals("8081", ReceiverDaemonConfig.Setting.HTTP_PORT.defaultValue);
        assertEquals("10", ReceiverDaemonConfig.Setting.HEALTH_MAX_AGE_SECONDS.defaultValue);
        assertEquals("text", ReceiverDaemonConfig.Setting.LOG_FORMAT.defaultValue);
        assertEquals("10", ReceiverDaemonConfig.Setting.STATS_INTERVAL_SECONDS.defaultValue);
        assertEquals("0", ReceiverDaemonConfig.Setting.RUN_SECONDS.defaultValue);
        assertEquals("5000", ReceiverDaemonConfig.Setting.HANDSHAKE_TIMEOUT_MS.defaultValue);
        assertEquals("64", ReceiverDaemonConfig.Setting.MAX_PENDING_HANDSHAKES.defaultValue);
        assertEquals("8", ReceiverDaemonConfig.Setting.MAX_PENDING_HANDSHAKES_PER_ADDRESS.defaultValue);
    }

    @Test
    void handshakeLimits() {
        Map<String, String> env = certEnv();
        ReceiverConfig defaults = ReceiverDaemonConfig.parse(env, NO_FLAGS).toReceiverConfig();
        assertEquals(TimeUnit.SECONDS.toNanos(5), defaults.handshakeTimeoutNanos());
        assertEquals(64, defaults.maxPendingHandshakes());
        assertEquals(8, defaults.maxPendingHandshakesPerAddress());
        env.put("HANDSHAKE_TIMEOUT_MS", "1500");
        env.put("MAX_PENDING_HANDSHAKES", "4");
        ReceiverConfig small = ReceiverDaemonConfig.parse(env, NO_FLAGS).toReceiverConfig();
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), small.handshakeTimeoutNanos());
        assertEquals(4, small.maxPendingHandshakes());
        assertEquals(4, small.maxPendingHandshakesPerAddress(), "unset: never more than MAX_PENDING_HANDSHAKES");
        env.put("MAX_PENDING_HANDSHAKES_PER_ADDRESS", "2");
        assertEquals(2, ReceiverDaemonConfig.parse(env, NO_FLAGS).toReceiverConfig()
                .maxPendingHandshakesPerAddress());
    }

    @Test
    void readsEveryVariable() {
        Map<String, String> env = certEnv();
        env.put("PORT", "9100");
        env.put("BIND_HOST", "127.0.0.1");
        env.put("MAX_FRAME_LENGTH", "1024");
        env.put("STATS_INTERVAL_SECONDS", "30");
        env.put("RUN_SECONDS", "5");
        ReceiverDaemonConfig c = ReceiverDaemonConfig.parse(env, NO_FLAGS);
        assertEquals(9100, c.port);
        assertEquals(5, c.runSeconds);
        ReceiverConfig rc = c.toReceiverConfig();
        assertEquals("127.0.0.1", rc.bindAddress());
        assertEquals(9100, rc.port());
        assertEquals(1024, rc.maxFrameLength());
        assertEquals(TimeUnit.SECONDS.toNanos(30), rc.statsIntervalNanos());
        assertTrue(rc.requireClientCertificate());
        assertEquals(TestCerts.project().caCert(), rc.clientCa());
    }

    @Test
    void flagOverridesItsVariable() {
        Map<String, String> env = certEnv();
        env.put("PORT", "9100");
        ReceiverDaemonConfig c = ReceiverDaemonConfig.parse(env, Map.of(ReceiverDaemonConfig.Setting.PORT, "9200"));
        assertEquals(9200, c.port);
    }

    @Test
    void blankVariableMeansTheDefault() {
        Map<String, String> env = certEnv();
        env.put("PORT", " ");
        assertEquals(9001, ReceiverDaemonConfig.parse(env, NO_FLAGS).port);
    }

    @Test
    void booleansAreTrueOrFalseOnlyAsInTheSender() {
        Map<String, String> env = certEnv();
        env.put("REQUIRE_CLIENT_CERT", " FALSE ");
        assertFalse(ReceiverDaemonConfig.parse(env, NO_FLAGS).requireClientCert);
        assertBad("REQUIRE_CLIENT_CERT", "yes", "REQUIRE_CLIENT_CERT must be true or false, got 'yes'");
        assertBad("REQUIRE_CLIENT_CERT", "0", "REQUIRE_CLIENT_CERT must be true or false, got '0'");
    }

    @Test
    void badValueIsReportedWithTheVariableName() {
        assertBad("PORT", "abc", "PORT must be a whole number from 0 to 65535, got 'abc'");
        assertBad("PORT", "70000", "PORT must be a whole number from 0 to 65535, got '70000'");
        assertBad("MAX_FRAME_LENGTH", "0", "MAX_FRAME_LENGTH must be a whole number from 1 to 16777216,"
                + " got '0'");
        assertBad("STATS_INTERVAL_SECONDS", "-1", "STATS_INTERVAL_SECONDS must be a whole"
                + " number from 0 to 86400, got '-1'");
        assertBad("REQUIRE_CLIENT_CERT", "maybe", "REQUIRE_CLIENT_CERT must be true or false,"
                + " got 'maybe'");
        assertBad("HTTP_PORT", "http", "HTTP_PORT must be a whole number from 0 to 65535, got 'http'");
        assertBad("HEALTH_MAX_AGE_SECONDS", "0", "HEALTH_MAX_AGE_SECONDS must be a whole"
                + " number from 1 to 86400, got '0'");
        assertBad("LOG_FORMAT", "JSON", "LOG_FORMAT must be text or json, got 'JSON'");
        assertBad("HANDSHAKE_TIMEOUT_MS", "0", "HANDSHAKE_TIMEOUT_MS must be a whole number from 1 to 600000,"
                + " got '0'");
        assertBad("MAX_PENDING_HANDSHAKES", "2000", "MAX_PENDING_HANDSHAKES must be a whole number from 1 to"
                + " 1024, got '2000'");
        assertBad("MAX_PENDING_HANDSHAKES_PER_ADDRESS", "65", "MAX_PENDING_HANDSHAKES_PER_ADDRESS must be a whole"
                + " number from 1 to 64, got '65'");
        assertTrue(message("CERT", "/nonexistent/receiver.crt").startsWith("CERT=/nonexistent/receiver.crt is not a readable file"));
        assertTrue(message("CA_CERT", "/nonexistent/ca.crt").startsWith("CA_CERT=/nonexistent/ca.crt is not a readable file"));
    }

    @Test
    void caCertIsNotNeededWithoutClientCertificates() {
        Map<String, String> env = certEnv();
        env.put("CA_CERT", "/nonexistent/ca.crt");
        env.put("REQUIRE_CLIENT_CERT", "false");
        ReceiverDaemonConfig c = ReceiverDaemonConfig.parse(env, NO_FLAGS);
        assertFalse(c.requireClientCert);
        assertNull(c.toReceiverConfig().clientCa());
    }

    @Test
    void helpTableListsEveryVariableWithItsDefault() {
        String table = ReceiverDaemonConfig.helpTable();
        for (ReceiverDaemonConfig.Setting s : ReceiverDaemonConfig.Setting.values()) {
            // the table wraps long help lines: compare with the white space collapsed
            assertTrue(table.replaceAll("\\s+", " ").contains(" " + s.name() + " " + s.defaultValue + " " + s.help),
                    s::name);
        }
    }

    private static void assertBad(String variable, String value, String expected) {
        assertEquals(expected, message(variable, value));
    }

    private static String message(String variable, String value) {
        Map<String, String> env = certEnv();
        env.put(variable, value);
        return assertThrows(SettingException.class,
                () -> ReceiverDaemonConfig.parse(env, NO_FLAGS)).getMessage();
    }

    static Map<String, String> certEnv() {
        TestCerts certs = TestCerts.project();
        Map<String, String> env = new HashMap<>();
        env.put("CERT", certs.receiverCert().toString());
        env.put("KEY", certs.receiverKey().toString());
        env.put("CA_CERT", certs.caCert().toString());
        return env;
    }
}
