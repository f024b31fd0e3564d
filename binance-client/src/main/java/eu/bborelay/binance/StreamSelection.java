package eu.bborelay.binance;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Which Binance streams are subscribed for every symbol: a non-empty, ordered set of {@link StreamKind}s, the same
 * for each symbol. It names the streams and builds the combined-stream URI
 * ({@code <base>[/route]/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker}). The relay sender uses
 * {@link #BOOK_TICKER}; trades and depth are further kinds, not code paths. Immutable and thread-safe.
 */
public final class StreamSelection {
    /** The relay's default: bookTicker only. */
    public static final StreamSelection BOOK_TICKER = of(StreamKind.BOOK_TICKER);

    private final List<StreamKind> kinds;

    private StreamSelection(List<StreamKind> kinds) {
        this.kinds = kinds;
    }

    /**
     * @param kinds at least one, no duplicates; subscribed in this order for each symbol
     * @throws IllegalArgumentException when empty or with a duplicate
     */
    public static StreamSelection of(StreamKind... kinds) {
        LinkedHashSet<StreamKind> set = new LinkedHashSet<>();
        for (StreamKind k : kinds) {
            if (!set.add(Objects.requireNonNull(k, "kind"))) {
                throw new IllegalArgumentException("stream kind " + k + " listed twice");
            }
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("select at least one stream kind");
        }
        return new StreamSelection(List.copyOf(set));
    }

    /** The kinds, in subscription order. */
    public List<StreamKind> kinds() {
        return kinds;
    }

    /** Streams per symbol: the number of kinds. */
    public int streamsPerSymbol() {
        return kinds.size();
    }

    /** The stream names of {@code symbols}, symbol by symbol, each with every kind in order. */
    public List<String> streamNames(List<String> symbols) {
        List<String> out = new ArrayList<>(symbols.size() * kinds.size());
        for (String s : symbols) {
            for (StreamKind k : kinds) {
                out.add(k.streamName(s));
            }
        }
        return out;
    }

    /**
     * The combined-stream URI of {@code symbols} on {@code base}. On a market that routes by path
     * ({@link BinanceMarket#routedByPath()}, USD-M) a base URL without a path gets the kinds' route, e.g.
     * {@code /public}: a stream on the wrong path delivers nothing, silently.
     *
     * @param base a ws:// or wss:// base URL without trailing slash, query or fragment
     * @throws IllegalStateException when the market routes by path and the kinds need different routes (they then
     *         need separate connections)
     */
    public URI streamUri(URI base, List<String> symbols) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        String route = "";
        if (path.isEmpty() && BinanceMarket.ofStreamUri(base).routedByPath()) {
            route = kinds.get(0).usdmRoute();
            for (StreamKind k : kinds) {
                if (!k.usdmRoute().equals(route)) {
                    throw new IllegalStateException("USD-M serves " + kinds.get(0) + " under " + route + " and " + k
                            + " under " + k.usdmRoute() + ": they need separate connections");
                }
            }
        }
        StringBuilder sb = new StringBuilder(base.toString()).append(route).append("/stream?streams=");
        List<String> names = streamNames(symbols);
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : "/").append(names.get(i));
        }
        return URI.create(sb.toString());
    }

    /**
     * This selection split into the groups that can share a connection to {@code base}: itself, except on a market
     * that routes by path ({@link BinanceMarket#routedByPath()}, USD-M) when the base URL has no path and the kinds
     * need different routes, e.g. {@code [BOOK_TICKER, TRADE]} under {@code /public} and {@code [AGG_TRADE]} under
     * {@code /market}. Each group's {@link #streamUri} then works.
     */
    public List<StreamSelection> byConnectionRoute(URI base) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (!path.isEmpty() || !BinanceMarket.ofStreamUri(base).routedByPath()) {
            return List.of(this);
        }
        java.util.Map<String, List<StreamKind>> byRoute = new java.util.LinkedHashMap<>();
        for (StreamKind k : kinds) {
            byRoute.computeIfAbsent(k.usdmRoute(), r -> new ArrayList<>()).add(k);
        }
        List<StreamSelection> groups = new ArrayList<>();
        byRoute.values().forEach(group -> groups.add(of(group.toArray(new StreamKind[0]))));
        return List.copyOf(groups);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamSelection other && other.kinds.equals(kinds);
    }

    @Override
    public int hashCode() {
        return kinds.hashCode();
    }

    @Override
    public String toString() {
        return kinds.toString();
    }
}
