package eu.bborelay.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the recorded market data that tests replay. The data lives in the workplace's {@code shared/data} folder
 * beside the repository (see its PROVENANCE.md) and is never copied into the project.
 *
 * <p>Lookup order: the environment variable {@code RELAY_DATA_DIR}, then {@code ../shared/data} relative to the
 * repository root (system property {@code relay.repo.root}, set by the build), then relative to the working
 * directory and its parents. A missing file fails the calling test with a message that says what is missing.
 */
public final class SharedData {
    /** The acceptance recording of issue 2: 28,040 spot BTCUSDT bookTicker updates. */
    public static final String SPOT_BTCUSDT_20240808 =
            "spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz";
    /** Several symbols on one connection (NKNUSDT, BLZETH, LRCBTC, RUNEEUR), 84 bookTicker updates. */
    public static final String SPOT_4SYMBOLS_20211012 =
            "cryptofeed_spot_4symbols_bookTicker-aggTrade-depth100ms-kline_20211012.ndjson.gz";
    /** USD-M futures, four symbols, 613 bookTicker updates with e/E/T. */
    public static final String USDM_4SYMBOLS_20210722 =
            "cryptofeed_usdm_4symbols_bookTicker-aggTrade-depth100ms-kline_20210722.ndjson.gz";
    /** USD-M BTCUSDT, 66,089 bookTicker updates. */
    public static final String USDM_BTCUSDT_20240808 =
            "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240808T2354Z.ndjson.gz";

    private SharedData() {
    }

    /** The {@code shared/data} directory; fails with a clear message when it cannot be found. */
    public static Path dataDir() {
        String env = System.getenv("RELAY_DATA_DIR");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (Files.isDirectory(p)) {
                return p;
            }
            throw new AssertionError("RELAY_DATA_DIR=" + env + " is not a directory");
        }
        for (Path start : candidates()) {
            for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("shared").resolve("data");
                if (Files.isDirectory(candidate.resolve("binance"))) {
                    return candidate;
                }
                Path sibling = dir.resolveSibling("shared").resolve("data");
                if (Files.isDirectory(sibling.resolve("binance"))) {
                    return sibling;
                }
            }
        }
        throw new AssertionError("Recorded market data not found: this test replays files from the workplace's"
                + " shared/data folder (expected at ../shared/data next to the repository, see PROVENANCE.md)."
                + " Put it there or set RELAY_DATA_DIR to its location.");
    }

    /** A file of {@code shared/data/binance}; fails with a message naming the missing file. */
    public static Path binance(String fileName) {
        Path p = dataDir().resolve("binance").resolve(fileName);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("Recorded Binance data file missing: " + p
                    + " (this test replays it; see shared/data/PROVENANCE.md for the list of recordings)");
        }
        return p;
    }

    private static Path[] candidates() {
        String root = System.getProperty("relay.repo.root");
        Path cwd = Path.of("").toAbsolutePath();
        return root == null ? new Path[] {cwd} : new Path[] {Path.of(root), cwd};
    }
}
