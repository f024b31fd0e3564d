package eu.bborelay.replay;

import java.util.Locale;
import java.util.Objects;

/**
 * One recorded message the replay withholds from every WebSocket connection while its REST endpoints still answer
 * with the whole recording ({@link BinanceReplayServer.Builder#withhold(Withhold)}): the exchange-side loss a client
 * must detect (a depth break, a trade or aggTrade id gap) and repair (resync from {@code GET /api/v3/depth}, backfill
 * from {@code GET /api/v3/aggTrades}).
 *
 * <p>Kinds, each for one symbol (upper or lower case; matched against the stream name's symbol):
 * <ul>
 *   <li>{@link #depthDiff(String, long)}: the n-th diff depth message ({@code <symbol>@depth},
 *       {@code @depth@100ms}, {@code @depth@0ms}, ...; not the partial {@code @depth5/10/20} streams) of the
 *       recording, counting from 1, REST snapshot lines not counted;</li>
 *   <li>{@link #trade(String, long)}: the {@code <symbol>@trade} message whose trade id {@code t} is the given id;</li>
 *   <li>{@link #aggTrade(String, long)}: the {@code <symbol>@aggTrade} message whose aggregate trade id {@code a} is
 *       the given id.</li>
 * </ul>
 * Text form (the CLI's {@code --withhold}): {@code depth:BTCUSDT:1500}, {@code trade:BTCUSDT:3751312009},
 * {@code aggTrade:CTKUSDT:16599293} ({@link #parse(String)}).
 *
 * <p>Immutable; thread-safe.
 */
public final class Withhold {
    /** What a {@link Withhold} selects. */
    public enum Kind {
        /** The n-th diff depth message of the symbol (1-based). */
        DEPTH_DIFF("depth"),
        /** The trade message with trade id {@code t}. */
        TRADE("trade"),
        /** The aggTrade message with aggregate trade id {@code a}. */
        AGG_TRADE("aggTrade");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        /** The kind's name in the text form. */
        public String text() {
            return text;
        }
    }

    private final Kind kind;
    private final String symbol; // lower case, as in stream names
    private final long number;

    private Withhold(Kind kind, String symbol, long number) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(symbol, "symbol");
        if (symbol.isEmpty() || symbol.indexOf('@') >= 0 || symbol.indexOf(':') >= 0) {
            throw new IllegalArgumentException("not a symbol: '" + symbol + "'");
        }
        this.symbol = symbol.toLowerCase(Locale.ROOT);
        if (kind == Kind.DEPTH_DIFF ? number < 1 : number < 0) {
            throw new IllegalArgumentException(kind == Kind.DEPTH_DIFF
                    ? "depth diffs are counted from 1, got " + number : "ids are not negative, got " + number);
        }
        this.number = number;
    }

    /** The {@code ordinal}-th diff depth message (counting from 1) of {@code symbol} in the recording. */
    public static Withhold depthDiff(String symbol, long ordinal) {
        return new Withhold(Kind.DEPTH_DIFF, symbol, ordinal);
    }

    /** The {@code @trade} message of {@code symbol} with trade id {@code t == tradeId}. */
    public static Withhold trade(String symbol, long tradeId) {
        return new Withhold(Kind.TRADE, symbol, tradeId);
    }

    /** The {@code @aggTrade} message of {@code symbol} with aggregate trade id {@code a == aggTradeId}. */
    public static Withhold aggTrade(String symbol, long aggTradeId) {
        return new Withhold(Kind.AGG_TRADE, symbol, aggTradeId);
    }

    /**
     * Parses the text form {@code KIND:SYMBOL:NUMBER}, KIND one of {@code depth}, {@code trade}, {@code aggTrade}
     * (case-insensitive).
     *
     * @throws IllegalArgumentException with what is wrong and the expected form
     */
    public static Withhold parse(String text) {
        String[] parts = text.split(":", -1);
        String form = "expected KIND:SYMBOL:NUMBER with KIND depth (n-th diff, from 1), trade (trade id) or aggTrade"
                + " (aggregate trade id), e.g. depth:BTCUSDT:1500; got '" + text + "'";
        if (parts.length != 3) {
            throw new IllegalArgumentException(form);
        }
        long n;
        try {
            n = Long.parseLong(parts[2].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(form);
        }
        String k = parts[0].trim();
        String symbol = parts[1].trim();
        for (Kind kind : Kind.values()) {
            if (kind.text.equalsIgnoreCase(k)) {
                return new Withhold(kind, symbol, n);
            }
        }
        throw new IllegalArgumentException(form);
    }

    public Kind kind() {
        return kind;
    }

    /** The symbol, lower case (as in stream names). */
    public String symbol() {
        return symbol;
    }

    /** The ordinal ({@link Kind#DEPTH_DIFF}) or the id ({@link Kind#TRADE}, {@link Kind#AGG_TRADE}). */
    public long number() {
        return number;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Withhold w && w.kind == kind && w.symbol.equals(symbol) && w.number == number;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, symbol, number);
    }

    /** The text form, e.g. {@code depth:BTCUSDT:1500}. */
    @Override
    public String toString() {
        return kind.text + ":" + symbol.toUpperCase(Locale.ROOT) + ":" + number;
    }
}
