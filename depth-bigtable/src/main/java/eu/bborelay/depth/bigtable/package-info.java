/**
 * The depth recorder's optional Google Cloud Bigtable sink: {@link eu.bborelay.depth.bigtable.BigtableDepthSink}
 * writes each second's log-delta depth buckets ({@link eu.bborelay.depth.DepthBucketSnapshot}) as the original
 * collector's rows ({@link eu.bborelay.depth.BigtableDepthRow}) from its own writer thread, with a bounded queue,
 * retry with backoff and counters ({@link eu.bborelay.depth.bigtable.BigtableDepthStats});
 * {@link eu.bborelay.depth.bigtable.BigtableDepthConfig} reads its settings
 * ({@link eu.bborelay.depth.bigtable.BigtableSetting}). See docs/BIGTABLE.md.
 *
 * <p>Nothing here accepts or returns null unless documented.
 */
package eu.bborelay.depth.bigtable;
