package eu.bborelay.polymarket;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The subscribed assets, looked up by the characters of an {@code asset_id} without allocating a String. Immutable:
 * the client replaces the whole table (copy on write) when the subscription changes and publishes it through a
 * volatile field; the {@link Asset} objects, with their books, carry over.
 */
final class AssetTable {
    static final AssetTable EMPTY = new AssetTable(List.of());

    /** One subscribed asset: its book and the state the read thread keeps about it. */
    static final class Asset {
        final String id;
        final OrderBook book;
        /** Read thread only: whether the last stale/fresh call was onFresh. */
        boolean fresh;
        /** Read thread only: whether the book was crossed after its last change. */
        boolean wasCrossed;

        Asset(String id) {
            this.id = id;
            this.book = new OrderBook(id);
        }
    }

    private final Asset[] slots;
    private final int mask;
    private final List<Asset> all;

    AssetTable(Collection<Asset> assets) {
        int cap = Integer.highestOneBit(Math.max(4, assets.size() * 3)) << 1;
        slots = new Asset[cap];
        mask = cap - 1;
        all = List.copyOf(assets);
        for (Asset a : all) {
            int i = a.id.hashCode() & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = a;
        }
    }

    /** The asset whose id is exactly these characters, or null. Allocates nothing. */
    Asset find(char[] chars, int offset, int length) {
        int h = 0;
        for (int i = 0; i < length; i++) {
            h = 31 * h + chars[offset + i];
        }
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Asset a = slots[i];
            if (a == null) {
                return null;
            }
            if (a.id.length() == length && equal(a.id, chars, offset, length)) {
                return a;
            }
        }
    }

    /** The asset with this id, or null. */
    Asset find(String id) {
        for (int i = id.hashCode() & mask; ; i = (i + 1) & mask) {
            Asset a = slots[i];
            if (a == null || a.id.equals(id)) {
                return a;
            }
        }
    }

    private static boolean equal(String s, char[] chars, int offset, int length) {
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    List<Asset> all() {
        return all;
    }

    List<String> ids() {
        List<String> ids = new ArrayList<>(all.size());
        for (Asset a : all) {
            ids.add(a.id);
        }
        return ids;
    }

    int size() {
        return all.size();
    }
}
