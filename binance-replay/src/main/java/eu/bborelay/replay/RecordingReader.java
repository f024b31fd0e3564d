package eu.bborelay.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the messages of one or more recording files, in the given order, as one timeline.
 *
 * <p>Line format: {@code <local receive time> <raw JSON>}. The time is nanoseconds since the epoch, or microseconds
 * (files named {@code *_localus}); the unit is detected per file from the first line's magnitude (below 1e17 means
 * microseconds). Files are gzip or plain text, told apart by the gzip magic bytes, not by the name. Lines without a
 * {@code "stream"} field (REST depth snapshots) are skipped silently, or returned as messages whose
 * {@link RecordedMessage#stream} is {@code null} (the whole JSON as data) when the reader was made with
 * {@code includeSnapshots}; lines that are not {@code <number> <json object>}
 * are counted as malformed, logged once per file and skipped. A file that becomes unreadable midway is logged and the
 * next file follows.
 *
 * <p>Not thread-safe: used by the replay thread only (and by {@link #checkReadable(Path)} at start-up).
 */
final class RecordingReader implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(RecordingReader.class);
    /** Receive times below this are microseconds, above nanoseconds (1e17 ns is 1973, 1e17 µs is year 5000). */
    static final long MICROSECONDS_BELOW = 100_000_000_000_000_000L;
    private static final int BUFFER = 1 << 16;

    private final List<Path> files;
    private final boolean includeSnapshots;
    private final JsonFactory jsonFactory = new JsonFactory();
    private int fileIndex = -1;
    private Path currentFile;
    private BufferedReader reader;
    private long lineNumber;
    private long unitMultiplier;
    private long malformedInFile;

    private volatile long lines;
    private volatile long messages;
    private volatile long skippedNonStream;
    private volatile long malformed;

    RecordingReader(List<Path> files) {
        this(files, false);
    }

    /**
     * @param includeSnapshots {@code true}: {@link #next()} also returns the REST snapshot lines (no {@code "stream"}),
     *                         with a {@code null} stream; they still count in {@link #skippedNonStream()}, not in
     *                         {@link #messages()}
     */
    RecordingReader(List<Path> files, boolean includeSnapshots) {
        this.files = List.copyOf(files);
        this.includeSnapshots = includeSnapshots;
    }

    /**
     * Fails with a clear {@link IOException} when {@code file} is missing, not a regular file, unreadable, or (when
     * gzip) not a valid gzip stream. Called from {@link BinanceReplayServer#start()}.
     */
    static void checkReadable(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "recording file does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("recording is not a regular file: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString(), null, "recording file is not readable");
        }
        try (InputStream in = open(file)) {
            in.read();
        } catch (IOException e) {
            throw new IOException("cannot read recording " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens a recording, decompressing it when it starts with the gzip magic bytes 1f 8b. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new GZIPInputStream(raw, BUFFER);
            }
            return raw;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The next WebSocket message of the timeline, or {@code null} after the last line of the last file. */
    RecordedMessage next() {
        while (true) {
            if (reader == null && !openNextFile()) {
                return null;
            }
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                log.error("Recording {} unreadable after line {}: {}; continuing with the next file", currentFile,
                        lineNumber, e.toString());
                closeCurrent();
                continue;
            }
            if (line == null) {
                closeCurrent();
                continue;
            }
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            lines++;
            RecordedMessage m = parse(line);
            if (m != null) {
                if (m.stream != null) {
                    messages++;
                }
                return m;
            }
        }
    }

    private RecordedMessage parse(String line) {
        int space = line.indexOf(' ');
        if (space <= 0) {
            return malformed(line, "expected '<receive time> <json>'");
        }
        long time;
        try {
            time = Long.parseLong(line, 0, space, 10);
        } catch (NumberFormatException e) {
            return malformed(line, "receive time is not an integer");
        }
        if (time <= 0) {
            return malformed(line, "receive time is not positive");
        }
        if (unitMultiplier == 0) {
            unitMultiplier = time < MICROSECONDS_BELOW ? 1000 : 1;
            log.debug("Recording {}: receive times in {}", currentFile, unitMultiplier == 1 ? "ns" : "µs");
        }
        String json = line.substring(space + 1);
        String stream = null;
        int dataStart = -1;
        int dataEnd = -1;
        try (JsonParser p = jsonFactory.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return malformed(line, "not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("stream".equals(name) && value == JsonToken.VALUE_STRING) {
                    stream = p.getText();
                } else if ("data".equals(name)) {
                    dataStart = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    dataEnd = (int) p.currentLocation().getCharOffset();
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return malformed(line, "trailing characters after the JSON object");
            }
        } catch (JsonProcessingException e) {
            return malformed(line, "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return malformed(line, e.toString());
        }
        if (stream == null) {
            skippedNonStream++; // REST depth snapshot: not a WebSocket message
            return includeSnapshots ? new RecordedMessage(time * unitMultiplier, null, json, 0, json.length()) : null;
        }
        if (dataStart < 0 || dataEnd <= dataStart) {
            return malformed(line, "combined-stream message without \"data\"");
        }
        return new RecordedMessage(time * unitMultiplier, stream, json, dataStart, dataEnd);
    }

    private RecordedMessage malformed(String line, String why) {
        malformed++;
        malformedInFile++;
        if (malformedInFile == 1) {
            String shown = line.length() > 160 ? line.substring(0, 160) + "..." : line;
            log.warn("Skipping malformed line {} of {} ({}): {} (further malformed lines of this file are only counted)",
                    lineNumber, currentFile, why, shown);
        }
        return null;
    }

    private boolean openNextFile() {
        while (++fileIndex < files.size()) {
            currentFile = files.get(fileIndex);
            lineNumber = 0;
            unitMultiplier = 0;
            malformedInFile = 0;
            try {
                reader = new BufferedReader(new InputStreamReader(open(currentFile), StandardCharsets.UTF_8), BUFFER);
                return true;
            } catch (IOException e) {
                log.error("Cannot open recording {}: {}; skipping it", currentFile, e.toString());
            }
        }
        return false;
    }

    private void closeCurrent() {
        if (malformedInFile > 1) {
            log.warn("Recording {}: {} malformed lines skipped", currentFile, malformedInFile);
        }
        malformedInFile = 0;
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (IOException e) {
            log.debug("closing {}", currentFile, e);
        }
        reader = null;
    }

    /**
     * Non-blank lines read so far, over every file: the position of the message {@link #next()} returned last. Two
     * readers of the same files agree on it, which is how the REST side ({@link RecordedTruth}) follows the timeline.
     */
    long lines() {
        return lines;
    }

    /** WebSocket messages returned by {@link #next()} so far. */
    long messages() {
        return messages;
    }

    /** Lines without a "stream" field (REST snapshots) skipped so far. */
    long skippedNonStream() {
        return skippedNonStream;
    }

    /** Malformed lines skipped so far. */
    long malformed() {
        return malformed;
    }

    @Override
    public void close() {
        closeCurrent();
        fileIndex = files.size();
    }
}
