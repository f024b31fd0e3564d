package eu.bborelay.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.depth.BreakReason;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.depth.DepthBookListener;
import eu.bborelay.depth.DepthEvent;
import eu.bborelay.depth.DepthParser;
import eu.bborelay.depth.DepthSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange's state as the recording stands at the timeline's {@link Timeline#position() position}: a local order
 * book per symbol (binance-depth's {@link DepthBook}, loaded from the recorded REST snapshot and every recorded diff
 * up to the position, withheld ones included) and the aggTrades recorded so far. The REST side answers
 * {@code /depth} and {@code /aggTrades} from it.
 *
 * <p>It reads the recordings with its own {@link RecordingReader}, lazily: each request first {@link #advanceTo
 * advances} it to the timeline's position (never past it, never back). Reading and book work happen on the REST
 * dispatcher thread, never on the replay thread; nothing is read before the first depth or aggTrades request.
 *
 * <p><b>Threads.</b> Owner: the REST dispatcher thread; not thread-safe. {@link #close()} is called after that thread
 * has stopped.
 */
final class RecordedTruth {
    private static final Logger log = LoggerFactory.getLogger(RecordedTruth.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** One recorded aggTrade ({@code <symbol>@aggTrade} data), prices and quantities as the exact recorded text. */
    record AggTrade(long id, String price, String quantity, long firstTradeId, long lastTradeId, long timeMs,
                    boolean buyerIsMaker, Boolean bestMatch) {
    }

    /** The book of one symbol and what the REST answer needs besides its levels. */
    static final class SymbolBook implements DepthBookListener {
        final DepthBook book;
        final DepthParser parser;
        /** {@code T} of the last applied event (or of the snapshot), futures; ABSENT if none. */
        long lastTransactionTimeMs = DepthEvent.ABSENT;
        /** Whether the timeline has passed the symbol's REST snapshot line. */
        boolean snapshotPassed;
        long breaks;
        long malformed;

        SymbolBook(RecordingIndex.SymbolInfo info) {
            parser = new DepthParser(info.priceScale, info.quantityScale);
            book = new DepthBook(info.market == null ? DepthBook.Market.SPOT : info.market, info.symbol,
                    info.priceScale, info.quantityScale, b -> { }, this);
        }

        @Override
        public void onApplied(DepthBook b, DepthEvent event) {
            lastTransactionTimeMs = event.transactionTimeMs();
        }

        @Override
        public void onBreak(DepthBook b, BreakReason reason, String detail) {
            breaks++;
        }
    }

    private final RecordingIndex index;
    private final RecordingReader reader;
    private final DepthEvent event = new DepthEvent();
    private final DepthSnapshot snapshot = new DepthSnapshot();
    private final Map<String, SymbolBook> books = new HashMap<>();
    private final Map<String, List<AggTrade>> aggTrades = new HashMap<>();
    private long position;

    RecordedTruth(List<Path> recordings, RecordingIndex index) {
        this.index = index;
        this.reader = new RecordingReader(recordings, true);
    }

    /** Closes the recording file (after the owner thread has stopped). */
    void close() {
        reader.close();
    }

    /** The line position read up to. */
    long position() {
        return position;
    }

    /**
     * Reads the recording up to and including the message at {@code timelinePosition} (a {@link Timeline#position()};
     * positions only grow, an older one changes nothing).
     */
    void advanceTo(long timelinePosition) {
        while (position < timelinePosition) {
            RecordedMessage m = reader.next();
            if (m == null) {
                position = Long.MAX_VALUE;
                reader.close();
                return;
            }
            position = reader.lines();
            apply(m);
        }
    }

    /** The book of {@code symbol} (upper case), or null when no depth diff or snapshot of it has been passed. */
    SymbolBook book(String symbol) {
        return books.get(symbol);
    }

    /** The aggTrades of {@code symbol} (upper case) passed so far, in recording order; empty if none. */
    List<AggTrade> aggTrades(String symbol) {
        return aggTrades.getOrDefault(symbol, List.of());
    }

    private void apply(RecordedMessage m) {
        if (m.stream == null) {
            String symbol = index.snapshotSymbol(position);
            if (symbol == null) {
                return;
            }
            SymbolBook sb = bookFor(symbol);
            if (sb == null) {
                return;
            }
            sb.snapshotPassed = true;
            if (!sb.parser.parseSnapshot(m.json, snapshot)) {
                log.warn("Recorded REST snapshot of {} at line {} unusable: {}", symbol, position, sb.parser.error());
                return;
            }
            boolean wasSynced = sb.book.isSynced();
            sb.book.onSnapshot(snapshot);
            if (!wasSynced && sb.book.isSynced() && sb.lastTransactionTimeMs == DepthEvent.ABSENT) {
                sb.lastTransactionTimeMs = snapshot.transactionTimeMs();
            }
            return;
        }
        int at = m.stream.indexOf('@');
        if (at <= 0) {
            return;
        }
        if (Withholder.isDiffDepthStream(m.stream, at)) {
            SymbolBook sb = bookFor(m.stream.substring(0, at).toUpperCase(Locale.ROOT));
            if (sb == null) {
                return;
            }
            DepthParser.Result r = sb.parser.parseEvent(m.json, event);
            if (r == DepthParser.Result.DEPTH_UPDATE) {
                sb.book.onEvent(event);
            } else if (r == DepthParser.Result.MALFORMED) {
                if (sb.malformed++ == 0) {
                    log.warn("Recorded depth message of {} at line {} unusable for the REST book: {} (further ones"
                            + " only counted)", sb.book.symbol(), position, sb.parser.error());
                }
            }
        } else if (m.stream.startsWith("@aggTrade", at) && m.stream.length() == at + 9) {
            AggTrade t = parseAggTrade(m.data());
            if (t != null) {
                aggTrades.computeIfAbsent(m.stream.substring(0, at).toUpperCase(Locale.ROOT), s -> new ArrayList<>())
                        .add(t);
            }
        }
    }

    /** The symbol's book, created at its first depth message; null when the recording has no snapshot of it. */
    private SymbolBook bookFor(String symbol) {
        SymbolBook sb = books.get(symbol);
        if (sb == null) {
            RecordingIndex.SymbolInfo info = index.symbols().get(symbol);
            if (info == null || info.snapshotJson == null) {
                return null;
            }
            sb = new SymbolBook(info);
            books.put(symbol, sb);
        }
        return sb;
    }

    /** The REST fields of an aggTrade's data object; null when a field is missing. */
    static AggTrade parseAggTrade(String data) {
        long id = -1;
        long first = -1;
        long last = -1;
        long time = -1;
        String price = null;
        String quantity = null;
        Boolean maker = null;
        Boolean bestMatch = null;
        try (JsonParser p = JSON.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "a" -> id = p.getValueAsLong(-1);
                    case "p" -> price = p.getValueAsString();
                    case "q" -> quantity = p.getValueAsString();
                    case "f" -> first = p.getValueAsLong(-1);
                    case "l" -> last = p.getValueAsLong(-1);
                    case "T" -> time = p.getValueAsLong(-1);
                    case "m" -> maker = v == JsonToken.VALUE_TRUE;
                    case "M" -> bestMatch = v == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (id < 0 || price == null || quantity == null || first < 0 || last < 0 || time < 0 || maker == null) {
            return null;
        }
        return new AggTrade(id, price, quantity, first, last, time, maker, bestMatch);
    }
}
