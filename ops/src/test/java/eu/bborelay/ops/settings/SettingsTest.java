package eu.bborelay.ops.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    enum S implements Setting {
        PORT("9001", "TCP port"),
        ENABLED("false", "switch it on"),
        FORMAT("text", "text or json; environment only"),
        FILE("/nonexistent/x.pem", "a PEM file");

        private final String defaultValue;
        private final String help;

        S(String defaultValue, String help) {
            this.defaultValue = defaultValue;
            this.help = help;
        }

        @Override
        public String defaultValue() {
            return defaultValue;
        }

        @Override
        public String help() {
            return help;
        }

        @Override
        public boolean hasFlag() {
            return this != FORMAT;
        }
    }

    @Test
    void flagThenEnvironmentThenDefaultAndBlankIsUnset() {
        assertEquals(9001, Settings.of(Map.of()).integer(S.PORT, 1, 65_535, "a TCP port number"));
        assertEquals(9100, Settings.of(Map.of("PORT", " 9100 ")).integer(S.PORT, 1, 65_535, "a port"));
        assertEquals(9200, Settings.of(Map.of("PORT", "9100"), Map.of("PORT", "9200")).integer(S.PORT, 1, 65_535,
                "a port"));
        assertEquals(9100, Settings.of(Map.of("PORT", "9100"), Map.of("PORT", " ")).integer(S.PORT, 1, 65_535,
                "a port"), "a blank flag is unset");
        assertEquals(9001, Settings.of(Map.of("PORT", "  ")).integer(S.PORT, 1, 65_535, "a port"));
        assertFalse(Settings.of(Map.of("PORT", "")).isSet(S.PORT));
        assertTrue(Settings.of(Map.of("PORT", "1")).isSet(S.PORT));
        assertEquals("text", Settings.of(Map.of(), Map.of("FORMAT", "json")).text(S.FORMAT), "no flag: ignored");
    }

    @Test
    void errorsNameTheVariableWhatItExpectsAndTheValue() {
        assertEquals("PORT must be a TCP port number from 1 to 65535, got 'abc'", assertThrows(SettingException.class,
                () -> Settings.of(Map.of("PORT", "abc")).integer(S.PORT, 1, 65_535, "a TCP port number"))
                .getMessage());
        assertEquals("PORT must be a port from 1 to 65535, got '0'", assertThrows(SettingException.class,
                () -> Settings.of(Map.of("PORT", "0")).integer(S.PORT, 1, 65_535, "a port")).getMessage());
        assertEquals("FORMAT must be text or json, got 'JSON'", assertThrows(SettingException.class,
                () -> Settings.of(Map.of("FORMAT", "JSON")).oneOf(S.FORMAT, "text", "json")).getMessage());
        assertEquals("FORMAT must be one of a, b, c, got 'd'", assertThrows(SettingException.class,
                () -> Settings.of(Map.of("FORMAT", "d")).oneOf(S.FORMAT, "a", "b", "c")).getMessage());
        assertEquals("FILE=/nonexistent/x.pem is not a readable file (a PEM file; make one)",
                assertThrows(SettingException.class, () -> Settings.of(Map.of()).readableFile(S.FILE, "make one"))
                        .getMessage());
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        assertFalse(Settings.of(Map.of()).bool(S.ENABLED));
        assertTrue(Settings.of(Map.of("ENABLED", " TRUE ")).bool(S.ENABLED));
        assertFalse(Settings.of(Map.of("ENABLED", "False")).bool(S.ENABLED));
        for (String bad : List.of("yes", "1", "no", "0", "on")) {
            assertEquals("ENABLED must be true or false, got '" + bad + "'", assertThrows(SettingException.class,
                    () -> Settings.of(Map.of("ENABLED", bad)).bool(S.ENABLED)).getMessage());
        }
    }

    @Test
    void readableFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("x.pem"), "x");
        assertEquals(f, Settings.of(Map.of("FILE", f.toString())).readableFile(S.FILE, "hint"));
        assertThrows(SettingException.class, () -> Settings.of(Map.of("FILE", dir.toString())).readableFile(S.FILE,
                "hint"));
    }

    @Test
    void commandLineMakesOneFlagPerSettingAndTheHelpTable() {
        DaemonCommandLine cl = new DaemonCommandLine("d", "d 1.0", List.of("Does things."), List.of(S.values()));
        assertEquals(Map.of("PORT", "1", "ENABLED", "true"), cl.parse(new String[] {"--port", "1", "--enabled=true"},
                new PrintWriter(new StringWriter())));
        StringWriter out = new StringWriter();
        assertNull(cl.parse(new String[] {"--help"}, new PrintWriter(out)));
        String help = out.toString();
        assertTrue(help.contains("--port=<PORT>"), help);
        assertTrue(help.contains("TCP port (env PORT, default 9001)"), help);
        assertFalse(help.contains("--format"), help);
        assertTrue(help.replaceAll("\\s+", " ").contains("FORMAT text text or json; environment only"), help);
        assertTrue(help.contains(DaemonCommandLine.EXIT_CODES), help);
        SettingException e = assertThrows(SettingException.class, () -> cl.parse(new String[] {"--prot", "1"},
                new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().contains("--prot"), e.getMessage());
        assertThrows(SettingException.class, () -> cl.parse(new String[] {"--port"}, new PrintWriter(new StringWriter())));
    }
}
