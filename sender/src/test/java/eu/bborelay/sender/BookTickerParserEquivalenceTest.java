package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free {@link BookTickerParser} against {@link ReferenceBookTickerParser} (the same parser as it was
 * with Strings and {@link Double#parseDouble}): same result, same invalid reason, and for a quote the same fields
 * bit for bit, on every message of every Binance recording in shared/data, on the fuzz seeds, and on 200,000
 * random mutations of recorded messages.
 */
class BookTickerParserEquivalenceTest {
    /** Per recording file, at most this many lines (the largest files hold a few hundred thousand). */
    private static final int MAX_LINES_PER_FILE = 150_000;

    private final BookTickerParser parser = new BookTickerParser();
    private final ReferenceBookTickerParser reference = new ReferenceBookTickerParser();
    private final BookTicker got = new BookTicker();
    private final BookTicker want = new BookTicker();

    @Test
    void sameOutcomeOnEveryRecordedMessage() throws IOException {
        List<String> lines = recordedMessages();
        int quotes = 0;
        for (String json : lines) {
            if (assertSameOutcome(json) == BookTickerParser.Result.QUOTE) {
                quotes++;
            }
        }
        assertTrue(quotes > 50_000, "recorded bookTicker updates compared: " + quotes);
    }

    @Test
    void sameOutcomeOnTheFuzzSeeds() throws IOException {
        Path seeds = Path.of("src/test/resources/eu/bborelay/sender/BookTickerParserFuzzTestInputs")
                .resolve("parserNeverThrowsAndOnlySaneQuotesPass");
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(seeds)) {
            for (Path f : files) {
                assertSameOutcome(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
                n++;
            }
        }
        assertTrue(n > 5, "seeds in " + seeds);
    }

    @Test
    void sameOutcomeOnMutatedMessages() throws IOException {
        List<String> lines = recordedMessages();
        SplittableRandom random = new SplittableRandom(42);
        String alphabet = "0123456789.-+eE\"{}[]:,nulltrue bBaAsSuUE\\";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder sb = new StringBuilder(lines.get(random.nextInt(lines.size())));
            int edits = 1 + random.nextInt(3);
            for (int k = 0; k < edits && sb.length() > 0; k++) {
                int at = random.nextInt(sb.length());
                switch (random.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            assertSameOutcome(sb.toString());
        }
    }

    @Test
    void theSameSymbolIsTheSameInstance() {
        String first = "{\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1.0\",\"B\":\"1\",\"a\":\"2.0\",\"A\":\"1\"}";
        BookTicker a = new BookTicker();
        BookTicker b = new BookTicker();
        assertEquals(BookTickerParser.Result.QUOTE, parser.parse(first, a));
        assertEquals(BookTickerParser.Result.QUOTE, parser.parse(first.replace("\"u\":1", "\"u\":2"), b));
        assertSame(a.symbol(), b.symbol(), "no new String per message");
        for (int i = 0; i < BookTickerParser.MAX_INTERNED_SYMBOLS + 10; i++) {
            assertEquals(BookTickerParser.Result.QUOTE, parser.parse(first.replace("BTCUSDT", "S" + i), a));
            assertEquals("S" + i, a.symbol(), "beyond the table's size symbols are still right");
        }
        assertEquals(BookTickerParser.Result.QUOTE, parser.parse(first, a));
        assertEquals("BTCUSDT", a.symbol());
    }

    private BookTickerParser.Result assertSameOutcome(String json) {
        BookTickerParser.Result expected = reference.parse(json, want);
        BookTickerParser.Result actual = parser.parse(json, got);
        assertEquals(expected, actual, json);
        assertEquals(reference.invalidReason(), parser.invalidReason(), json);
        if (expected == BookTickerParser.Result.QUOTE) {
            assertEquals(want.symbol(), got.symbol(), json);
            assertEquals(want.updateId(), got.updateId(), json);
            assertEquals(want.binanceEventTimeMs(), got.binanceEventTimeMs(), json);
            assertBits(want.bid(), got.bid(), json);
            assertBits(want.bidQty(), got.bidQty(), json);
            assertBits(want.ask(), got.ask(), json);
            assertBits(want.askQty(), got.askQty(), json);
            assertBits(want.mid(), got.mid(), json);
        }
        return expected;
    }

    private static void assertBits(double expected, double actual, String json) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual), json);
    }

    /** The JSON of every line (after its receive timestamp) of every Binance recording, up to the cap per file. */
    private static List<String> recordedMessages() throws IOException {
        Path dir = SharedData.dataDir().resolve("binance");
        List<String> out = new ArrayList<>();
        int files = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.ndjson.gz")) {
            for (Path file : ds) {
                files++;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    String line;
                    int n = 0;
                    while ((line = r.readLine()) != null && n++ < MAX_LINES_PER_FILE) {
                        int brace = line.indexOf('{');
                        out.add(brace < 0 ? line : line.substring(brace));
                    }
                }
            }
        }
        assertTrue(files > 0, "no *.ndjson.gz in " + dir);
        return out;
    }
}
