package eu.bborelay.depth;

/**
 * Test-only access to {@link BookSide#set} (package-private in binance-depth) for the Bigtable sink's tests, which
 * need small hand-made books; same package name, test classpath only.
 */
public final class TestBooks {
    private TestBooks() {
    }

    /** A book at scale 8/8 from {@code {price, quantity}} decimal strings. */
    public static OrderBook book(String[][] bids, String[][] asks, long shiftScaled) {
        OrderBook b = new OrderBook(8, 8, 16);
        for (String[] l : bids) {
            b.bids().set(Decimals.parse(l[0], 8) + shiftScaled, Decimals.parse(l[1], 8));
        }
        for (String[] l : asks) {
            b.asks().set(Decimals.parse(l[0], 8) + shiftScaled, Decimals.parse(l[1], 8));
        }
        return b;
    }
}
