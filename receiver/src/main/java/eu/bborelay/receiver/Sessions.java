package eu.bborelay.receiver;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The sender sessions this receiver knows, by session id, plus the one legacy session. Bounded: beyond
 * {@link #MAX_SESSIONS}, the oldest sessions without a connection are forgotten. Thread-safe; used once per hello
 * or connection, never per quote.
 */
final class Sessions {
    static final int MAX_SESSIONS = 1024;

    private final ConcurrentHashMap<String, Session> byId = new ConcurrentHashMap<>();
    private final AtomicLong order = new AtomicLong();
    private volatile Session legacy;

    /** The session of a hello: the known one, or a new one whose counting starts at {@code lastSeq}. */
    Session forHello(String sessionId, long lastSeq) {
        Session s = byId.get(sessionId);
        if (s != null) {
            return s;
        }
        Session fresh = new Session(sessionId, SequenceTracker.fromHello(lastSeq), order.incrementAndGet());
        s = byId.putIfAbsent(sessionId, fresh);
        if (s != null) {
            return s;
        }
        if (byId.size() > MAX_SESSIONS) {
            evictIdle();
        }
        return fresh;
    }

    /** The session shared by senders that send no hello. */
    /** The session of {@code sessionId}, or null. */
    Session get(String sessionId) {
        return byId.get(sessionId);
    }

    /** The session that said hello last, or null. */
    Session latest() {
        return latest;
    }

    /** Notes {@code s} as the session that said hello last. */
    void hello(Session s) {
        latest = s;
    }

    private volatile Session latest;

    Session legacy() {
        Session s = legacy;
        if (s == null) {
            synchronized (this) {
                s = legacy;
                if (s == null) {
                    s = new Session(Session.LEGACY_ID, SequenceTracker.legacy(), order.incrementAndGet());
                    legacy = s;
                }
            }
        }
        return s;
    }

    /** Sessions known, the legacy one included once used. */
    int size() {
        return byId.size() + (legacy != null ? 1 : 0);
    }

    private void evictIdle() {
        List<Session> idle = byId.values().stream()
                .filter(s -> s.owner.get() == null)
                .sorted(Comparator.comparingLong(s -> s.order))
                .collect(Collectors.toList());
        int excess = byId.size() - MAX_SESSIONS;
        for (int i = 0; i < idle.size() && i < excess; i++) {
            byId.remove(idle.get(i).id, idle.get(i));
        }
    }
}
