package eu.bborelay.e2e;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The bookTicker updates of a recording, read independently of the code under test (Jackson, field by field). */
record Recording(List<Quote> quotes) {
    /** One recorded bookTicker update; prices are the exact recorded strings. */
    record Quote(String symbol, long updateId, String bid, String bidQty, String ask, String askQty, long eventTimeMs) {
    }

    static Recording read(Path file) throws IOException {
        JsonFactory json = new JsonFactory();
        List<Quote> quotes = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (!line.contains("@bookTicker\"")) {
                    continue;
                }
                try (JsonParser p = json.createParser(line.substring(space + 1))) {
                    quotes.add(parse(p));
                }
            }
        }
        return new Recording(List.copyOf(quotes));
    }

    /** One bookTicker message (the parser before its first token), field by field. */
    static Quote parse(JsonParser p) throws IOException {
        String s = null;
        String b = null;
        String bq = null;
        String a = null;
        String aq = null;
        long u = -1;
        long e = 0;
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("data")) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    p.nextToken();
                    switch (f) {
                        case "s" -> s = p.getText();
                        case "b" -> b = p.getText();
                        case "B" -> bq = p.getText();
                        case "a" -> a = p.getText();
                        case "A" -> aq = p.getText();
                        case "u" -> u = p.getLongValue();
                        case "E" -> e = p.getLongValue();
                        default -> p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new Quote(s, u, b, bq, a, aq, e);
    }

    long count(String symbol) {
        return quotes.stream().filter(q -> q.symbol().equals(symbol)).count();
    }
}
