package eu.bborelay.binance;

import java.net.URI;
import java.util.Locale;

/**
 * The Binance market a stream host serves, and what differs between them: streams per connection, the REST base and
 * exchangeInfo path of the start-up symbol check, and whether streams are routed by URL path.
 *
 * <p>Sources: spot, WebSocket Streams "WebSocket Limits" (1024 streams per connection) and REST
 * {@code GET /api/v3/exchangeInfo}; USD-M futures ({@code fstream.binance.com}), "Websocket Market Streams" (200
 * streams per connection, the practical limit; streams routed under {@code /public} and {@code /market}) and
 * {@code GET https://fapi.binance.com/fapi/v1/exchangeInfo}; COIN-M futures ({@code dstream.binance.com}), the same
 * limit of 200 and {@code GET https://dapi.binance.com/dapi/v1/exchangeInfo}. Immutable.
 */
public enum BinanceMarket {
    /** Spot, also {@code data-stream.binance.vision}, and any host that is not a futures host (a replay server). */
    SPOT(1024, "https://api.binance.com", "/api/v3/exchangeInfo", false),
    /** USD-M futures: {@code fstream.*} stream hosts, {@code fapi.*} REST hosts. */
    USDM(200, "https://fapi.binance.com", "/fapi/v1/exchangeInfo", true),
    /** COIN-M futures: {@code dstream.*} stream hosts, {@code dapi.*} REST hosts; symbols like {@code BTCUSD_PERP}. */
    COINM(200, "https://dapi.binance.com", "/dapi/v1/exchangeInfo", false);

    private final int streamsPerConnection;
    private final String restBase;
    private final String exchangeInfoPath;
    private final boolean routedByPath;

    BinanceMarket(int streamsPerConnection, String restBase, String exchangeInfoPath, boolean routedByPath) {
        this.streamsPerConnection = streamsPerConnection;
        this.restBase = restBase;
        this.exchangeInfoPath = exchangeInfoPath;
        this.routedByPath = routedByPath;
    }

    /** The market of a WebSocket base URL by its host: {@code fstream.*} USD-M, {@code dstream.*} COIN-M, else spot. */
    public static BinanceMarket ofStreamUri(URI wsBase) {
        String host = host(wsBase);
        if (host.startsWith("fstream.")) {
            return USDM;
        }
        if (host.startsWith("dstream.")) {
            return COINM;
        }
        return SPOT;
    }

    /** The market of a REST base URL, by its host: {@code fapi.*} USD-M, {@code dapi.*} COIN-M, else spot. */
    public static BinanceMarket ofRestUri(URI restBase) {
        String host = host(restBase);
        if (host.startsWith("fapi.")) {
            return USDM;
        }
        if (host.startsWith("dapi.")) {
            return COINM;
        }
        return SPOT;
    }

    /** Whether a stream host is Binance's own (rather than, say, a local replay server). */
    public static boolean isBinanceHost(URI wsBase) {
        String host = host(wsBase);
        return host.endsWith("binance.com") || host.endsWith("binance.vision");
    }

    /** Binance's limit of streams on one connection. */
    public int streamsPerConnection() {
        return streamsPerConnection;
    }

    /** Binance's REST base URL for this market, e.g. {@code https://fapi.binance.com}. */
    public String restBase() {
        return restBase;
    }

    /** The exchangeInfo path on {@link #restBase()}, e.g. {@code /fapi/v1/exchangeInfo}. */
    public String exchangeInfoPath() {
        return exchangeInfoPath;
    }

    /**
     * Whether streams must be requested under their route ({@link StreamKind#usdmRoute()}): a stream on the wrong
     * path delivers nothing, silently. USD-M only.
     */
    public boolean routedByPath() {
        return routedByPath;
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }
}
