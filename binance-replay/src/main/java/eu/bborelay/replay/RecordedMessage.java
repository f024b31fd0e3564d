package eu.bborelay.replay;

/**
 * One WebSocket message of a recording: the raw combined-stream JSON exactly as Binance sent it, its stream name and
 * where its {@code data} value sits inside the JSON text. Created and read by the replay thread only
 * (a {@link TimeShift} makes a shifted copy).
 */
final class RecordedMessage {
    /** Local receive time from the recording, converted to nanoseconds since the epoch. */
    final long receiveNanos;
    /**
     * The {@code stream} field, e.g. {@code btcusdt@bookTicker}; {@code null} for a REST snapshot line (returned only
     * by a reader made with {@code includeSnapshots}), whose {@link #data()} is the whole line's JSON.
     */
    final String stream;
    /** The whole recorded JSON text {@code {"stream":...,"data":...}}, unchanged. */
    final String json;
    private final int dataStart;
    private final int dataEnd;
    private String data;

    RecordedMessage(long receiveNanos, String stream, String json, int dataStart, int dataEnd) {
        this.receiveNanos = receiveNanos;
        this.stream = stream;
        this.json = json;
        this.dataStart = dataStart;
        this.dataEnd = dataEnd;
    }

    /** Offset of the {@code data} value in {@link #json} (first character). */
    int dataStart() {
        return dataStart;
    }

    /** Offset just after the {@code data} value in {@link #json}. */
    int dataEnd() {
        return dataEnd;
    }

    /** The exact text of the {@code data} value (what a raw {@code /ws/} stream sends), cut out of {@link #json}. */
    String data() {
        String d = data;
        if (d == null) {
            d = json.substring(dataStart, dataEnd);
            data = d;
        }
        return d;
    }
}
