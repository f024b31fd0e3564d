package eu.bborelay.sender;

import eu.bborelay.ops.settings.Setting;
import eu.bborelay.ops.settings.Settings;
import java.util.List;

/**
 * The daemon's environment variables: name, default and help in one place, read by the shared parser
 * ({@link Settings}). {@code --help} prints this table and each has a command-line flag
 * ({@link Setting#optionName()}) that overrides it for local runs. {@link SenderOps}, {@link BinanceLegSettings}
 * and {@link SymbolCheck} read their own variables from the same table; {@link SenderConfig#fromEnvironment} the
 * rest. The README's sender table is checked against this enum. Immutable constants.
 */
public enum SenderSetting implements Setting {
    BINANCE_WS_URL("wss://stream.binance.com:9443", "Binance market-stream base URL, ws:// or wss://"
            + "host[:port][/path]; /stream?streams=... is appended. Also wss://data-stream.binance.vision,"
            + " wss://fstream.binance.com (USD-M futures), wss://dstream.binance.com (COIN-M futures),"
            + " ws://127.0.0.1:<port> (replay server)"),
    SYMBOLS("btcusdt", "Comma-separated symbols, any case, letters, digits and _ (e.g. btcusdt,ethusdt;"
            + " COIN-M btcusd_perp)"),
    AMS_HOST("127.0.0.1", "The receiver's IP address or DNS name; its certificate must name it"),
    AMS_PORT("9001", "The receiver's TCP port"),
    CA_CERT("/certs/ca.crt", "PEM certificate of the CA that issued the receiver's certificate"),
    CERT("/certs/sender.crt", "PEM client certificate (chain) this sender presents to the receiver; none (with"
            + " KEY=none): present no certificate, for a receiver with REQUIRE_CLIENT_CERT=false such as the"
            + " original Python one (logged as a warning)"),
    KEY("/certs/sender.key", "PEM private key of CERT (unencrypted PKCS#8); none with CERT=none"),
    STATS_INTERVAL_SECONDS("60", "Seconds between two stats log lines"),
    // Daemon operations (SenderOps reads and validates these three; the sender itself never does).
    HTTP_PORT("8080", "TCP port of GET /health and GET /metrics (Prometheus), all addresses; 0 = none"),
    HEALTH_MAX_AGE_SECONDS("10", "/health is 503 unless Binance and the receiver are connected and the latest"
            + " Binance update is younger than this"),
    LOG_FORMAT("text", "text or json (one JSON object per line); environment only: read when logging starts"),
    RECEIVER_RECONNECT_MAX_MS("5000", "Longest receiver reconnect backoff in ms (it starts at 100 ms)"),
    BINANCE_RECONNECT_MAX_MS("60000", "Longest Binance reconnect backoff in ms (it starts at 1000 ms)"),
    BINANCE_REST_URL("https://api.binance.com", "Binance REST base URL for the start-up symbol check and the"
            + " aggTrades backfill"
            + " (exchangeInfo: /api/v3, /fapi/v1 on fapi.* hosts, /dapi/v1 on dapi.* hosts); unset:"
            + " https://fapi.binance.com for a USD-M BINANCE_WS_URL, https://dapi.binance.com for COIN-M, this"
            + " default for other Binance hosts, no check for other hosts"),
    SKIP_SYMBOL_CHECK("false", "true: start without asking exchangeInfo whether every symbol exists and is"
            + " TRADING (when REST is unreachable); logged as a warning"),
    BINANCE_ROLLOVER_SECONDS("82800", "Replace the Binance connection make-before-break after this many seconds"
            + " (Binance closes connections at 24 h; default 23 h)"),
    BINANCE_STALE_SECONDS("60", "Roll the Binance connection over when a symbol had no update for this many"
            + " seconds"),
    BINANCE_SILENCE_SECONDS("300", "Roll the Binance connection over when no frame of any kind (data, ping,"
            + " pong) arrived for this many seconds"),
    BINANCE_OVERLAP_SECONDS("10", "During a rollover, close the old Binance connection once the new one has"
            + " delivered an update of every stream and the old one caught up with it, or after this many seconds"),
    BINANCE_ATTEMPT_BURST("10", "Binance connection attempts (reconnects and rollovers, all shards) allowed back"
            + " to back"),
    BINANCE_ATTEMPT_REFILL_SECONDS("10", "One more Binance connection attempt is allowed per this many seconds;"
            + " burst + 300 / refill must stay under Binance's 300 attempts per 5 minutes per IP"),
    BINANCE_STREAMS_PER_CONNECTION("auto", "Streams per Binance connection; more symbols are sharded across"
            + " connections. auto: 200 on USD-M (fstream.*) and COIN-M (dstream.*) hosts, 1024 elsewhere; or a"
            + " number from 1 to"
            + " that"),
    DIRECT_WRITES("false", "true: the Binance WebSocket thread writes an update to the receiver itself when the"
            + " writer thread is idle (one thread wake-up less per update), but a receiver that stops reading can"
            + " then block the Binance reading until the write-stall check; false: always hand it to the writer"
            + " thread"),
    INCLUDE_TRADES("false", "true: also subscribe <symbol>@trade and relay every trade (type trade: price, qty,"
            + " taker side, trade id, trade and event time), never conflated"),
    INCLUDE_AGG_TRADES("false", "true: also subscribe <symbol>@aggTrade and relay every aggregate trade (type"
            + " agg_trade: agg id, first and last trade id), never conflated. On USD-M (fstream.*) aggTrade is"
            + " served under /market, bookTicker under /public: the sender opens connections of its own for it"),
    TRADE_QUEUE_CAPACITY("65536", "Trades that may wait for the receiver (link down or slow); when full the"
            + " oldest is dropped and counted (a gap at the receiver). About 100 bytes each, 1 to 16777216"),
    BACKFILL_WEIGHT_PER_MINUTE("600", "With INCLUDE_AGG_TRADES: Binance REST request weight per minute the sender"
            + " may spend fetching aggregate trade ids that never arrived on the stream (exchange gaps) from"
            + " GET aggTrades on BINANCE_REST_URL (4 per request of up to 1000 on spot, 20 on futures; Binance allows"
            + " 6000 per minute per IP on spot, 2400 on futures); 0 = count the gaps only, fetch nothing"),
    RESEND_BUFFER_BYTES("8388608", "Bytes of written frames kept until the receiver acknowledges them (protocol 2),"
            + " to resend after a reconnect; what falls out before it could be resent is counted as dropped. 0 turns"
            + " resending off; at most 268435456"),
    RESEND_BUFFER_MAX_AGE_MS("60000", "Unacknowledged frames older than this many milliseconds leave the resend"
            + " buffer (counted as dropped if the receiver then lacks them); 1000 to 3600000"),
    INCLUDE_DEPTH("false", "true: also subscribe <symbol>@DEPTH_STREAM, keep a local order book per symbol (synced"
            + " from REST snapshots of BINANCE_REST_URL by Binance's procedure) and relay it every"
            + " DEPTH_INTERVAL_SECONDS as a depth frame (best bid/ask, top DEPTH_LEVELS levels, DEPTH_STEPS log-delta"
            + " buckets per side); a newer book of a symbol may replace an unsent one (counted as conflated)"),
    DEPTH_LEVELS("20", "With INCLUDE_DEPTH: levels per side in a depth frame, 1 to 1000"),
    DEPTH_STEP("0.00002", "With INCLUDE_DEPTH: log distance from the mid per depth bucket (0.00002 = 0.002 %), above 0"
            + " and at most 0.1"),
    DEPTH_STEPS("40", "With INCLUDE_DEPTH: depth buckets per side, 1 to 1000 (levels farther than DEPTH_STEPS x"
            + " DEPTH_STEP from the mid are in none)"),
    DEPTH_INTERVAL_SECONDS("1", "With INCLUDE_DEPTH: seconds between two depth frames of a symbol, aligned to"
            + " multiples of it since the epoch; 1 to 3600"),
    DEPTH_STREAM("depth@100ms", "With INCLUDE_DEPTH: the diff depth stream, depth@100ms or depth (spot 1000 ms);"
            + " futures also depth@500ms, depth@0ms"),
    DEPTH_SNAPSHOT_LIMIT("1000", "With INCLUDE_DEPTH: levels per side of the REST snapshot a book syncs from (5, 10,"
            + " 20, 50, 100, 500, 1000; spot also 5000); at least DEPTH_LEVELS"),
    JOURNAL_DIR("", "Folder of the sender journal (sender.journal, memory-mapped, about RESEND_BUFFER_BYTES x 1.25):"
            + " a restarted sender continues its session and seq, resends what the receiver had not acknowledged and"
            + " reports the time without a Binance connection as a feed outage. Empty = none (a restart starts a new"
            + " session). Needs RESEND_BUFFER_BYTES above 0"),
    RUN_SECONDS("0", "Stop after this many seconds; 0 runs until SIGTERM or Ctrl-C");

    private final String defaultValue;
    private final String help;

    SenderSetting(String defaultValue, String help) {
        this.defaultValue = defaultValue;
        this.help = help;
    }

    @Override
    public String defaultValue() {
        return defaultValue;
    }

    @Override
    public String help() {
        return help;
    }

    /** LOG_FORMAT is read from the environment only: logging starts before the flags are parsed. */
    @Override
    public boolean hasFlag() {
        return this != LOG_FORMAT;
    }

    /** The table {@code --help} prints ({@link Settings#table}). */
    public static String table() {
        return Settings.table(List.of(values()));
    }
}
