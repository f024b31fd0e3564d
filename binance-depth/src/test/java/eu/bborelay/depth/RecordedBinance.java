package eu.bborelay.depth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.common.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/** Reads the recordings of shared/data/binance: lines {@code <receive time> <raw JSON>}. */
final class RecordedBinance {
    static final String SPOT_20240808 = "spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz";
    static final String SPOT_20240809 = "spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz";
    static final String USDM_20240808 = "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240808T2354Z.ndjson.gz";
    static final String USDM_20240718 = "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240718T2357Z.ndjson.gz";
    static final String USDM_20240719 = "usdm_btcusdt_bookTicker-trade-depth0ms_20240719T0000Z.ndjson.gz";
    static final String USDM_20230404 =
            "usdm_btcusdt_bookTicker-trade-depth0ms-markPrice-snapshot_20230404T2358Z_localus.ndjson.gz";
    static final String USDM_20230405 = "usdm_btcusdt_bookTicker-trade-depth0ms-markPrice_20230405T0000Z_localus.ndjson.gz";

    private static final JsonFactory JSON = new JsonFactory();

    private RecordedBinance() {
    }

    /** Calls {@code each} with the JSON part of every line of the files, in order (files concatenated). */
    static void forEachMessage(Consumer<String> each, String... files) {
        for (String f : files) {
            Path p = SharedData.binance(f);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p),
                    1 << 16), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    int sp = line.indexOf(' ');
                    if (sp > 0) {
                        each.accept(line.substring(sp + 1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static List<String> messages(String... files) {
        List<String> all = new ArrayList<>();
        forEachMessage(all::add, files);
        return all;
    }

    static boolean isSnapshot(String json) {
        return !json.contains("\"stream\"");
    }

    static boolean isBookTicker(String json) {
        return json.startsWith("{\"stream\":\"") && json.contains("@bookTicker\"");
    }

    static boolean isDepth(String json) {
        return json.startsWith("{\"stream\":\"") && json.contains("@depth");
    }

    /** A bookTicker's u, b and a (b, a scaled at 8). */
    record Bbo(long updateId, long bid, long ask) {
    }

    static Bbo bookTicker(String json) {
        long u = -1;
        long b = -1;
        long a = -1;
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("data") && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        p.nextToken();
                        switch (f) {
                            case "u" -> u = p.getLongValue();
                            case "b" -> b = Decimals.parse(p.getText(), 8);
                            case "a" -> a = Decimals.parse(p.getText(), 8);
                            default -> p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (u < 0 || b < 0 || a < 0) {
            throw new AssertionError("not a bookTicker: " + json);
        }
        return new Bbo(u, b, a);
    }
}
