package eu.bborelay.ops;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics read from a daemon's stats snapshot at scrape time: nothing is counted twice and nothing is
 * added to the per-update path. Each metric is one line, a name, a help text and a function of the snapshot:
 *
 * <pre>{@code
 * StatsMetrics<ReceiverStats> metrics = new StatsMetrics<>("bbo_relay_receiver_", receiver::stats)
 *         .counter("gaps", "Updates lost between sender and receiver", ReceiverStats::gaps)
 *         .gauge("connections_open", "Sender connections open now", ReceiverStats::connectionsOpen);
 * }</pre>
 *
 * <p>A scrape takes one snapshot ({@code stats()} can be costly: the receiver's pulls its latency histograms) and
 * every metric of that scrape reads it: snapshots younger than {@link #SNAPSHOT_REUSE_NANOS} are reused. Counter
 * names are given without {@code _total}; the exposition adds it. Callbacks run on the HTTP server's thread.
 *
 * @param <S> the snapshot type, e.g. {@code ReceiverStats}
 */
public final class StatsMetrics<S> {
    /** A snapshot this young serves the rest of the scrape; several scrapes a second are served the same one. */
    static final long SNAPSHOT_REUSE_NANOS = 250_000_000L;

    private final String prefix;
    private final Supplier<S> stats;
    private final PrometheusRegistry registry;
    private S snapshot;
    private long snapshotNanos;

    /**
     * @param prefix prepended to every name, e.g. {@code bbo_relay_receiver_}
     * @param stats takes a fresh snapshot; called from the scraping thread
     */
    public StatsMetrics(String prefix, Supplier<S> stats) {
        this(prefix, stats, new PrometheusRegistry());
    }

    /**
     * As {@link #StatsMetrics(String, Supplier)}, registering into {@code registry}, so that a daemon made of
     * several parts (the collector: receiver and recorder) serves all their metrics on one {@code /metrics}.
     */
    public StatsMetrics(String prefix, Supplier<S> stats, PrometheusRegistry registry) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The registry that {@code GET /metrics} exports. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** A counter (monotonic since start); {@code name} without {@code _total}. */
    public StatsMetrics<S> counter(String name, String help, ToDoubleFunction<S> value) {
        CounterWithCallback.builder().name(prefix + name).help(help)
                .callback(cb -> cb.call(value.applyAsDouble(snapshot())))
                .register(registry);
        return this;
    }

    /** A counter with one label, one value per label value (e.g. invalid messages by {@code reason}). */
    public StatsMetrics<S> counter(String name, String help, String label,
                                   Function<S, Map<String, ? extends Number>> values) {
        CounterWithCallback.builder().name(prefix + name).help(help).labelNames(label)
                .callback(cb -> values.apply(snapshot()).forEach((k, v) -> cb.call(v.doubleValue(), k)))
                .register(registry);
        return this;
    }

    /** A gauge: a value that goes up and down. */
    public StatsMetrics<S> gauge(String name, String help, ToDoubleFunction<S> value) {
        GaugeWithCallback.builder().name(prefix + name).help(help)
                .callback(cb -> cb.call(value.applyAsDouble(snapshot())))
                .register(registry);
        return this;
    }

    /** A gauge with one label, one value per label value (e.g. the age of the latest update per {@code symbol}). */
    public StatsMetrics<S> gauge(String name, String help, String label,
                                 Function<S, Map<String, ? extends Number>> values) {
        GaugeWithCallback.builder().name(prefix + name).help(help).labelNames(label)
                .callback(cb -> values.apply(snapshot()).forEach((k, v) -> cb.call(v.doubleValue(), k)))
                .register(registry);
        return this;
    }

    /** A gauge with two labels; {@code values} maps each pair {@code [first, second]} to its value. */
    public StatsMetrics<S> gauge(String name, String help, String firstLabel, String secondLabel,
                                 Function<S, Map<LabelPair, ? extends Number>> values) {
        GaugeWithCallback.builder().name(prefix + name).help(help).labelNames(firstLabel, secondLabel)
                .callback(cb -> values.apply(snapshot())
                        .forEach((k, v) -> cb.call(v.doubleValue(), k.first(), k.second())))
                .register(registry);
        return this;
    }

    /** Two label values. */
    public record LabelPair(String first, String second) {
    }

    private synchronized S snapshot() {
        long now = System.nanoTime();
        if (snapshot == null || now - snapshotNanos > SNAPSHOT_REUSE_NANOS) {
            snapshot = stats.get();
            snapshotNanos = now;
        }
        return snapshot;
    }
}
