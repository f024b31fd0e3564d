package eu.bborelay.binance;

import java.util.Locale;

/**
 * One kind of Binance market stream per symbol: the stream name is {@code <symbol in lower case>@<suffix>}, e.g.
 * {@code btcusdt@bookTicker}. Which kinds a sender subscribes to is a {@link StreamSelection}; a new kind (a depth
 * level stream, say) is a new constant here plus its parser.
 *
 * <p>USD-M routes streams by URL path ({@link BinanceMarket#routedByPath()}): bookTicker, depth and trade under
 * {@code /public}, aggTrade under {@code /market} (connector-java {@code IndividualSymbolBookTickerStreamsResponse},
 * {@code AggregateTradeStreamsResponse}; trade as tardis-node classes it).
 */
public enum StreamKind {
    /** Best bid/ask, every change ({@code <symbol>@bookTicker}; spot: {@code u,s,b,B,a,A}). */
    BOOK_TICKER("bookTicker", "/public"),
    /** Every trade ({@code <symbol>@trade}: {@code e,E,s,t,p,q,T,m}). */
    TRADE("trade", "/public"),
    /** Trades aggregated per taker order and price ({@code <symbol>@aggTrade}: {@code e,E,s,a,p,q,f,l,T,m}). */
    AGG_TRADE("aggTrade", "/market"),
    /** Order-book diffs every 100 ms ({@code <symbol>@depth@100ms}: {@code e,E,s,U,u,b,a}; USD-M adds {@code T,pu}). */
    DEPTH_100MS("depth@100ms", "/public"),
    /** Order-book diffs at the default pace ({@code <symbol>@depth}: spot 1000 ms, futures 250 ms). */
    DEPTH("depth", "/public"),
    /** Order-book diffs every 500 ms ({@code <symbol>@depth@500ms}, futures). */
    DEPTH_500MS("depth@500ms", "/public"),
    /** Order-book diffs in real time ({@code <symbol>@depth@0ms}, futures). */
    DEPTH_0MS("depth@0ms", "/public"),
    /** Partial depth: the top 5 levels every 100 ms ({@code <symbol>@depth5@100ms}). */
    PARTIAL_DEPTH5_100MS("depth5@100ms", "/public"),
    /** Partial depth: the top 10 levels every 100 ms ({@code <symbol>@depth10@100ms}). */
    PARTIAL_DEPTH10_100MS("depth10@100ms", "/public"),
    /** Partial depth: the top 20 levels every 100 ms ({@code <symbol>@depth20@100ms}). */
    PARTIAL_DEPTH20_100MS("depth20@100ms", "/public"),
    /** Partial depth: the top 20 levels at the default pace ({@code <symbol>@depth20}: spot 1000 ms, futures 250 ms). */
    PARTIAL_DEPTH20("depth20", "/public");

    private final String suffix;
    private final String usdmRoute;

    StreamKind(String suffix, String usdmRoute) {
        this.suffix = suffix;
        this.usdmRoute = usdmRoute;
    }

    /** What follows {@code @} in the stream name, e.g. {@code bookTicker}. */
    public String suffix() {
        return suffix;
    }

    /** The URL path USD-M serves this stream under, e.g. {@code /public}. */
    public String usdmRoute() {
        return usdmRoute;
    }

    /**
     * The kind whose stream-name suffix is {@code suffix} (exactly, e.g. {@code depth@100ms}).
     *
     * @throws IllegalArgumentException naming the known suffixes when none matches
     */
    public static StreamKind ofSuffix(String suffix) {
        for (StreamKind k : values()) {
            if (k.suffix.equals(suffix)) {
                return k;
            }
        }
        StringBuilder known = new StringBuilder();
        for (StreamKind k : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(k.suffix);
        }
        throw new IllegalArgumentException("unknown Binance stream '" + suffix + "'; known: " + known);
    }

    /** Whether this is a partial book depth stream (the top N levels, a snapshot, not a diff). */
    public boolean partialDepth() {
        return suffix.matches("depth(5|10|20)(@.*)?");
    }

    /** Whether this is a diff depth stream ({@code depth}, {@code depth@...}). */
    public boolean diffDepth() {
        return suffix.equals("depth") || suffix.startsWith("depth@");
    }

    /** The stream name of {@code symbol} (any case), e.g. {@code btcusdt@bookTicker}. */
    public String streamName(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@" + suffix;
    }
}
