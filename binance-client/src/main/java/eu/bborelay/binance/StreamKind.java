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
    DEPTH_100MS("depth@100ms", "/public");

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

    /** The stream name of {@code symbol} (any case), e.g. {@code btcusdt@bookTicker}. */
    public String streamName(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@" + suffix;
    }
}
