package eu.bborelay.polymarket;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps copies of everything a client delivers, for assertions from the test thread. */
final class RecordingListener implements MarketListener {
    record BookEvent(String assetId, BookSnapshot book) {
    }

    record TickSize(String assetId, long oldTick, long newTick, long ts) {
    }

    record BestBidAsk(String assetId, long bid, long ask, long spread, long ts) {
    }

    record StateChange(String assetId, StaleReason reason) { // reason null: onFresh
    }

    final List<BookEvent> books = new CopyOnWriteArrayList<>();
    final List<Trade> trades = new CopyOnWriteArrayList<>();
    final List<TickSize> tickSizes = new CopyOnWriteArrayList<>();
    final List<BestBidAsk> bestBidAsks = new CopyOnWriteArrayList<>();
    final List<String> marketEvents = new CopyOnWriteArrayList<>();
    final List<StateChange> states = new CopyOnWriteArrayList<>();
    /** The last book built by a price_change (not a snapshot), per asset. */
    final Map<String, BookSnapshot> lastByChange = new ConcurrentHashMap<>();

    @Override
    public void onBook(String assetId, BookView book) {
        BookSnapshot s = BookSnapshot.copyOf(book);
        books.add(new BookEvent(assetId, s));
        if ("price_change".equals(book.eventType())) {
            lastByChange.put(assetId, s);
        }
    }

    @Override
    public void onTrade(Trade trade) {
        trades.add(trade.copy());
    }

    @Override
    public void onTickSizeChange(String assetId, long oldTickSize, long newTickSize, long ts) {
        tickSizes.add(new TickSize(assetId, oldTickSize, newTickSize, ts));
    }

    @Override
    public void onBestBidAsk(String assetId, long bestBid, long bestAsk, long spread, long ts) {
        bestBidAsks.add(new BestBidAsk(assetId, bestBid, bestAsk, spread, ts));
    }

    @Override
    public void onMarketEvent(String eventType, String json) {
        marketEvents.add(eventType + " " + json);
    }

    @Override
    public void onStale(String assetId, StaleReason reason) {
        states.add(new StateChange(assetId, reason));
    }

    @Override
    public void onFresh(String assetId) {
        states.add(new StateChange(assetId, null));
    }

    long bookEvents(String assetId) {
        return books.stream().filter(b -> b.assetId().equals(assetId)).count();
    }
}
