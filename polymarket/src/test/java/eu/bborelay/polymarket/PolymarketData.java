package eu.bborelay.polymarket;

import eu.bborelay.common.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The recorded Polymarket files of {@code shared/data/polymarket} (see PROVENANCE.md); never copied. */
final class PolymarketData {
    static final String CROSSING_BURST =
            "nautilus_polymarket_market-channel_book+price_change_crossing-burst_20260929.jsonl";
    static final String BOOK_2026 = "nautilus_polymarket_single_book_msg_20260813_captured.json";
    static final String BOOK_2024 = "nautilus_polymarket_single_book_msg_20241013.json";
    static final String LAST_TRADE_PRICE = "nautilus_polymarket_single_last_trade_price_msg_20240825.json";
    static final String TICK_SIZE_CHANGE = "nautilus_polymarket_single_tick_size_change_msg_20250209.json";
    static final String BEST_BID_ASK = "nautilus_polymarket_single_best_bid_ask_msg_20251226.json";
    /** The crossing burst's two tokens (YES has the recorded books). */
    static final String YES = "76670567130917723816490572615540605537878462672464291990940067659127658071111";
    static final String NO = "54179564009642723353355316176091991063553046330768303687769988635499280029688";

    private PolymarketData() {
    }

    /** A file of {@code shared/data/polymarket}; fails naming the missing file. */
    static Path file(String name) {
        Path p = SharedData.dataDir().resolve("polymarket").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("Recorded Polymarket data file missing: " + p
                    + " (this test replays it; see shared/data/PROVENANCE.md)");
        }
        return p;
    }

    static String text(String name) throws IOException {
        return Files.readString(file(name), StandardCharsets.UTF_8).strip();
    }
}
