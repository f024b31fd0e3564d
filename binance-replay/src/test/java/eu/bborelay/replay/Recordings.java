package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The tests' own, deliberately simple reading of recordings (independent of the server's Jackson-based reader):
 * split at the first space, the stream name by regular expression, the data object by position (the recorder writes
 * "data" last).
 */
final class Recordings {
    private static final Pattern STREAM = Pattern.compile("^\\{\"stream\":\"([^\"]+)\",\"data\":");

    private Recordings() {
    }

    /** A recording line: the receive time as written and the raw JSON. */
    record Line(long time, String json) {
        /** The stream name, or {@code null} for a line that is not a combined-stream message (REST snapshot). */
        String stream() {
            Matcher m = STREAM.matcher(json);
            return m.find() ? m.group(1) : null;
        }

        String data() {
            return Recordings.data(json);
        }

        String text() {
            return time + " " + json;
        }
    }

    /** All lines of a recording (gzip if it ends with .gz, as the shared data files do). */
    static List<Line> read(Path file, boolean gzip) throws IOException {
        List<Line> lines = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = gzip ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String s;
            while ((s = r.readLine()) != null) {
                int sp = s.indexOf(' ');
                lines.add(new Line(Long.parseLong(s.substring(0, sp)), s.substring(sp + 1)));
            }
        }
        return lines;
    }

    static List<Line> readShared(Path file) throws IOException {
        return read(file, true);
    }

    /** The JSON texts of the lines whose stream is one of {@code streams}, in recording order. */
    static List<String> combined(List<Line> lines, Collection<String> streams) {
        List<String> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.stream() != null && streams.contains(l.stream())) {
                out.add(l.json());
            }
        }
        return out;
    }

    /** Every combined-stream message (no REST snapshot). */
    static List<Line> webSocketLines(List<Line> lines) {
        List<Line> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.stream() != null) {
                out.add(l);
            }
        }
        return out;
    }

    static String data(String combinedJson) {
        int start = combinedJson.indexOf("\"data\":") + "\"data\":".length();
        return combinedJson.substring(start, combinedJson.length() - 1);
    }

    /** Writes lines (as text lines) to {@code file}, gzip-compressed or plain. */
    static Path write(Path file, List<String> textLines, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            for (String l : textLines) {
                out.write(l.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        return file;
    }

    static List<String> texts(List<Line> lines) {
        List<String> out = new ArrayList<>();
        for (Line l : lines) {
            out.add(l.text());
        }
        return out;
    }

    /** Fails with the first difference instead of printing two lists of thousands of messages. */
    static void assertSameMessages(List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail("message " + i + " differs:\n expected " + expected.get(i) + "\n   actual " + actual.get(i));
            }
        }
        if (expected.size() != actual.size()) {
            fail("expected " + expected.size() + " messages, got " + actual.size());
        }
    }
}
