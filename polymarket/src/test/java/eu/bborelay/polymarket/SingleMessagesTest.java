package eu.bborelay.polymarket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each recorded single-message file, sent by the replay server, becomes the right event with every field. */
@ExtendWith(UncaughtExceptionsExtension.class)
class SingleMessagesTest {
    private static final String BOOK_2026_ASSET =
            "350977769852917329387037893294763093471844346281449484439085576212613048126";
    private static final String BOOK_2024_ASSET =
            "48331043336612883890938759509493159234755048973500640148014422747788308965732";
    private static final String TRADE_ASSET =
            "21742633143463906290569050155826241533067272736897614950488156847949938836455";
    private static final String TICK_ASSET =
            "115474063863764126958837769719736461272619491980773624567012766320777398670353";
    private static final String BBA_ASSET =
            "85354956062430465315924116860125388538595433819574542752031640332592237464430";

    @Test
    void bookOfTheCurrentFormatWithTickSize() throws Exception {
        String text = PolymarketData.text(PolymarketData.BOOK_2026);
        try (ClientFixture f = new ClientFixture(List.of(BOOK_2026_ASSET))) {
            f.sendAndAwait(text);
            assertEquals(1, f.listener.books.size());
            BookSnapshot b = f.listener.books.get(0).book();
            assertTrue(b.sameLevels(ExpectedBooks.fromBookMessage(text)));
            assertEquals(BOOK_2026_ASSET, b.assetId());
            assertEquals("0x6bd56627aa21311850825edb27e53434a0e17a4f782be0086bc07f71eee00d0d", b.market());
            assertEquals(1786604072222L, b.exchangeTimestampMillis());
            assertEquals("ed47eb91f3c7985fac1cb18cb7c19535eddd3c0a", b.hash());
            assertEquals(10_000, b.tickSize()); // "0.01"
            assertEquals("book", b.eventType());
            assertEquals(7, b.bidCount());
            assertEquals(57, b.askCount());
            assertEquals(70_000, b.bestBid()); // 0.07: bids arrive ascending, best is last
            assertEquals(182_528_550_000L, b.bidSize(0)); // 182528.55
            assertEquals(80_000, b.bestAsk()); // 0.08: asks arrive descending
            assertEquals(10_000, b.bidPrice(6)); // 0.01, the worst bid
            assertEquals(3_149_725_720_000L, b.bidSize(6));
            assertTrue(b.synced());
            assertTrue(b.receiveEpochNanos() > 1_700_000_000_000_000_000L);
            assertEquals(1, f.client.stats().books());
        }
    }

    @Test
    void bookOfTheOlderFormat() throws Exception {
        String text = PolymarketData.text(PolymarketData.BOOK_2024);
        try (ClientFixture f = new ClientFixture(List.of(BOOK_2024_ASSET))) {
            f.sendAndAwait(text);
            BookSnapshot b = f.listener.books.get(0).book();
            assertTrue(b.sameLevels(ExpectedBooks.fromBookMessage(text)));
            assertEquals("0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917", b.market());
            assertEquals(1728799418260L, b.exchangeTimestampMillis());
            assertEquals("655a38d4977427b086c25b985993691b753ed166", b.hash());
            assertEquals(0, b.tickSize()); // not in this format
            assertEquals(76, b.bidCount());
            assertEquals(86, b.askCount());
            assertEquals(511_000, b.bestBid());
            assertEquals(1_304_720_000L, b.bidSize(0));
            assertEquals(514_000, b.bestAsk());
            assertEquals(20_230_870_000L, b.askSize(0));
            assertEquals(999_000, b.askPrice(85));
            assertEquals(10_500_100_000_000L, b.askSize(85));
        }
    }

    @Test
    void lastTradePrice() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(TRADE_ASSET))) {
            f.sendAndAwait(PolymarketData.text(PolymarketData.LAST_TRADE_PRICE));
            assertEquals(1, f.listener.trades.size());
            Trade t = f.listener.trades.get(0);
            assertEquals(TRADE_ASSET, t.assetId());
            assertEquals("0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917", t.market());
            assertEquals(491_000, t.price());
            assertEquals(85_360_000, t.size());
            assertEquals(Side.SELL, t.side());
            assertEquals(0, t.feeRateBps());
            assertEquals(1724564136087L, t.exchangeTimestampMillis());
            assertNull(t.transactionHash()); // not in this recording
            assertTrue(t.receiveEpochNanos() > 0);
            assertEquals(1, f.client.stats().trades());
            assertEquals(0, f.listener.books.size());
        }
    }

    @Test
    void tickSizeChange() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(TICK_ASSET))) {
            f.sendAndAwait(PolymarketData.text(PolymarketData.TICK_SIZE_CHANGE));
            assertEquals(List.of(new RecordingListener.TickSize(TICK_ASSET, 10_000, 1_000, 1739068041853L)),
                    f.listener.tickSizes);
            assertEquals(1_000, f.client.latest(TICK_ASSET).tickSize());
            assertEquals(1, f.client.stats().tickSizeChanges());
        }
    }

    @Test
    void bestBidAsk() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(BBA_ASSET))) {
            f.sendAndAwait(PolymarketData.text(PolymarketData.BEST_BID_ASK));
            assertEquals(List.of(new RecordingListener.BestBidAsk(BBA_ASSET, 730_000, 770_000, 40_000,
                    1766789469958L)), f.listener.bestBidAsks);
            assertEquals(1, f.client.stats().bestBidAsks());
        }
    }

    @Test
    void allFilesAsOneArrayFrame() throws Exception {
        String frame = "[" + String.join(",", PolymarketData.text(PolymarketData.BOOK_2026),
                PolymarketData.text(PolymarketData.LAST_TRADE_PRICE),
                PolymarketData.text(PolymarketData.TICK_SIZE_CHANGE),
                PolymarketData.text(PolymarketData.BEST_BID_ASK)) + "]";
        try (ClientFixture f = new ClientFixture(List.of(BOOK_2026_ASSET, TRADE_ASSET, TICK_ASSET, BBA_ASSET))) {
            f.sendAndAwait(frame);
            PolymarketStats s = f.client.stats();
            assertEquals(1, s.arrayFrames());
            assertEquals(1, s.books());
            assertEquals(1, s.trades());
            assertEquals(1, s.tickSizeChanges());
            assertEquals(1, s.bestBidAsks());
            assertEquals(1, f.listener.books.size());
            assertEquals(1, f.listener.trades.size());
        }
    }

    @Test
    void marketEventsArePassedOnAsTheirText() throws Exception {
        String resolved = "{\"event_type\":\"market_resolved\",\"market\":\"0xabc\",\"winning_asset_id\":\"1\"}";
        try (ClientFixture f = new ClientFixture(List.of(TRADE_ASSET))) {
            f.sendAndAwait("[{\"event_type\":\"new_market\",\"market\":\"0xabc\",\"assets_ids\":[\"1\",\"2\"]},"
                    + resolved + "]");
            assertEquals(List.of("new_market {\"event_type\":\"new_market\",\"market\":\"0xabc\",\"assets_ids\":"
                    + "[\"1\",\"2\"]}", "market_resolved " + resolved), f.listener.marketEvents);
            assertEquals(1, f.client.stats().newMarkets());
            assertEquals(1, f.client.stats().marketsResolved());
        }
    }
}
