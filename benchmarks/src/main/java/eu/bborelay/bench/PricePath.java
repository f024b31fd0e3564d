package eu.bborelay.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The bookTicker price path of a recording (lines {@code <time> <raw JSON>}, gzip or plain): for every bookTicker
 * update of one symbol, the exact text of its {@code b}, {@code B}, {@code a}, {@code A} fields, in order. The load
 * generator cycles through them and writes its own unique update ids; the recording stays where it is.
 */
final class PricePath {
    /** One update's fields, text exactly as Binance sent it. */
    record Level(String bid, String bidQty, String ask, String askQty) {
    }

    private PricePath() {
    }

    /**
     * @param recording recording file (gzip or plain text)
     * @param symbol upper-case symbol, e.g. {@code BTCUSDT}
     * @param max stop after this many updates
     * @return at least one level
     * @throws IOException if the file cannot be read or holds no bookTicker update of {@code symbol}
     */
    static List<Level> load(Path recording, String symbol, int max) throws IOException {
        JsonFactory json = new JsonFactory();
        List<Level> levels = new ArrayList<>();
        String streamName = symbol.toLowerCase() + "@bookTicker";
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(recording), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while (levels.size() < max && (line = reader.readLine()) != null) {
                if (!line.contains(streamName)) {
                    continue;
                }
                int space = line.indexOf(' ');
                Level level = parse(json, line.substring(space + 1), streamName);
                if (level != null) {
                    levels.add(level);
                }
            }
        }
        if (levels.isEmpty()) {
            throw new IOException("no " + streamName + " update in " + recording);
        }
        return levels;
    }

    private static Level parse(JsonFactory json, String text, String streamName) throws IOException {
        String stream = null;
        String b = null;
        String bq = null;
        String a = null;
        String aq = null;
        try (JsonParser p = json.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("stream".equals(name)) {
                    stream = p.getText();
                } else if ("data".equals(name) && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        switch (field) {
                            case "b" -> b = p.getText();
                            case "B" -> bq = p.getText();
                            case "a" -> a = p.getText();
                            case "A" -> aq = p.getText();
                            default -> p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        if (!streamName.equals(stream) || b == null || bq == null || a == null || aq == null) {
            return null;
        }
        return new Level(b, bq, a, aq);
    }
}
