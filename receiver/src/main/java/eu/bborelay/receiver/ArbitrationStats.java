package eu.bborelay.receiver;

import java.util.List;

/**
 * A/B arbitration figures since start ({@link ReceiverConfig#arbitration()}; docs/PROTOCOL.md, "A/B senders"), part
 * of {@link ReceiverStats#arbitration()}. Immutable.
 *
 * @param enabled whether the receiver arbitrates; when false every other value is 0 or empty
 * @param mergedQuoteGaps ranges of quote update ids ({@code u}) of a symbol in which every path had a hole, so
 *                        quotes may have reached no path (how many is unknown: {@code u} is not consecutive)
 * @param mergedTradeIdGaps trade ids of the relayed trades that no path delivered (a relay loss on every path; ids
 *                          Binance never sent are exchange gaps, {@link ReceiverStats#tradeIdGaps()}, not these)
 * @param mergedAggIdGaps the same for aggregate trade ids
 * @param unarbitratedSessions sessions delivered without arbitration because every path slot (at most 8) was held by
 *                             a connected path
 * @param paths one entry per path (sender session) kept, at most 8, in the order they were first seen
 */
public record ArbitrationStats(boolean enabled, long mergedQuoteGaps, long mergedTradeIdGaps, long mergedAggIdGaps,
                               long unarbitratedSessions, List<PathStats> paths) {
    /** The value when arbitration is off. */
    public static final ArbitrationStats OFF = new ArbitrationStats(false, 0, 0, 0, 0, List.of());

    public ArbitrationStats {
        paths = List.copyOf(paths);
    }

    /** All merged gaps: {@code mergedQuoteGaps + mergedTradeIdGaps + mergedAggIdGaps}; 0 means no update was lost. */
    public long mergedGaps() {
        return mergedQuoteGaps + mergedTradeIdGaps + mergedAggIdGaps;
    }

    /** The path named {@code name}, or null. */
    public PathStats path(String name) {
        for (PathStats p : paths) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * One path: one sender session, across its reconnects.
     *
     * @param name the sender's host and the first 8 hex digits of its session id, e.g. {@code 10.0.0.7#3f2a9c1b}
     *             (the /metrics label {@code path})
     * @param connected whether a connection of the path is open now
     * @param won updates of this path delivered to the listener (the first copy)
     * @param duplicates updates of this path dropped: another path delivered them first (for quotes also: older than
     *                   the quote delivered)
     * @param stale trades of this path dropped unchecked: more than 4,096 ids below the highest delivered
     * @param gaps this path's relay gaps: seqs of its session that never arrived
     * @param holes this path's seq jumps (each one or more of {@code gaps})
     * @param latencySamples quotes of this path whose one-way latency was measured (winners and duplicates)
     * @param p50OneWayNanos median one-way latency of this path, ns (corrected for the sender's clock once known)
     * @param p99OneWayNanos 99th percentile, ns
     * @param maxOneWayNanos maximum, ns
     */
    public record PathStats(String name, boolean connected, long won, long duplicates, long stale, long gaps,
                            long holes, long latencySamples, long p50OneWayNanos, long p99OneWayNanos,
                            long maxOneWayNanos) {
    }
}
