package eu.bborelay.sender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads the bookTicker updates of a recording straight from the file, independently of the sender's parser, as the
 * expectation for end-to-end tests: the k-th update of the subscribed symbols must arrive with seq k.
 */
final class RecordedQuotes {
    /** One recorded bookTicker update, fields as Binance sent them (prices parsed to double). */
    record Quote(String symbol, long updateId, double bid, double bidQty, double ask, double askQty,
                 long eventTimeMs) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    private RecordedQuotes() {
    }

    /** The bookTicker updates of {@code symbols} (upper case) in recording order. */
    static List<Quote> read(Path recording, Set<String> symbols) {
        List<Quote> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(recording)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String json = line.substring(line.indexOf(' ') + 1);
                Quote q = parse(json);
                if (q != null && symbols.contains(q.symbol())) {
                    out.add(q);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Quote parse(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            String stream = null;
            Quote data = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("stream")) {
                    stream = p.getText();
                } else if (name.equals("data") && p.currentToken() == JsonToken.START_OBJECT) {
                    data = data(p);
                } else {
                    p.skipChildren();
                }
            }
            if (stream == null || !stream.endsWith("@bookTicker") || data == null) {
                return null;
            }
            if (!stream.startsWith(data.symbol().toLowerCase(Locale.ROOT) + "@")) {
                throw new IllegalStateException("stream " + stream + " carries " + data.symbol());
            }
            return data;
        }
    }

    private static Quote data(JsonParser p) throws IOException {
        String s = null;
        long u = 0;
        long e = 0;
        String b = null;
        String bq = null;
        String a = null;
        String aq = null;
        boolean bookTicker = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!p.nextToken().isScalarValue()) {
                p.skipChildren();
                bookTicker = false; // e.g. depth arrays: not a bookTicker payload
                continue;
            }
            switch (name) {
                case "s" -> s = p.getText();
                case "u" -> u = p.getLongValue();
                case "E" -> e = p.getLongValue();
                case "b" -> b = p.getText();
                case "B" -> bq = p.getText();
                case "a" -> a = p.getText();
                case "A" -> aq = p.getText();
                default -> p.skipChildren();
            }
        }
        if (!bookTicker || s == null || b == null || bq == null || a == null || aq == null) {
            return null;
        }
        return new Quote(s, u, Double.parseDouble(b), Double.parseDouble(bq), Double.parseDouble(a),
                Double.parseDouble(aq), e);
    }
}
