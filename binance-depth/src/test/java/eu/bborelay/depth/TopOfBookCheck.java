package eu.bborelay.depth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays recorded messages into a {@link DepthBook} and compares, for every bookTicker whose update id equals the
 * final update id of an applied depth event, the book's best bid and ask after that event with the bookTicker's.
 *
 * <p>Two counts: {@link #comparedAtEvent} compares when the depth event is applied, with the bookTickers received
 * before it (the count: 503 USD-M, 564 spot on the 20240808 files); {@link #compare()} joins every
 * bookTicker with the book after its event, including bookTickers that arrived after the depth event.
 */
final class TopOfBookCheck implements DepthBookListener, SnapshotRequester {
    final DepthParser parser = new DepthParser();
    final DepthEvent event = new DepthEvent();
    final DepthSnapshot snapshot = new DepthSnapshot();
    final DepthBook book;
    /** Best bid/ask after each applied event, by its u. */
    final Map<Long, long[]> topByUpdateId = new HashMap<>();
    final Map<Long, RecordedBinance.Bbo> tickers = new HashMap<>();
    long crossed;
    int comparedAtEvent;
    int mismatchedAtEvent;
    long depthMessages;
    long snapshotRequests;
    long notDepth;

    TopOfBookCheck(DepthBook.Market market, String symbol) {
        book = new DepthBook(market, symbol, 8, 8, this, this);
    }

    @Override
    public void requestSnapshot(DepthBook b) {
        snapshotRequests++;
    }

    @Override
    public void onApplied(DepthBook b, DepthEvent e) {
        OrderBook ob = b.book();
        if (ob.isCrossed()) {
            crossed++;
        }
        long bid = ob.bids().bestPrice();
        long ask = ob.asks().bestPrice();
        topByUpdateId.put(e.finalUpdateId(), new long[] {bid, ask});
        RecordedBinance.Bbo t = tickers.get(e.finalUpdateId());
        if (t != null) {
            comparedAtEvent++;
            if (t.bid() != bid || t.ask() != ask) {
                mismatchedAtEvent++;
            }
        }
    }

    /** Feeds one recorded message. */
    void accept(String json) {
        if (RecordedBinance.isSnapshot(json)) {
            if (!parser.parseSnapshot(json, snapshot)) {
                throw new AssertionError("snapshot did not parse: " + parser.error());
            }
            book.onSnapshot(snapshot);
        } else if (RecordedBinance.isBookTicker(json)) {
            RecordedBinance.Bbo t = RecordedBinance.bookTicker(json);
            tickers.put(t.updateId(), t);
        } else if (RecordedBinance.isDepth(json)) {
            depthMessages++;
            DepthParser.Result r = parser.parseEvent(json, event);
            if (r != DepthParser.Result.DEPTH_UPDATE) {
                throw new AssertionError(r + " " + parser.error() + ": " + json);
            }
            book.onEvent(event);
        } else {
            notDepth++;
        }
    }

    void acceptAll(List<String> messages) {
        messages.forEach(this::accept);
    }

    /** Result of comparing: [matched, mismatched]. */
    record Comparison(int compared, int mismatched, String firstMismatch) {
    }

    Comparison compare() {
        int compared = 0;
        int mismatched = 0;
        String first = null;
        for (RecordedBinance.Bbo t : tickers.values()) {
            long[] top = topByUpdateId.get(t.updateId());
            if (top == null) {
                continue;
            }
            compared++;
            if (top[0] != t.bid() || top[1] != t.ask()) {
                mismatched++;
                if (first == null) {
                    first = "u=" + t.updateId() + " book " + Decimals.toString(top[0], 8) + "/"
                            + Decimals.toString(top[1], 8) + " bookTicker " + Decimals.toString(t.bid(), 8) + "/"
                            + Decimals.toString(t.ask(), 8);
                }
            }
        }
        return new Comparison(compared, mismatched, first);
    }
}
