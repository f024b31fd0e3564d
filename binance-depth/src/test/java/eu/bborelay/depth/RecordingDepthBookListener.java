package eu.bborelay.depth;

import java.util.ArrayList;
import java.util.List;

/** Records what a {@link DepthBook} reports: requests, syncs, applied update ids and breaks. */
final class RecordingDepthBookListener implements DepthBookListener, SnapshotRequester {
    final List<Long> applied = new ArrayList<>();
    final List<BreakReason> breaks = new ArrayList<>();
    int requests;
    int synced;

    @Override
    public void requestSnapshot(DepthBook book) {
        requests++;
    }

    @Override
    public void onSynced(DepthBook book) {
        synced++;
    }

    @Override
    public void onApplied(DepthBook book, DepthEvent event) {
        applied.add(event.finalUpdateId());
    }

    @Override
    public void onBreak(DepthBook book, BreakReason reason, String detail) {
        if (book.isSynced() || !book.book().bids().isEmpty() || !book.book().asks().isEmpty()) {
            throw new AssertionError("a broken book must be unsynced and empty when the listener hears of it");
        }
        breaks.add(reason);
    }
}
