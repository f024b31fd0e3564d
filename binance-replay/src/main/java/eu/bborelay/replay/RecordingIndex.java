package eu.bborelay.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.depth.Decimals;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.depth.DepthEvent;
import eu.bborelay.depth.DepthParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the recordings contain, read once in full by the REST side before its first answer: every symbol (for
 * {@code exchangeInfo} and {@code -1121 Invalid symbol.}), the market each symbol was recorded from, whether it has
 * diff depth and aggTrade messages, and which symbol each REST snapshot line belongs to.
 *
 * <p><b>Market.</b> From the messages' shapes (collection-facts §5): a depth diff with {@code pu}, a bookTicker with
 * {@code e}, an aggTrade or trade without {@code M} is futures, the opposite spot; a symbol with {@code _}
 * ({@code BTCUSD_PERP}) on futures is COIN-M. Undecided ({@code null}) when the symbol has only other streams.
 *
 * <p><b>Snapshots.</b> A snapshot line has no symbol. It belongs to the symbol with a depth diff that reaches it
 * ({@code U <= lastUpdateId + 1} and {@code u >= lastUpdateId}, which covers the spot and futures sync rules), the
 * diff nearest to the line when several symbols have one; failing that, to the only symbol with depth diffs. Its
 * price and quantity scales are the most fraction digits the snapshot writes (Binance writes every price of a symbol
 * with the same number of digits: {@code "61837.63000000"} on spot, {@code "61800.20"} on USD-M), so that the book
 * answers in the recording's own text.
 *
 * <p>Immutable after {@link #read(List)}; read by the REST dispatcher thread.
 */
final class RecordingIndex {
    private static final Logger log = LoggerFactory.getLogger(RecordingIndex.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** What is known of one symbol. */
    static final class SymbolInfo {
        final String symbol; // upper case
        DepthBook.Market market; // null: undecided
        boolean depthDiffs;
        boolean aggTrades;
        /** The first REST snapshot line of this symbol (exact text), its line position and scales; null if none. */
        String snapshotJson;
        long snapshotPosition;
        int priceScale;
        int quantityScale;

        SymbolInfo(String symbol) {
            this.symbol = symbol;
        }
    }

    private final Map<String, SymbolInfo> symbols;
    private final Map<Long, String> snapshotSymbols; // line position -> symbol

    private RecordingIndex(Map<String, SymbolInfo> symbols, Map<Long, String> snapshotSymbols) {
        this.symbols = Collections.unmodifiableMap(symbols);
        this.snapshotSymbols = Collections.unmodifiableMap(snapshotSymbols);
    }

    /** Upper-case symbols of the recordings, sorted. */
    Map<String, SymbolInfo> symbols() {
        return symbols;
    }

    /** The symbol (upper case) of the snapshot line at {@code position}, or null. */
    String snapshotSymbol(long position) {
        return snapshotSymbols.get(position);
    }

    /** Reads every line of the recordings. */
    static RecordingIndex read(List<Path> recordings) {
        Map<String, SymbolInfo> symbols = new TreeMap<>();
        Map<String, List<long[]>> diffs = new HashMap<>(); // symbol -> {position, U, u}
        List<long[]> snapshots = new ArrayList<>(); // {position, lastUpdateId}
        List<String> snapshotTexts = new ArrayList<>();
        DepthParser parser = new DepthParser();
        DepthEvent event = new DepthEvent();
        try (RecordingReader r = new RecordingReader(recordings, true)) {
            RecordedMessage m;
            while ((m = r.next()) != null) {
                long position = r.lines();
                if (m.stream == null) {
                    long id = lastUpdateId(m.json);
                    if (id >= 0) {
                        snapshots.add(new long[] {position, id});
                        snapshotTexts.add(m.json);
                    }
                    continue;
                }
                int at = m.stream.indexOf('@');
                if (at <= 0) {
                    continue;
                }
                String symbol = m.stream.substring(0, at).toUpperCase(Locale.ROOT);
                SymbolInfo info = symbols.computeIfAbsent(symbol, SymbolInfo::new);
                String data = m.data();
                if (Withholder.isDiffDepthStream(m.stream, at)) {
                    info.depthDiffs = true;
                    decide(info, data.contains("\"pu\":"));
                    if (parser.parseEvent(m.json, event) == DepthParser.Result.DEPTH_UPDATE) {
                        diffs.computeIfAbsent(symbol, s -> new ArrayList<>())
                                .add(new long[] {position, event.firstUpdateId(), event.finalUpdateId()});
                    }
                } else if (m.stream.startsWith("@aggTrade", at) && m.stream.length() == at + 9) {
                    info.aggTrades = true;
                    decide(info, !data.contains("\"M\":"));
                } else if (m.stream.startsWith("@trade", at) && m.stream.length() == at + 6) {
                    decide(info, !data.contains("\"M\":"));
                } else if (m.stream.startsWith("@bookTicker", at) && m.stream.length() == at + 11) {
                    decide(info, data.contains("\"e\":"));
                }
            }
        }
        Map<Long, String> snapshotSymbols = new HashMap<>();
        for (int i = 0; i < snapshots.size(); i++) {
            long position = snapshots.get(i)[0];
            long id = snapshots.get(i)[1];
            String owner = owner(position, id, diffs);
            if (owner == null) {
                log.warn("REST snapshot line {} (lastUpdateId {}) matches no depth stream of the recording; the REST"
                        + " depth endpoint will not use it", position, id);
                continue;
            }
            snapshotSymbols.put(position, owner);
            SymbolInfo info = symbols.get(owner);
            if (info.snapshotJson == null) {
                String text = snapshotTexts.get(i);
                info.snapshotJson = text;
                info.snapshotPosition = position;
                int[] scales = scales(text);
                info.priceScale = scales[0];
                info.quantityScale = scales[1];
            }
        }
        return new RecordingIndex(symbols, snapshotSymbols);
    }

    private static void decide(SymbolInfo info, boolean futures) {
        if (info.market == null) {
            info.market = !futures ? DepthBook.Market.SPOT
                    : info.symbol.indexOf('_') >= 0 ? DepthBook.Market.COINM : DepthBook.Market.USDM;
        }
    }

    private static String owner(long position, long id, Map<String, List<long[]>> diffs) {
        String best = null;
        long bestDistance = Long.MAX_VALUE;
        for (Map.Entry<String, List<long[]>> e : diffs.entrySet()) {
            for (long[] d : e.getValue()) {
                if (d[1] <= id + 1 && d[2] >= id) {
                    long distance = Math.abs(d[0] - position);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        best = e.getKey();
                    }
                }
            }
        }
        if (best == null && diffs.size() == 1) {
            best = diffs.keySet().iterator().next();
        }
        return best;
    }

    /** The snapshot's {@code lastUpdateId}, or -1 when the line is not a snapshot. */
    private static long lastUpdateId(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("lastUpdateId".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** {priceScale, quantityScale}: the most fraction digits among the snapshot's prices and quantities (min 0). */
    static int[] scales(String json) {
        int[] scales = {0, 0};
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (("bids".equals(name) || "asks".equals(name)) && p.currentToken() == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        int column = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (column < 2) {
                                String text = p.getText();
                                int dot = text.indexOf('.');
                                int digits = dot < 0 ? 0 : text.length() - dot - 1;
                                scales[column] = Math.min(Decimals.MAX_SCALE, Math.max(scales[column], digits));
                            }
                            column++;
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return new int[] {8, 8};
        }
        return scales;
    }
}
