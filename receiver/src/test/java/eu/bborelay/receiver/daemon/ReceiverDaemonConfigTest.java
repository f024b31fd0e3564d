package eu.bborelay.receiver.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
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
    void badValueIsReportedWithTheVariableName() {
        assertBad("PORT", "abc", "PORT (--port) must be a whole number 0..65535, got 'abc'");
        assertBad("PORT", "70000", "PORT (--port) must be a whole number 0..65535, got '70000'");
        assertBad("MAX_FRAME_LENGTH", "0", "MAX_FRAME_LENGTH (--max-frame-length) must be a whole number 1..16777216,"
                + " got '0'");
        assertBad("STATS_INTERVAL_SECONDS", "-1", "STATS_INTERVAL_SECONDS (--stats-interval-seconds) must be a whole"
                + " number 0..86400, got '-1'");
        assertBad("REQUIRE_CLIENT_CERT", "maybe", "REQUIRE_CLIENT_CERT (--require-client-cert) must be true or false,"
                + " got 'maybe'");
        assertBad("HTTP_PORT", "http", "HTTP_PORT (--http-port) must be a whole number 0..65535, got 'http'");
        assertBad("HEALTH_MAX_AGE_SECONDS", "0", "HEALTH_MAX_AGE_SECONDS (--health-max-age-seconds) must be a whole"
                + " number 1..86400, got '0'");
        assertBad("LOG_FORMAT", "JSON", "LOG_FORMAT must be one of text, json, got 'JSON'");
        assertTrue(message("CERT", "/nonexistent/receiver.crt").startsWith("CERT (--cert) must name an existing file"));
        assertTrue(message("CA_CERT", "/nonexistent/ca.crt").startsWith("CA_CERT (--ca-cert) must name an existing"));
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
            assertTrue(table.contains(s.name() + "=" + s.defaultValue + " ") && table.contains(s.help), s::name);
        }
    }

    private static void assertBad(String variable, String value, String expected) {
        assertEquals(expected, message(variable, value));
    }

    private static String message(String variable, String value) {
        Map<String, String> env = certEnv();
        env.put(variable, value);
        return assertThrows(ReceiverDaemonConfig.InvalidSettingException.class,
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
