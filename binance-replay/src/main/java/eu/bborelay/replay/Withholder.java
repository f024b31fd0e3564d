package eu.bborelay.replay;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for each recorded message on the replay thread, whether a {@link Withhold} removes it from the WebSocket
 * streams. Without any {@link Withhold} the check is one array-length test per message; with some, a stream-name
 * comparison, and for trades a scan of the data text for the id.
 *
 * <p><b>Threads.</b> Owner: the replay thread ({@link #withhold(RecordedMessage)}, {@link #logUnmatched()});
 * {@link #withheld()} from any thread (an atomic).
 */
final class Withholder {
    private static final Logger log = LoggerFactory.getLogger(Withholder.class);

    private final Withhold[] specs;
    private final long[] depthDiffsSeen; // per spec, DEPTH_DIFF only
    private final boolean[] matched;
    private final AtomicLong withheld = new AtomicLong();

    Withholder(List<Withhold> specs) {
        this.specs = specs.toArray(new Withhold[0]);
        this.depthDiffsSeen = new long[this.specs.length];
        this.matched = new boolean[this.specs.length];
    }

    /** Recorded messages withheld from every connection so far. */
    long withheld() {
        return withheld.get();
    }

    /** Whether {@code m} (a WebSocket message, stream not null) is withheld; counts it when so. */
    boolean withhold(RecordedMessage m) {
        if (specs.length == 0) {
            return false;
        }
        String stream = m.stream;
        int at = stream.indexOf('@');
        if (at <= 0) {
            return false;
        }
        boolean hit = false;
        for (int i = 0; i < specs.length; i++) {
            Withhold w = specs[i];
            if (at != w.symbol().length() || !stream.regionMatches(0, w.symbol(), 0, at)) {
                continue;
            }
            switch (w.kind()) {
                case DEPTH_DIFF -> {
                    if (isDiffDepthStream(stream, at) && ++depthDiffsSeen[i] == w.number()) {
                        hit = true;
                        matched[i] = true;
                    }
                }
                case TRADE -> {
                    if (stream.regionMatches(at, "@trade", 0, 6) && stream.length() == at + 6
                            && longField(m.json, m.dataStart(), m.dataEnd(), "\"t\":") == w.number()) {
                        hit = true;
                        matched[i] = true;
                    }
                }
                case AGG_TRADE -> {
                    if (stream.regionMatches(at, "@aggTrade", 0, 9) && stream.length() == at + 9
                            && longField(m.json, m.dataStart(), m.dataEnd(), "\"a\":") == w.number()) {
                        hit = true;
                        matched[i] = true;
                    }
                }
                default -> throw new IllegalStateException(w.kind().toString());
            }
        }
        if (hit) {
            withheld.incrementAndGet();
            log.info("Withholding {} from every connection (injected exchange-side loss)", m.stream);
        }
        return hit;
    }

    /** Logs every {@link Withhold} that matched no message (called when the recording is finished). */
    void logUnmatched() {
        for (int i = 0; i < specs.length; i++) {
            if (!matched[i]) {
                log.warn("Withhold {} matched no message of the recording ({} diff depth messages of {} seen)",
                        specs[i], depthDiffsSeen[i], specs[i].symbol());
            }
        }
    }

    /** {@code <symbol>@depth} or {@code <symbol>@depth@<speed>}: a diff stream (not {@code @depth5}, ...). */
    static boolean isDiffDepthStream(String stream, int at) {
        int end = at + 6; // "@depth"
        return stream.regionMatches(at, "@depth", 0, 6) && (stream.length() == end || stream.charAt(end) == '@');
    }

    /** The integer value of the top-level field {@code key} (e.g. {@code "t":}) in {@code json[from, to)}, or -1. */
    static long longField(String json, int from, int to, String key) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < to; i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == '"') {
                if (depth == 1 && json.startsWith(key, i)) {
                    int j = i + key.length();
                    long v = 0;
                    int digits = 0;
                    while (j < to && Character.isDigit(json.charAt(j))) {
                        v = v * 10 + (json.charAt(j++) - '0');
                        digits++;
                    }
                    return digits == 0 ? -1 : v;
                }
                inString = true;
            }
        }
        return -1;
    }
}
