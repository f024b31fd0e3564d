package eu.bborelay.sender;

import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import eu.bborelay.binance.BinanceMarket;
import eu.bborelay.binance.StreamKind;
import eu.bborelay.binance.StreamSelection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Immutable sender settings. Code builds one with {@link #builder()}; the daemon reads the environment with
 * {@link #fromEnvironment(Map)} (every variable, its default and its help live in {@link SenderSetting}). Everything is
 * validated once, in {@link Builder#build()} or {@link #fromEnvironment}, with a message that names the field or
 * the variable.
 *
 * <p>Size: about 900 lines because every one of its settings (now with the backfill, resend buffer and journal ones)
 * has a documented accessor and a documented builder method, and it lays the symbols out on Binance connections
 * ({@link #binanceConnections()}); the variables live in {@link SenderSetting}, the parsing rules in the daemons'
 * shared parser ({@code eu.bborelay.ops.settings}), the depth settings in {@link DepthSettings}, and the stream
 * selection in {@code eu.bborelay.binance}. The next seam: the resend buffer and journal settings into a group of
 * their own, as the depth ones are.
 */
public final class SenderConfig {
    /**
     * Most symbols one sender relays. Binance caps the streams of one connection (see
     * {@link #binanceStreamsPerConnection()}), so more than that are sharded across connections; this bound comes
     * from the receiver, whose per-symbol state (about 150 KB, mostly latency histograms) must fit its 96 MiB heap
     * next to everything else.
     */
    public static final int MAX_SYMBOLS = 400;
    /** Largest {@code TRADE_QUEUE_CAPACITY}: 2^24 trades, about 1.6 GB, far beyond any container of ours. */
    public static final int MAX_TRADE_QUEUE_CAPACITY = 1 << 24;
    /** Largest {@code RESEND_BUFFER_BYTES}: 256 MiB. */
    public static final int MAX_RESEND_BUFFER_BYTES = 256 << 20;
    /** Binance spot: at most 1024 streams per connection (WebSocket Streams, "WebSocket Limits"). */
    public static final int SPOT_STREAMS_PER_CONNECTION = 1024;
    /** Binance USD-M and COIN-M futures: 200 streams per connection, the practical limit. */
    public static final int USDM_STREAMS_PER_CONNECTION = 200;

    /** The value of {@code CERT} and {@code KEY} that means: no client certificate. */
    static final String NONE = "none";

    private final URI binanceBaseUri;
    private final StreamSelection streams;
    private final List<String> symbols;
    private final int binanceStreamsPerConnection;
    private final String receiverHost;
    private final int receiverPort;
    private final Path caCert;
    private final Path cert;
    private final Path key;
    private final Duration statsInterval;
    private final Duration receiverReconnectMin;
    private final Duration receiverReconnectMax;
    private final Duration binanceReconnectMin;
    private final Duration binanceReconnectMax;
    private final Duration runDuration;
    private final java.nio.file.Path journalDir;
    private final Duration receiverConnectTimeout;
    private final Duration receiverStartupWait;
    private final Duration heartbeatInterval;
    private final Duration receiverSilenceTimeout;
    private final Duration writeStallTimeout;
    private final int maxBacklogPerSymbol;
    private final Duration maxBacklogAge;
    private final EpochNanoClock clock;
    private final boolean directWrites;
    private final int tradeQueueCapacity;
    private final URI binanceExchangeInfoUri;
    private final int backfillWeightPerMinute;
    private final int resendBufferBytes;
    private final Duration resendBufferMaxAge;
    private final DepthSettings depth;

    private SenderConfig(Builder b) {
        this.binanceBaseUri = b.binanceBaseUri;
        this.streams = b.streams;
        this.symbols = b.symbols;
        this.binanceStreamsPerConnection = b.streamsPerConnection > 0 ? b.streamsPerConnection
                : streamLimit(b.binanceBaseUri);
        this.receiverHost = b.receiverHost;
        this.receiverPort = b.receiverPort;
        this.caCert = b.caCert;
        this.cert = b.cert;
        this.key = b.key;
        this.statsInterval = b.statsInterval;
        this.receiverReconnectMin = b.receiverReconnectMin;
        this.receiverReconnectMax = b.receiverReconnectMax;
        this.binanceReconnectMin = b.binanceReconnectMin;
        this.binanceReconnectMax = b.binanceReconnectMax;
        this.runDuration = b.runDuration;
        this.journalDir = b.journalDir;
        this.receiverConnectTimeout = b.receiverConnectTimeout;
        this.receiverStartupWait = b.receiverStartupWait;
        this.heartbeatInterval = b.heartbeatInterval;
        this.receiverSilenceTimeout = b.receiverSilenceTimeout;
        this.writeStallTimeout = b.writeStallTimeout;
        this.maxBacklogPerSymbol = b.maxBacklogPerSymbol > 0 ? b.maxBacklogPerSymbol
                : Math.max(Builder.MIN_AUTO_BACKLOG, Builder.BACKLOG_BUDGET / b.symbols.size());
        this.maxBacklogAge = b.maxBacklogAge;
        this.clock = b.clock;
        this.directWrites = b.directWrites;
        this.tradeQueueCapacity = b.tradeQueueCapacity;
        this.binanceExchangeInfoUri = b.binanceExchangeInfoUri;
        this.backfillWeightPerMinute = b.backfillWeightPerMinute;
        this.resendBufferBytes = b.resendBufferBytes;
        this.resendBufferMaxAge = b.resendBufferMaxAge;
        this.depth = b.depth;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads every {@link SenderSetting} from {@code env} (unset or blank means its default) and validates it.
     *
     * @param env environment, e.g. {@code System.getenv()}; other keys are ignored
     * @throws SettingException naming the first variable with a bad value and what it expects
     */
    public static SenderConfig fromEnvironment(Map<String, String> env) {
        return from(Settings.of(env));
    }

    /**
     * Reads every {@link SenderSetting} from {@code settings} (flags over environment over defaults) and validates it.
     *
     * @throws SettingException naming the first variable with a bad value and what it expects
     */
    static SenderConfig from(Settings settings) {
        Builder b = builder();
        b.binanceWsUrl(SenderSetting.BINANCE_WS_URL, settings.text(SenderSetting.BINANCE_WS_URL));
        b.symbols(SenderSetting.SYMBOLS, settings.text(SenderSetting.SYMBOLS));
        String perConnection = settings.text(SenderSetting.BINANCE_STREAMS_PER_CONNECTION);
        if (!perConnection.equalsIgnoreCase("auto")) {
            int limit = streamLimit(b.binanceBaseUri);
            b.streamsPerConnection(SenderSetting.BINANCE_STREAMS_PER_CONNECTION, settings.integer(
                    SenderSetting.BINANCE_STREAMS_PER_CONNECTION, 1, limit, "auto or a number of streams"));
        }
        String host = settings.text(SenderSetting.AMS_HOST);
        if (host.chars().anyMatch(Character::isWhitespace)) {
            throw SettingException.mustBe(SenderSetting.AMS_HOST, host, "the receiver's IP address or DNS name");
        }
        int port = settings.integer(SenderSetting.AMS_PORT, 1, 65_535, "a TCP port number");
        b.receiver(host, port);
        String hint = "make the certificates with scripts/generate-certs.sh";
        boolean noCert = settings.text(SenderSetting.CERT).equalsIgnoreCase(NONE);
        boolean noKey = settings.text(SenderSetting.KEY).equalsIgnoreCase(NONE);
        if (noCert != noKey) {
            throw new SettingException(SenderSetting.CERT + " and " + SenderSetting.KEY + " go together: both none"
                    + " (no client certificate, for a receiver with REQUIRE_CLIENT_CERT=false) or both files, got CERT="
                    + settings.text(SenderSetting.CERT) + " KEY=" + settings.text(SenderSetting.KEY));
        }
        b.tls(settings.readableFile(SenderSetting.CA_CERT, hint),
                noCert ? null : settings.readableFile(SenderSetting.CERT, hint),
                noKey ? null : settings.readableFile(SenderSetting.KEY, hint));
        b.statsInterval(settings.integer(SenderSetting.STATS_INTERVAL_SECONDS, 1, 86_400, "a number of seconds"),
                TimeUnit.SECONDS);
        b.receiverReconnect(Builder.RECEIVER_RECONNECT_MIN_MS, settings.integer(SenderSetting.RECEIVER_RECONNECT_MAX_MS,
                (int) Builder.RECEIVER_RECONNECT_MIN_MS, 3_600_000, "milliseconds"), TimeUnit.MILLISECONDS);
        b.binanceReconnect(Builder.BINANCE_RECONNECT_MIN_MS, settings.integer(SenderSetting.BINANCE_RECONNECT_MAX_MS,
                (int) Builder.BINANCE_RECONNECT_MIN_MS, 3_600_000, "milliseconds"), TimeUnit.MILLISECONDS);
        b.directWrites(settings.bool(SenderSetting.DIRECT_WRITES));
        List<StreamKind> kinds = new ArrayList<>(List.of(StreamKind.BOOK_TICKER));
        if (settings.bool(SenderSetting.INCLUDE_TRADES)) {
            kinds.add(StreamKind.TRADE);
        }
        if (settings.bool(SenderSetting.INCLUDE_AGG_TRADES)) {
            kinds.add(StreamKind.AGG_TRADE);
        }
        b.streams(StreamSelection.of(kinds.toArray(new StreamKind[0])));
        b.tradeQueueCapacity(settings.integer(SenderSetting.TRADE_QUEUE_CAPACITY, 1, MAX_TRADE_QUEUE_CAPACITY,
                "a number of trades"));
        b.binanceExchangeInfoUri = SymbolCheck.exchangeInfoUri(settings, b.binanceBaseUri);
        b.backfillWeightPerMinute(settings.integer(SenderSetting.BACKFILL_WEIGHT_PER_MINUTE, 0, 1_000_000,
                "0 (no backfill) or a request weight per minute, at least 20 on futures and 4 on spot"));
        b.resendBuffer(settings.integer(SenderSetting.RESEND_BUFFER_BYTES, 0, MAX_RESEND_BUFFER_BYTES, "a number of bytes"),
                settings.integer(SenderSetting.RESEND_BUFFER_MAX_AGE_MS, 1_000, 3_600_000, "milliseconds"),
                TimeUnit.MILLISECONDS);
        b.depth(DepthSettings.from(settings));
        if (settings.isSet(SenderSetting.JOURNAL_DIR)) {
            String dir = settings.text(SenderSetting.JOURNAL_DIR);
            try {
                b.journalDir(java.nio.file.Path.of(dir));
            } catch (java.nio.file.InvalidPathException e) {
                throw SettingException.mustBe(SenderSetting.JOURNAL_DIR, dir, "a folder path (" + e.getMessage() + ")");
            }
        }
        b.runDuration(settings.integer(SenderSetting.RUN_SECONDS, 0, Integer.MAX_VALUE, "a number of seconds (0 = until"
                + " stopped)"), TimeUnit.SECONDS);
        return b.build();
    }

    /**
     * The combined-stream URI of all symbols: {@code <base>/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker}.
     * With more symbols than {@link #binanceStreamsPerConnection()} the sender opens one connection per
     * {@link #binanceShards() shard} instead, each with {@link #binanceStreamUri(List)}.
     */
    public URI binanceStreamUri() {
        return binanceStreamUri(symbols);
    }

    /**
     * The combined-stream URI of {@code shardSymbols}, with every stream of {@link #streams()} per symbol. USD-M
     * futures ({@code fstream.*} hosts) route streams by path: bookTicker belongs under {@code /public} (a stream on
     * the wrong path delivers nothing, silently), so a USD-M base URL without a path gets the selection's route.
     *
     * @param shardSymbols upper-case symbols, e.g. one element of {@link #binanceShards()}
     * @throws IllegalStateException when the streams need connections of their own (USD-M with aggTrade): the
     *         sender uses {@link #binanceConnections()}
     */
    public URI binanceStreamUri(List<String> shardSymbols) {
        return streams.streamUri(binanceBaseUri, shardSymbols);
    }

    /** Which streams are subscribed per symbol; {@link StreamSelection#BOOK_TICKER} by default. */
    public StreamSelection streams() {
        return streams;
    }

    /**
     * Streams on one Binance connection ({@link StreamSelection#streamsPerSymbol()} per symbol): the configured value,
     * else Binance's limit for the host ({@link BinanceMarket#streamsPerConnection()}),
     * {@value #USDM_STREAMS_PER_CONNECTION} on USD-M ({@code fstream.*}) and COIN-M ({@code dstream.*}),
     * {@value #SPOT_STREAMS_PER_CONNECTION} elsewhere.
     */
    public int binanceStreamsPerConnection() {
        return binanceStreamsPerConnection;
    }

    /**
     * The symbols split into as few Binance connections as {@link #binanceStreamsPerConnection()} allows, in the
     * configured order, sizes differing by at most one (250 USD-M symbols: 125 + 125). One shard, all symbols, in
     * the usual case.
     */
    public List<List<String>> binanceShards() {
        return shards(streams.streamsPerSymbol());
    }

    /**
     * One Binance connection of the sender: the kinds of stream it carries, its symbols and its URI.
     *
     * @param streams the kinds subscribed for each of {@code symbols}
     * @param symbols upper-case symbols, a shard of {@link #symbols()}
     * @param uri the combined-stream URI
     */
    public record BinanceConnection(StreamSelection streams, List<String> symbols, URI uri) {
    }

    /**
     * Every Binance connection the sender opens. Usually the {@link #binanceShards()} with all of {@link #streams()};
     * on USD-M ({@code fstream.*} without a path), which serves aggTrade under {@code /market} and bookTicker and
     * trade under {@code /public} (a stream on the wrong path delivers nothing), the kinds are split by route first,
     * each group sharded on its own: {@code INCLUDE_AGG_TRADES} there adds connections rather than streams.
     */
    public List<BinanceConnection> binanceConnections() {
        List<BinanceConnection> out = new ArrayList<>();
        for (StreamSelection group : streams.byConnectionRoute(binanceBaseUri)) {
            for (List<String> shard : shards(group.streamsPerSymbol())) {
                out.add(new BinanceConnection(group, shard, group.streamUri(binanceBaseUri, shard)));
            }
        }
        return List.copyOf(out);
    }

    private List<List<String>> shards(int streamsPerSymbol) {
        int n = symbols.size();
        int perConnection = Math.max(1, binanceStreamsPerConnection / streamsPerSymbol);
        int shards = (n + perConnection - 1) / perConnection;
        List<List<String>> out = new ArrayList<>(shards);
        int from = 0;
        for (int k = 0; k < shards; k++) {
            int size = n / shards + (k < n % shards ? 1 : 0);
            out.add(symbols.subList(from, from + size));
            from += size;
        }
        return List.copyOf(out);
    }

    private static int streamLimit(URI base) {
        return BinanceMarket.ofStreamUri(base).streamsPerConnection();
    }

    /** Base URL without trailing slash, e.g. {@code wss://stream.binance.com:9443}. */
    public URI binanceBaseUri() {
        return binanceBaseUri;
    }

    /** Upper-case symbols, in the configured order, without duplicates. */
    public List<String> symbols() {
        return symbols;
    }

    public String receiverHost() {
        return receiverHost;
    }

    public int receiverPort() {
        return receiverPort;
    }

    public Path caCert() {
        return caCert;
    }

    /** This sender's client certificate (chain), or null when it presents none ({@code CERT=none}). */
    public Path cert() {
        return cert;
    }

    /** Its private key, or null when it presents no certificate. */
    public Path key() {
        return key;
    }

    public Duration statsInterval() {
        return statsInterval;
    }

    public Duration receiverReconnectMin() {
        return receiverReconnectMin;
    }

    public Duration receiverReconnectMax() {
        return receiverReconnectMax;
    }

    public Duration binanceReconnectMin() {
        return binanceReconnectMin;
    }

    public Duration binanceReconnectMax() {
        return binanceReconnectMax;
    }

    /** How long the daemon runs; zero means until stopped. */
    public Duration runDuration() {
        return runDuration;
    }

    /** Limit for the receiver's TCP connect, and again for its TLS handshake. */
    public Duration receiverConnectTimeout() {
        return receiverConnectTimeout;
    }

    /**
     * How long {@link Sender#start} waits for the receiver leg before subscribing to Binance, so that a normal start
     * loses no update; after that the Binance leg starts anyway and undeliverable updates count as dropped.
     * Zero: do not wait.
     */
    public Duration receiverStartupWait() {
        return receiverStartupWait;
    }

    /** A heartbeat frame is written when no frame was written for this long. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * A receiver that has written at least one frame on a connection (a ping) and then nothing for this long is
     * declared dead: the connection is closed and redialled. A receiver that never writes (the original Python
     * one) is never declared dead this way.
     */
    public Duration receiverSilenceTimeout() {
        return receiverSilenceTimeout;
    }

    /** A write to the receiver blocked this long closes the connection (the receiver stopped reading). */
    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    /**
     * Quotes of one symbol that may wait for the writer while the link is up, before latest-wins applies; by
     * default 65,536 shared by the symbols (at least 256 each), some 7 MB at most.
     */
    public int maxBacklogPerSymbol() {
        return maxBacklogPerSymbol;
    }

    /** Waiting quotes of a symbol whose oldest is this old are replaced by the next one (latest wins). */
    public Duration maxBacklogAge() {
        return maxBacklogAge;
    }

    /** Stamps {@code ts} on every frame. */
    public EpochNanoClock clock() {
        return clock;
    }

    /**
     * Whether a Binance WebSocket thread may write an update to the receiver itself while the link's writer thread
     * is idle (default false): one thread wake-up less per update. The cost: a receiver that stops reading can block
     * that WebSocket thread until the silence timeout or the write-stall check closes the connection, so the sender
     * no longer keeps reading (and conflating) Binance through a receiver stall.
     */
    public boolean directWrites() {
        return directWrites;
    }

    /** Whether trades or aggregate trades are subscribed ({@link #streams()}), so a trade queue is needed. */
    public boolean relaysTrades() {
        return streams.kinds().contains(StreamKind.TRADE) || streams.kinds().contains(StreamKind.AGG_TRADE);
    }

    /**
     * Most trades waiting for the receiver ({@code TRADE_QUEUE_CAPACITY}, rounded up to a power of two); when full
     * the oldest is dropped and counted. Unused without {@link #relaysTrades()}.
     */
    public int tradeQueueCapacity() {
        return tradeQueueCapacity;
    }

    /**
     * Binance's REST {@code aggTrades} endpoint ({@code BINANCE_REST_URL}, next to its exchangeInfo), where the sender
     * fetches the aggregate trades of exchange gaps; null when it fetches none: aggregate trades not relayed, no REST
     * URL known (a replay server without {@code BINANCE_REST_URL}), or {@link #backfillWeightPerMinute()} 0.
     */
    public URI binanceAggTradesUri() {
        if (!streams.kinds().contains(StreamKind.AGG_TRADE) || binanceExchangeInfoUri == null
                || backfillWeightPerMinute == 0) {
            return null;
        }
        return AggTradeBackfill.aggTradesUri(binanceExchangeInfoUri);
    }

    /** REST request weight per minute the aggTrades backfill may use ({@code BACKFILL_WEIGHT_PER_MINUTE}); 0: none. */
    public int backfillWeightPerMinute() {
        return backfillWeightPerMinute;
    }

    /**
     * Bytes of written frames kept until acknowledged, for resending after a reconnect ({@code RESEND_BUFFER_BYTES},
     * default 8 MiB; 0: no resending). Used only with a receiver that acknowledges (protocol 2).
     */
    public int resendBufferBytes() {
        return resendBufferBytes;
    }

    /** What of the order book is relayed ({@code INCLUDE_DEPTH}, {@code DEPTH_*}); {@link DepthSettings#OFF} by default. */
    public DepthSettings depth() {
        return depth;
    }

    /**
     * Binance's REST API base for depth snapshots, e.g. {@code https://api.binance.com/api/v3} (the exchangeInfo URL
     * of {@code BINANCE_REST_URL} without {@code /exchangeInfo}); null when no REST URL is known.
     */
    public URI binanceRestApiUri() {
        if (binanceExchangeInfoUri == null) {
            return null;
        }
        String s = binanceExchangeInfoUri.toString();
        return URI.create(s.substring(0, s.length() - "/exchangeInfo".length()));
    }

    /** Unacknowledged frames older than this leave the resend buffer ({@code RESEND_BUFFER_MAX_AGE_MS}, 60 s). */
    public Duration resendBufferMaxAge() {
        return resendBufferMaxAge;
    }

    /**
     * The folder of the sender journal ({@code JOURNAL_DIR}); null when there is none. With it a restarted sender
     * continues its session and seq and resends what was not acknowledged ({@link SenderJournal}).
     */
    public java.nio.file.Path journalDir() {
        return journalDir;
    }

    @Override
    public String toString() {
        List<BinanceConnection> connections = binanceConnections();
        return "SenderConfig{binance=" + connections.get(0).uri() + " (" + connections.size() + " connection(s)), receiver=" + receiverHost + ":" + receiverPort
                + ", caCert=" + caCert + ", cert=" + cert + ", key=" + key + ", statsInterval=" + statsInterval
                + ", receiverReconnect=" + receiverReconnectMin.toMillis() + ".." + receiverReconnectMax.toMillis()
                + " ms, binanceReconnect=" + binanceReconnectMin.toMillis() + ".." + binanceReconnectMax.toMillis()
                + " ms, run=" + (runDuration.isZero() ? "until stopped" : runDuration) + "}";
    }

    /**
     * Builds a {@link SenderConfig}; defaults are those of {@link SenderSetting}. Not thread-safe. {@link #build()}
     * validates every field and names the bad one.
     */
    public static final class Builder {
        static final long RECEIVER_RECONNECT_MIN_MS = 100;
        static final long BINANCE_RECONNECT_MIN_MS = 1_000;
        static final int BACKLOG_BUDGET = 65_536;
        static final int MIN_AUTO_BACKLOG = 256;

        private URI binanceBaseUri;
        private StreamSelection streams = StreamSelection.BOOK_TICKER;
        private List<String> symbols;
        private int streamsPerConnection; // 0: Binance's limit for the host
        private String receiverHost = SenderSetting.AMS_HOST.defaultValue();
        private int receiverPort = defaultInt(SenderSetting.AMS_PORT);
        private Path caCert = Path.of(SenderSetting.CA_CERT.defaultValue());
        private Path cert = Path.of(SenderSetting.CERT.defaultValue());
        private Path key = Path.of(SenderSetting.KEY.defaultValue());
        private Duration statsInterval = Duration.ofSeconds(defaultInt(SenderSetting.STATS_INTERVAL_SECONDS));
        private Duration receiverReconnectMin = Duration.ofMillis(RECEIVER_RECONNECT_MIN_MS);
        private Duration receiverReconnectMax = Duration.ofMillis(defaultInt(SenderSetting.RECEIVER_RECONNECT_MAX_MS));
        private Duration binanceReconnectMin = Duration.ofMillis(BINANCE_RECONNECT_MIN_MS);
        private Duration binanceReconnectMax = Duration.ofMillis(defaultInt(SenderSetting.BINANCE_RECONNECT_MAX_MS));
        private Duration runDuration = Duration.ofSeconds(defaultInt(SenderSetting.RUN_SECONDS));
        private java.nio.file.Path journalDir;
        private Duration receiverConnectTimeout = Duration.ofSeconds(5);
        private Duration receiverStartupWait = Duration.ofSeconds(5);
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration receiverSilenceTimeout = Duration.ofSeconds(5);
        private Duration writeStallTimeout = Duration.ofSeconds(10);
        private int maxBacklogPerSymbol; // 0: share BACKLOG_BUDGET
        private Duration maxBacklogAge = Duration.ofSeconds(1);
        private EpochNanoClock clock = EpochNanoClock.SYSTEM;
        private boolean directWrites = Boolean.parseBoolean(SenderSetting.DIRECT_WRITES.defaultValue());
        private int tradeQueueCapacity = Integer.parseInt(SenderSetting.TRADE_QUEUE_CAPACITY.defaultValue());
        private String binanceRestUrl; // null: by BINANCE_REST_URL's rules for an unset value
        private URI binanceExchangeInfoUri;
        private int backfillWeightPerMinute = defaultInt(SenderSetting.BACKFILL_WEIGHT_PER_MINUTE);
        private int resendBufferBytes = Integer.parseInt(SenderSetting.RESEND_BUFFER_BYTES.defaultValue());
        private Duration resendBufferMaxAge = Duration.ofMillis(
                Long.parseLong(SenderSetting.RESEND_BUFFER_MAX_AGE_MS.defaultValue()));
        private DepthSettings depth = DepthSettings.OFF;

        private Builder() {
            binanceWsUrl("binanceWsUrl", SenderSetting.BINANCE_WS_URL.defaultValue());
            symbols("symbols", SenderSetting.SYMBOLS.defaultValue());
        }

        /**
         * Binance base URL, {@code ws://} or {@code wss://host[:port][/path]}, e.g. {@code wss://fstream.binance.com}
         * or the replay server's {@code ws://127.0.0.1:port}. wss uses the JDK's default trust store.
         */
        public Builder binanceWsUrl(String url) {
            return binanceWsUrl("binanceWsUrl", url);
        }

        /**
         * Which streams to subscribe per symbol; default {@link StreamSelection#BOOK_TICKER}. The relay forwards
         * bookTicker, trade and aggTrade ({@code INCLUDE_TRADES}, {@code INCLUDE_AGG_TRADES}); other kinds are
         * received and counted as not data.
         */
        public Builder streams(StreamSelection streams) {
            this.streams = Objects.requireNonNull(streams, "streams");
            return this;
        }

        /** Comma-separated symbols, any case, letters, digits and {@code _}, e.g. {@code " BTCUSDT, btcusd_perp "}. */
        public Builder symbols(String commaSeparated) {
            return symbols("symbols", commaSeparated);
        }

        /** Symbols, any case. */
        public Builder symbols(List<String> symbols) {
            return symbols("symbols", String.join(",", symbols));
        }

        /**
         * Streams per Binance connection, from 1 to Binance's limit for the host (see
         * {@link SenderConfig#binanceStreamsPerConnection()}); more symbols are sharded across connections. 0 (the
         * default): that limit.
         */
        public Builder streamsPerConnection(int streams) {
            return streamsPerConnection("streamsPerConnection", streams);
        }

        private Builder streamsPerConnection(Object name, int streams) {
            if (streams < 0) {
                throw new SettingException(name + " must be 0 (Binance's limit) or positive, got " + streams);
            }
            this.streamsPerConnection = streams;
            return this;
        }

        /** The receiver's address; {@code host} must be named by its certificate. */
        public Builder receiver(String host, int port) {
            this.receiverHost = Objects.requireNonNull(host, "host");
            this.receiverPort = port;
            return this;
        }

        /**
         * PEM files: the CA that issued the receiver's certificate, and this sender's certificate and key. Both
         * {@code cert} and {@code key} null: no client certificate (only a receiver that does not require one, such
         * as the original Python receiver, accepts the connection).
         *
         * @throws SettingException when only one of {@code cert} and {@code key} is null
         */
        public Builder tls(Path caCert, Path cert, Path key) {
            if ((cert == null) != (key == null)) {
                throw new SettingException("tls: a client certificate and its key go together, got cert=" + cert
                        + " key=" + key);
            }
            this.caCert = Objects.requireNonNull(caCert, "caCert");
            this.cert = cert;
            this.key = key;
            return this;
        }

        /** Interval between stats log lines. */
        public Builder statsInterval(long interval, TimeUnit unit) {
            this.statsInterval = Duration.ofNanos(unit.toNanos(interval));
            return this;
        }

        /** Receiver reconnect backoff: random in [0, min * 2^n], capped at max. */
        public Builder receiverReconnect(long min, long max, TimeUnit unit) {
            this.receiverReconnectMin = Duration.ofNanos(unit.toNanos(min));
            this.receiverReconnectMax = Duration.ofNanos(unit.toNanos(max));
            return this;
        }

        /** Binance reconnect backoff: random in [0, min * 2^n], capped at max. */
        public Builder binanceReconnect(long min, long max, TimeUnit unit) {
            this.binanceReconnectMin = Duration.ofNanos(unit.toNanos(min));
            this.binanceReconnectMax = Duration.ofNanos(unit.toNanos(max));
            return this;
        }

        /** How long the daemon runs; 0 until stopped. Not used by {@link Sender} itself. */
        /** See {@link SenderConfig#journalDir()}; null (the default) for none. */
        public Builder journalDir(java.nio.file.Path dir) {
            this.journalDir = dir;
            return this;
        }

        public Builder runDuration(long duration, TimeUnit unit) {
            this.runDuration = Duration.ofNanos(unit.toNanos(duration));
            return this;
        }

        /** Limit for the receiver's TCP connect and, separately, its TLS handshake. */
        public Builder receiverConnectTimeout(long timeout, TimeUnit unit) {
            this.receiverConnectTimeout = Duration.ofNanos(unit.toNanos(timeout));
            return this;
        }

        /**
         * How long start waits for the receiver before subscribing to Binance (default 5 s; 0 = no wait).
         *
         * @param wait duration in {@code unit}, at least 0
         */
        public Builder receiverStartupWait(long wait, TimeUnit unit) {
            this.receiverStartupWait = Duration.ofNanos(unit.toNanos(wait));
            return this;
        }

        /** A heartbeat frame goes out after this long without any frame. */
        public Builder heartbeatInterval(long interval, TimeUnit unit) {
            this.heartbeatInterval = Duration.ofNanos(unit.toNanos(interval));
            return this;
        }

        /** See {@link SenderConfig#receiverSilenceTimeout()}; default 5 s. */
        public Builder receiverSilenceTimeout(long timeout, TimeUnit unit) {
            this.receiverSilenceTimeout = Duration.ofNanos(unit.toNanos(timeout));
            return this;
        }

        /** A write blocked this long (the receiver stopped reading) closes the connection. */
        public Builder writeStallTimeout(long timeout, TimeUnit unit) {
            this.writeStallTimeout = Duration.ofNanos(unit.toNanos(timeout));
            return this;
        }

        /**
         * Bounds the quotes of one symbol waiting for the writer while the link is up: at most {@code quotes}, and
         * none older than {@code maxAge}; beyond either the latest quote wins (conflation). Default: 65,536 shared
         * by the symbols (at least 256 each), 1 second.
         */
        public Builder backlog(int quotes, long maxAge, TimeUnit unit) {
            this.maxBacklogPerSymbol = quotes;
            this.maxBacklogAge = Duration.ofNanos(unit.toNanos(maxAge));
            if (quotes < 1) {
                throw new SettingException("backlog quotes must be at least 1, got " + quotes);
            }
            return this;
        }

        /**
         * See {@link SenderConfig#resendBufferBytes()} and {@link SenderConfig#resendBufferMaxAge()}; defaults 8 MiB
         * and 60 s.
         *
         * @param bytes 0 (no resending) to {@link #MAX_RESEND_BUFFER_BYTES}
         * @param maxAge at least 1 s
         */
        public Builder resendBuffer(int bytes, long maxAge, TimeUnit unit) {
            if (bytes < 0 || bytes > MAX_RESEND_BUFFER_BYTES) {
                throw new SettingException("resend buffer must be 0.." + MAX_RESEND_BUFFER_BYTES + " bytes, got " + bytes);
            }
            if (unit.toMillis(maxAge) < 1_000) {
                throw new SettingException("resend buffer max age must be at least 1000 ms, got " + unit.toMillis(maxAge)
                        + " ms");
            }
            this.resendBufferBytes = bytes;
            this.resendBufferMaxAge = Duration.ofMillis(unit.toMillis(maxAge));
            return this;
        }

        /** See {@link SenderConfig#tradeQueueCapacity()}; default 65,536. */
        public Builder tradeQueueCapacity(int trades) {
            if (trades < 1 || trades > MAX_TRADE_QUEUE_CAPACITY) {
                throw new SettingException("trade queue capacity must be 1.." + MAX_TRADE_QUEUE_CAPACITY + ", got "
                        + trades);
            }
            this.tradeQueueCapacity = trades;
            return this;
        }

        /**
         * Binance REST base URL, as {@code BINANCE_REST_URL}: {@code https://api.binance.com}, or a full exchangeInfo
         * URL such as a replay server's {@code http://127.0.0.1:<port>/fapi/v1/exchangeInfo}; the aggTrades backfill
         * asks {@code aggTrades} next to its exchangeInfo. Unset: chosen from the Binance WebSocket URL (none for a
         * host that is not Binance's).
         */
        public Builder binanceRestUrl(String url) {
            this.binanceRestUrl = url;
            return this;
        }

        /** See {@link SenderConfig#backfillWeightPerMinute()}; default 600, 0 = no backfill. */
        public Builder backfillWeightPerMinute(int weight) {
            if (weight < 0) {
                throw new SettingException("backfill weight per minute must be 0 or positive, got " + weight);
            }
            this.backfillWeightPerMinute = weight;
            return this;
        }

        /** See {@link SenderConfig#directWrites()}; default false. */
        public Builder directWrites(boolean directWrites) {
            this.directWrites = directWrites;
            return this;
        }

        /** See {@link SenderConfig#depth()}; default {@link DepthSettings#OFF}. */
        public Builder depth(DepthSettings depth) {
            this.depth = Objects.requireNonNull(depth, "depth");
            return this;
        }

        /** Wall clock for the {@code ts} of every frame; {@link EpochNanoClock#SYSTEM} by default. */
        public Builder clock(EpochNanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @throws SettingException naming the first invalid field */
        public SenderConfig build() {
            if (receiverHost.isBlank() || receiverHost.chars().anyMatch(Character::isWhitespace)) {
                throw new SettingException("receiver host must be an IP address or DNS name, got '" + receiverHost
                        + "'");
            }
            if (receiverPort < 1 || receiverPort > 65_535) {
                throw new SettingException("receiver port must be 1..65535, got " + receiverPort);
            }
            positive("statsInterval", statsInterval);
            positive("receiverReconnect min", receiverReconnectMin);
            positive("binanceReconnect min", binanceReconnectMin);
            if (receiverReconnectMax.compareTo(receiverReconnectMin) < 0) {
                throw new SettingException("receiverReconnect max (" + receiverReconnectMax.toMillis()
                        + " ms) must be at least its min (" + receiverReconnectMin.toMillis() + " ms)");
            }
            if (binanceReconnectMax.compareTo(binanceReconnectMin) < 0) {
                throw new SettingException("binanceReconnect max (" + binanceReconnectMax.toMillis()
                        + " ms) must be at least its min (" + binanceReconnectMin.toMillis() + " ms)");
            }
            if (runDuration.isNegative()) {
                throw new SettingException("runDuration must be 0 (until stopped) or positive, got " + runDuration);
            }
            if (journalDir != null && resendBufferBytes == 0) {
                throw new SettingException("JOURNAL_DIR needs RESEND_BUFFER_BYTES above 0: the journal is the resend"
                        + " buffer's backing");
            }
            positive("receiverConnectTimeout", receiverConnectTimeout);
            if (receiverConnectTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new SettingException("receiverConnectTimeout is too long: " + receiverConnectTimeout);
            }
            if (receiverStartupWait.isNegative()) {
                throw new SettingException("receiverStartupWait must be 0 or positive, got " + receiverStartupWait);
            }
            positive("heartbeatInterval", heartbeatInterval);
            positive("receiverSilenceTimeout", receiverSilenceTimeout);
            positive("writeStallTimeout", writeStallTimeout);
            positive("backlog maxAge", maxBacklogAge);
            if (binanceExchangeInfoUri == null || binanceRestUrl != null) {
                binanceExchangeInfoUri = SymbolCheck.exchangeInfoUri(binanceRestUrl == null ? Map.of()
                        : Map.of(SenderSetting.BINANCE_REST_URL.name(), binanceRestUrl), binanceBaseUri);
            }
            if (backfillWeightPerMinute > 0 && streams.kinds().contains(StreamKind.AGG_TRADE)
                    && binanceExchangeInfoUri != null) {
                int perRequest = AggTradeBackfill.weightOf(AggTradeBackfill.aggTradesUri(binanceExchangeInfoUri));
                if (backfillWeightPerMinute < perRequest) {
                    throw new SettingException(SenderSetting.BACKFILL_WEIGHT_PER_MINUTE + " must be 0 or at least one"
                            + " aggTrades request's weight (" + perRequest + " on " + binanceExchangeInfoUri.getHost()
                            + "), got " + backfillWeightPerMinute);
                }
            }
            if (depth.enabled()) {
                if (binanceExchangeInfoUri == null) {
                    throw new SettingException(SenderSetting.INCLUDE_DEPTH + "=true needs Binance's REST API for the"
                            + " book snapshots: set " + SenderSetting.BINANCE_REST_URL + " (e.g. http://127.0.0.1:<port>"
                            + " for a replay server)");
                }
                String path = binanceExchangeInfoUri.getRawPath();
                if (path.startsWith("/api/") && (depth.stream() == StreamKind.DEPTH_500MS
                        || depth.stream() == StreamKind.DEPTH_0MS)) {
                    throw new SettingException(SenderSetting.DEPTH_STREAM + "=" + depth.stream().suffix() + " is a"
                            + " futures stream; spot serves depth@100ms and depth");
                }
            }
            int limit = streamLimit(binanceBaseUri);
            if (streamsPerConnection > limit) {
                throw new SettingException("streamsPerConnection " + streamsPerConnection + " is above Binance's limit"
                        + " of " + limit + " streams per connection for " + binanceBaseUri.getHost());
            }
            return new SenderConfig(this);
        }

        private static int defaultInt(SenderSetting v) {
            return Integer.parseInt(v.defaultValue());
        }

        private static void positive(String field, Duration d) {
            if (d.isNegative() || d.isZero() || d.toMillis() < 1) {
                throw new SettingException(field + " must be at least 1 ms, got " + d);
            }
        }

        private Builder binanceWsUrl(Object name, String url) {
            String text = url == null ? "" : url.trim();
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new SettingException(name + " must be a ws:// or wss:// URL, got '" + url + "': "
                        + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
                throw new SettingException(name + " must be a ws:// or wss:// URL with a host, e.g. "
                        + SenderSetting.BINANCE_WS_URL.defaultValue() + ", got '" + url + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new SettingException(name + " must be a base URL without query, fragment or user info (the"
                        + " sender appends /stream?streams=...), got '" + url + "'");
            }
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            this.binanceBaseUri = URI.create(text);
            return this;
        }

        private Builder symbols(Object name, String commaSeparated) {
            if (commaSeparated == null || commaSeparated.isBlank()) {
                throw new SettingException(name + " must list at least one symbol, e.g. btcusdt,ethusdt");
            }
            Set<String> out = new LinkedHashSet<>();
            String[] parts = commaSeparated.split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                String s = parts[i].trim();
                if (s.isEmpty()) {
                    throw new SettingException(name + " has an empty symbol at position " + (i + 1) + " in '"
                            + commaSeparated + "' (symbols are separated by single commas)");
                }
                for (int c = 0; c < s.length(); c++) {
                    char ch = s.charAt(c);
                    if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_')) {
                        throw new SettingException(name + " symbols are letters, digits and _ only, like btcusdt or"
                                + " btcusd_perp; '" + s + "' has '" + ch + "'");
                    }
                }
                if (!out.add(s.toUpperCase(Locale.ROOT))) {
                    throw new SettingException(name + " lists " + s.toUpperCase(Locale.ROOT) + " twice");
                }
            }
            if (out.size() > MAX_SYMBOLS) {
                throw new SettingException(name + " lists " + out.size() + " symbols; one sender relays at most "
                        + MAX_SYMBOLS + " (the receiver keeps about 150 KB per symbol; " + MAX_SYMBOLS + " fit its 96 MiB"
                        + " heap)");
            }
            this.symbols = List.copyOf(new ArrayList<>(out));
            return this;
        }
    }
}
