/**
 * The daemons' operations endpoint: {@link eu.bborelay.ops.OpsServer} serves {@code GET /health}
 * ({@link eu.bborelay.ops.Health}) and {@code GET /metrics} (Prometheus, from a {@link eu.bborelay.ops.StatsMetrics}
 * registry read from the daemon's stats snapshot at scrape time). Nothing here accepts or returns null unless
 * documented.
 */
package eu.bborelay.ops;
