package eu.bborelay.receiver;

import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameDescriptor;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Immutable configuration of a {@link Receiver}, made by {@link #builder()}. Every field has a default except the
 * TLS material; {@link Builder#build()} validates all of them once. The library reads no system properties or
 * environment variables: the host owns its configuration.
 *
 * <pre>{@code
 * ReceiverConfig config = ReceiverConfig.builder()
 *         .tls(Path.of("/certs/receiver.crt"), Path.of("/certs/receiver.key"), Path.of("/certs/ca.crt"))
 *         .statsInterval(30, TimeUnit.SECONDS)
 *         .build();
 * }</pre>
 */
public final class ReceiverConfig {
    /** Default {@link #bindAddress()}: every local interface. */
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    /** Default {@link #port()}. */
    public static final int DEFAULT_PORT = 9001;
    /** Default {@link #statsIntervalNanos()}: 10 s. */
    public static final long DEFAULT_STATS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Default {@link #handshakeTimeoutNanos()}: 5 s, a total deadline from accept. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Default {@link #ackIntervalNanos()}: 100 ms. */
    public static final long DEFAULT_ACK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Default {@link #pingIntervalNanos()}: 1 s. */
    public static final long DEFAULT_PING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Default {@link #silenceTimeoutNanos()}: 5 s. */
    public static final long DEFAULT_SILENCE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Default {@link #staleAfterNanos()}: 5 s. */
    public static final long DEFAULT_STALE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Default {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 8;
    /** Largest accepted {@link #maxConnections()}. */
    static final int MAX_MAX_CONNECTIONS = 1024;
    /**
     * Default {@link #maxPendingHandshakes()}. Each pending handshake holds a thread (about 130 KiB of committed
     * stack, measured) and its TLS socket (tens of KiB of heap), so 64 cost about 10 MiB of the 256 MiB container at
     * most, while a real sender needs one place for a few milliseconds: room for an attacker on 8 addresses (at the
     * per-address default) before any eviction starts.
     */
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 64;
    /**
     * Default {@link #maxPendingHandshakesPerAddress()}: an A/B pair and a collector's sender on one host (or behind
     * one NAT address), each with a retry racing an attempt the receiver has not seen end yet, need 6.
     */
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS = 8;
    /** Largest accepted {@link #maxPendingHandshakes()}. */
    static final int MAX_MAX_PENDING_HANDSHAKES = 1024;
    /** Longest accepted ping interval, silence timeout and stale age: 1 hour. */
    static final long MAX_LINK_TIMER_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Longest accepted handshake timeout, 10 minutes. */
    static final long MAX_HANDSHAKE_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** Longest accepted stats interval, 1 day. */
    static final long MAX_STATS_INTERVAL_NANOS = TimeUnit.DAYS.toNanos(1);

    private final String bindAddress;
    private final int port;
    private final Path certChain;
    private final Path key;
    private final Path clientCa;
    private final SSLContext sslContext;
    private final boolean requireClientCertificate;
    private final int maxFrameLength;
    private final long statsIntervalNanos;
    private final long handshakeTimeoutNanos;
    private final EpochNanoClock clock;
    private final ErrorHandler errorHandler;
    private final long pingIntervalNanos;
    private final long silenceTimeoutNanos;
    private final long staleAfterNanos;
    private final int maxConnections;
    private final int maxPendingHandshakes;
    private final int maxPendingHandshakesPerAddress;
    private final AckMode ackMode;
    private final boolean arbitration;
    private final long ackIntervalNanos;

    private ReceiverConfig(Builder b, long statsIntervalNanos, long handshakeTimeoutNanos, ErrorHandler errorHandler) {
        bindAddress = b.bindAddress;
        port = b.port;
        certChain = b.certChain;
        key = b.key;
        clientCa = b.clientCa;
        sslContext = b.sslContext;
        requireClientCertificate = b.requireClientCertificate;
        maxFrameLength = b.maxFrameLength;
        this.statsIntervalNanos = statsIntervalNanos;
        this.handshakeTimeoutNanos = handshakeTimeoutNanos;
        clock = b.clock;
        this.errorHandler = errorHandler;
        pingIntervalNanos = b.pingIntervalNanos;
        ackMode = b.ackMode;
        arbitration = b.arbitration;
        ackIntervalNanos = b.ackIntervalNanos;
        silenceTimeoutNanos = b.silenceTimeoutNanos;
        staleAfterNanos = b.staleAfterNanos;
        maxConnections = b.maxConnections;
        maxPendingHandshakes = b.maxPendingHandshakes;
        maxPendingHandshakesPerAddress = b.maxPendingHandshakesPerAddress;
    }

    /** A builder with every default set and no TLS material. */
    public static Builder builder() {
        return new Builder();
    }

    /** Local address to listen on, a literal IP or a host name; {@value #DEFAULT_BIND_ADDRESS} by default. */
    public String bindAddress() {
        return bindAddress;
    }

    /** TCP port to listen on; 0 picks an ephemeral port (see {@link Receiver#port()}). */
    public int port() {
        return port;
    }

    /** PEM certificate chain this receiver presents; null when {@link #sslContext()} is set. */
    public Path certChain() {
        return certChain;
    }

    /** PEM (PKCS#8) private key of {@link #certChain()}; null when {@link #sslContext()} is set. */
    public Path key() {
        return key;
    }

    /** PEM CA certificate(s) that must have signed a sender's client certificate; null when not given. */
    public Path clientCa() {
        return clientCa;
    }

    /** The host's own TLS context; null when the receiver builds one from {@link #certChain()} and friends. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Whether a sender must present a certificate signed by {@link #clientCa()} (true by default). */
    public boolean requireClientCertificate() {
        return requireClientCertificate;
    }

    /** Largest accepted frame payload in bytes; a longer frame closes its connection. */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** Interval of the periodic stats lines in nanoseconds; 0 means no periodic lines. */
    public long statsIntervalNanos() {
        return statsIntervalNanos;
    }

    /**
     * How long a connecting client has to complete the TLS handshake, counted from its accept, in nanoseconds: a
     * total deadline, however the client paces its bytes; then its socket is closed.
     */
    public long handshakeTimeoutNanos() {
        return handshakeTimeoutNanos;
    }

    /**
     * Interval of the pings this receiver writes to each sender, ns: clock probes for the latency correction, and
     * its heartbeat. 0: never writes to a sender.
     */
    public long pingIntervalNanos() {
        return pingIntervalNanos;
    }

    /** A connection from which nothing (no quote, no heartbeat) arrived for this long is closed, ns; 0: never. */
    public long silenceTimeoutNanos() {
        return silenceTimeoutNanos;
    }

    /**
     * A symbol whose latest quote is older than this is reported by {@link TickerListener#onStale}, ns; 0: never.
     */
    public long staleAfterNanos() {
        return staleAfterNanos;
    }

    /**
     * Most sender connections served at once whose TLS handshake succeeded (for a receiver that requires client
     * certificates: authenticated senders). Connections still in their handshake do not count here (see
     * {@link #maxPendingHandshakes()}). A sender whose handshake succeeds while this many are open is closed at once
     * (counted as refused for capacity) and retries with its backoff.
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Most connections in their TLS handshake at once, from all addresses. A new connection that finds them all
     * taken evicts the oldest pending handshake of the address holding the most when its own address holds none or
     * at least two fewer, and is closed otherwise: the places are shared evenly between addresses, so a sender
     * dialling from its own address is never kept out by clients on fewer addresses than there are places.
     */
    public int maxPendingHandshakes() {
        return maxPendingHandshakes;
    }

    /**
     * Most connections in their TLS handshake at once from one source address (IPv6: one /64 prefix); a further
     * connection from it is closed at once.
     */
    public int maxPendingHandshakesPerAddress() {
        return maxPendingHandshakesPerAddress;
    }

    /** Wall clock that stamps {@link eu.bborelay.common.BookTicker#receiveEpochNanos()}. */
    public EpochNanoClock clock() {
        return clock;
    }

    /** Where listener exceptions and internal failures go. */
    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /** When a seq is acknowledged to a sender that asks (protocol 2); default {@link AckMode#DELIVERED}. */
    public AckMode ackMode() {
        return ackMode;
    }

    /**
     * A/B arbitration: several senders relay the same Binance streams (each its own Binance connection and session)
     * and the listener gets one merged stream: the first copy of each update by its exchange id (quote update id
     * {@code u}, trade id, aggregate trade id), later copies dropped and counted per path; an update no sender
     * delivered is a merged gap ({@link ReceiverStats#arbitration()}, {@link TickerListener#onMergedGap}). A sender's
     * own seq gaps are then not passed to {@link TickerListener#onGap}. Default false: every sender's updates are
     * delivered as they come. See docs/PROTOCOL.md, "A/B senders".
     */
    public boolean arbitration() {
        return arbitration;
    }

    /**
     * Most time between a delivery (or the host's acknowledgement) and the ack frame that reports it, in ns; default
     * 100 ms. With nothing new the acknowledgement is repeated every ping interval.
     */
    public long ackIntervalNanos() {
        return ackIntervalNanos;
    }

    /** Describes the TLS setup for the log, e.g. {@code client certificate required, CA /certs/ca.crt}. */
    String describeTls() {
        if (!requireClientCertificate) {
            return "NO client certificate required";
        }
        return "client certificate required, " + (sslContext != null ? "host-supplied SSLContext" : "CA " + clientCa);
    }

    @Override
    public String toString() {
        return "ReceiverConfig{bindAddress=" + bindAddress + ", port=" + port
                + (sslContext != null ? ", sslContext=" + sslContext.getProtocol()
                : ", certChain=" + certChain + ", key=" + key + ", clientCa=" + clientCa)
                + ", requireClientCertificate=" + requireClientCertificate + ", maxFrameLength=" + maxFrameLength
                + ", statsIntervalNanos=" + statsIntervalNanos + ", handshakeTimeoutNanos=" + handshakeTimeoutNanos
                + ", pingIntervalNanos=" + pingIntervalNanos + ", silenceTimeoutNanos=" + silenceTimeoutNanos
                + ", staleAfterNanos=" + staleAfterNanos + ", maxConnections=" + maxConnections
                + ", maxPendingHandshakes=" + maxPendingHandshakes + ", maxPendingHandshakesPerAddress="
                + maxPendingHandshakesPerAddress + ", ackMode=" + ackMode + ", ackIntervalNanos=" + ackIntervalNanos
                + ", arbitration=" + arbitration + '}';
    }

    /**
     * Collects the settings; {@link #build()} checks them. Not thread-safe; each setter returns this. Setters do
     * not validate, so the order of calls never matters.
     */
    public static final class Builder {
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port = DEFAULT_PORT;
        private Path certChain;
        private Path key;
        private Path clientCa;
        private SSLContext sslContext;
        private boolean requireClientCertificate = true;
        private int maxFrameLength = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
        private TimeUnit statsIntervalUnit = TimeUnit.NANOSECONDS;
        private TimeUnit handshakeTimeoutUnit = TimeUnit.NANOSECONDS;
        private long statsInterval = DEFAULT_STATS_INTERVAL_NANOS;
        private long handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT_NANOS;
        private EpochNanoClock clock = EpochNanoClock.SYSTEM;
        private ErrorHandler errorHandler;
        private long pingIntervalNanos = DEFAULT_PING_INTERVAL_NANOS;
        private long silenceTimeoutNanos = DEFAULT_SILENCE_TIMEOUT_NANOS;
        private long staleAfterNanos = DEFAULT_STALE_AFTER_NANOS;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxPendingHandshakes = DEFAULT_MAX_PENDING_HANDSHAKES;
        private AckMode ackMode = AckMode.DELIVERED;
        private boolean arbitration;
        private long ackIntervalNanos = DEFAULT_ACK_INTERVAL_NANOS;
        /** 0: not set, then {@value ReceiverConfig#DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS} or less. */
        private int maxPendingHandshakesPerAddress;
        private boolean maxPendingHandshakesPerAddressSet;

        private Builder() {
        }

        /**
         * @param interval how often this receiver pings each sender (clock probe and heartbeat), default 1 s;
         *                 0 = never write to senders (no latency correction, and a sender of this project then
         *                 never declares this receiver dead); otherwise 1 ms..1 h
         * @param unit unit of {@code interval}
         */
        public Builder pingInterval(long interval, TimeUnit unit) {
            this.pingIntervalNanos = unit.toNanos(interval);
            return this;
        }

        /**
         * @param timeout a connection silent this long (nothing read: no quote, heartbeat or pong) is closed as dead,
         *                default 5 s; 0 = never; otherwise 1 ms..1 h. Keep it well above the sender's heartbeat
         *                interval (1 s)
         * @param unit unit of {@code timeout}
         */
        public Builder ackMode(AckMode mode) {
            this.ackMode = mode;
            return this;
        }

        /** See {@link ReceiverConfig#arbitration()}; default false. */
        public Builder arbitration(boolean arbitration) {
            this.arbitration = arbitration;
            return this;
        }

        /** See {@link ReceiverConfig#ackIntervalNanos()}; 1 ms to 1 s, default 100 ms. */
        public Builder ackInterval(long interval, TimeUnit unit) {
            this.ackIntervalNanos = unit.toNanos(interval);
            return this;
        }

        public Builder silenceTimeout(long timeout, TimeUnit unit) {
            this.silenceTimeoutNanos = unit.toNanos(timeout);
            return this;
        }

        /**
         * @param age a symbol whose latest quote is older than this is reported stale, default 5 s; 0 = never;
         *            otherwise 1 ms..1 h
         * @param unit unit of {@code age}
         */
        public Builder staleAfter(long age, TimeUnit unit) {
            this.staleAfterNanos = unit.toNanos(age);
            return this;
        }

        /**
         * @param maxConnections most sender connections at once whose TLS handshake succeeded, 1..1024, default 8;
         *                       a further one is closed right after its handshake. Handshakes in progress count
         *                       against {@link #maxPendingHandshakes(int)} instead
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * @param maxPendingHandshakes most connections in their TLS handshake at once, 1..1024, default
         *                             {@value ReceiverConfig#DEFAULT_MAX_PENDING_HANDSHAKES}; when all are taken a
         *                             new connection evicts the oldest handshake of the address holding the most
         *                             (if its own holds none or two fewer), else is closed
         */
        public Builder maxPendingHandshakes(int maxPendingHandshakes) {
            this.maxPendingHandshakes = maxPendingHandshakes;
            return this;
        }

        /**
         * @param maxPendingHandshakesPerAddress most connections in their TLS handshake at once from one address
         *                                       (IPv6: one /64), 1..{@code maxPendingHandshakes}, default
         *                                       {@value ReceiverConfig#DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS}
         *                                       (or {@code maxPendingHandshakes} if that is smaller); a further one
         *                                       is closed at once
         */
        public Builder maxPendingHandshakesPerAddress(int maxPendingHandshakesPerAddress) {
            this.maxPendingHandshakesPerAddress = maxPendingHandshakesPerAddress;
            this.maxPendingHandshakesPerAddressSet = true;
            return this;
        }

        /**
         * @param bindAddress local IP or host name to listen on, default
         *                    {@value ReceiverConfig#DEFAULT_BIND_ADDRESS}
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** @param port TCP port, 0..65535, default {@value ReceiverConfig#DEFAULT_PORT}; 0 = an ephemeral port */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * TLS material as PEM files, as written by {@code scripts/generate-certs.sh}. Excludes
         * {@link #sslContext(SSLContext)}.
         *
         * @param certChain this receiver's certificate (chain)
         * @param key its unencrypted PKCS#8 private key
         * @param clientCa the CA that signs senders' client certificates; required while
         *                 {@link #requireClientCertificate(boolean)} is true (the JDK's default trust store is never
         *                 used to verify senders); may be null otherwise
         */
        public Builder tls(Path certChain, Path key, Path clientCa) {
            this.certChain = certChain;
            this.key = key;
            this.clientCa = clientCa;
            return this;
        }

        /**
         * A TLS context the host built itself (its key manager presents the receiver's certificate, its trust
         * manager verifies senders). TLS 1.3 is still enforced on the server socket. Excludes {@link #tls}.
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /**
         * @param require true (default): a sender must present a certificate signed by the client CA, so nobody
         *                else can inject prices. false: no client certificate is asked for, for a sender that has
         *                none (the original Python one); logged as a warning at start
         */
        public Builder requireClientCertificate(boolean require) {
            this.requireClientCertificate = require;
            return this;
        }

        /**
         * @param maxFrameLength largest accepted frame payload in bytes, 1 to
         *                       {@link FrameDescriptor#MAX_MAX_FRAME_LENGTH}, default
         *                       {@link FrameDescriptor#DEFAULT_MAX_FRAME_LENGTH}; also the size of each connection's
         *                       read buffer
         */
        public Builder maxFrameLength(int maxFrameLength) {
            this.maxFrameLength = maxFrameLength;
            return this;
        }

        /**
         * @param interval interval of the periodic stats lines, default 10 s; 0 = no periodic lines (the final line
         *                 at {@link Receiver#close()} is still logged); at most one day
         * @param unit unit of {@code interval}
         */
        public Builder statsInterval(long interval, TimeUnit unit) {
            this.statsInterval = interval;
            this.statsIntervalUnit = unit;
            return this;
        }

        /**
         * @param timeout time a connecting client has to complete the TLS handshake, counted from its accept (a
         *                total deadline, not per read: a client that trickles bytes is closed like a silent one),
         *                default 5 s; 1 ms..10 minutes
         * @param unit unit of {@code timeout}
         */
        public Builder handshakeTimeout(long timeout, TimeUnit unit) {
            this.handshakeTimeout = timeout;
            this.handshakeTimeoutUnit = unit;
            return this;
        }

        /** @param clock the receiver's wall clock, default {@link EpochNanoClock#SYSTEM}; tests skew it */
        public Builder clock(EpochNanoClock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @param errorHandler receives listener exceptions and internal failures; must not throw. Default: logs
         *                     through SLF4J, the first error with its stack trace, later ones as a count per stats
         *                     interval
         */
        public Builder errorHandler(ErrorHandler errorHandler) {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * Validates every field.
         *
         * @throws IllegalArgumentException naming the first field that is wrong and what it expects
         */
        public ReceiverConfig build() {
            if (bindAddress == null || bindAddress.isBlank()) {
                throw new IllegalArgumentException("bindAddress must be an IP address or host name, was "
                        + (bindAddress == null ? "null" : "'" + bindAddress + "'"));
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535 (0 = ephemeral), was " + port);
            }
            boolean pem = certChain != null || key != null || clientCa != null;
            if (pem && sslContext != null) {
                throw new IllegalArgumentException("tls and sslContext exclude each other: set one of them");
            }
            if (!pem && sslContext == null) {
                throw new IllegalArgumentException("tls is required: set tls(certChain, key, clientCa) or"
                        + " sslContext(context)");
            }
            if (pem) {
                if (certChain == null || key == null) {
                    throw new IllegalArgumentException("tls needs both certChain and key, got "
                            + (certChain == null ? "no certChain" : "no key"));
                }
                if (requireClientCertificate && clientCa == null) {
                    throw new IllegalArgumentException("tls clientCa is required while requireClientCertificate is"
                            + " true: senders are verified against it, never against the JDK's default trust store");
                }
            }
            if (maxFrameLength < 1 || maxFrameLength > FrameDescriptor.MAX_MAX_FRAME_LENGTH) {
                throw new IllegalArgumentException("maxFrameLength must be 1.." + FrameDescriptor.MAX_MAX_FRAME_LENGTH
                        + " bytes, was " + maxFrameLength);
            }
            if (statsIntervalUnit == null) {
                throw new IllegalArgumentException("statsInterval unit must not be null");
            }
            long statsIntervalNanos = statsIntervalUnit.toNanos(statsInterval);
            if (statsInterval < 0 || statsIntervalNanos > MAX_STATS_INTERVAL_NANOS
                    || (statsInterval > 0 && statsIntervalNanos < TimeUnit.MILLISECONDS.toNanos(1))) {
                throw new IllegalArgumentException("statsInterval must be 0 (no periodic lines) or 1 ms..1 day, was "
                        + statsInterval + " " + statsIntervalUnit);
            }
            if (handshakeTimeoutUnit == null) {
                throw new IllegalArgumentException("handshakeTimeout unit must not be null");
            }
            long handshakeTimeoutNanos = handshakeTimeoutUnit.toNanos(handshakeTimeout);
            if (handshakeTimeout <= 0 || handshakeTimeoutNanos < TimeUnit.MILLISECONDS.toNanos(1)
                    || handshakeTimeoutNanos > MAX_HANDSHAKE_TIMEOUT_NANOS) {
                throw new IllegalArgumentException("handshakeTimeout must be 1 ms..10 minutes, was "
                        + handshakeTimeout + " " + handshakeTimeoutUnit);
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            timer("pingInterval", pingIntervalNanos);
            if (ackMode == null) {
                throw new IllegalArgumentException("ackMode must not be null");
            }
            if (ackIntervalNanos < TimeUnit.MILLISECONDS.toNanos(1) || ackIntervalNanos > TimeUnit.SECONDS.toNanos(1)) {
                throw new IllegalArgumentException("ackInterval must be 1 ms..1 s, was " + ackIntervalNanos + " ns");
            }
            timer("silenceTimeout", silenceTimeoutNanos);
            timer("staleAfter", staleAfterNanos);
            if (maxConnections < 1 || maxConnections > MAX_MAX_CONNECTIONS) {
                throw new IllegalArgumentException("maxConnections must be 1.." + MAX_MAX_CONNECTIONS + ", was "
                        + maxConnections);
            }
            if (maxPendingHandshakes < 1 || maxPendingHandshakes > MAX_MAX_PENDING_HANDSHAKES) {
                throw new IllegalArgumentException("maxPendingHandshakes must be 1.." + MAX_MAX_PENDING_HANDSHAKES
                        + ", was " + maxPendingHandshakes);
            }
            if (!maxPendingHandshakesPerAddressSet) {
                maxPendingHandshakesPerAddress = Math.min(DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
                        maxPendingHandshakes);
            }
            if (maxPendingHandshakesPerAddress < 1 || maxPendingHandshakesPerAddress > maxPendingHandshakes) {
                throw new IllegalArgumentException("maxPendingHandshakesPerAddress must be 1..maxPendingHandshakes ("
                        + maxPendingHandshakes + "), was " + maxPendingHandshakesPerAddress);
            }
            return new ReceiverConfig(this, statsIntervalNanos, handshakeTimeoutNanos,
                    errorHandler != null ? errorHandler : new LoggingErrorHandler());
        }

        private static void timer(String field, long nanos) {
            if (nanos != 0 && (nanos < TimeUnit.MILLISECONDS.toNanos(1) || nanos > MAX_LINK_TIMER_NANOS)) {
                throw new IllegalArgumentException(field + " must be 0 (off) or 1 ms..1 hour, was " + nanos + " ns");
            }
        }
    }
}
