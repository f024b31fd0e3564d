package eu.bborelay.replay;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay's timeline: walks the recordings like a live exchange and hands each message to every connection
 * subscribed to its stream at that moment.
 *
 * <p><b>Pacing.</b> Paced against {@link System#nanoTime()} deadlines from the recorded receive times divided by the
 * speed; at speed 0 it runs as fast as the slowest subscribed connection drains its outbound queue. In every mode it
 * waits while a connection has more than {@value #MAX_BACKLOG_FRAMES} frames queued, so memory stays bounded.
 *
 * <p><b>Time shift.</b> With a {@link TimeShift} every exchange timestamp is moved by one constant, fixed at the first
 * message that carries one; without, messages are sent byte for byte.
 *
 * <p><b>Threads.</b> Owner: the replay thread {@code binance-replay}, which runs {@link #run()} and alone reads the
 * recordings. {@link #startNow()}, {@link #connectionOpened()}, {@link #stop()} and the getters are called from any
 * thread (the caller's, Java-WebSocket's selector/worker threads); the state they share is latches, atomics and
 * volatiles.
 */
final class Timeline implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Timeline.class);
    /** Outbound frames a connection may have queued before the replay thread waits for it to drain. */
    static final int MAX_BACKLOG_FRAMES = 2048;
    private static final long BACKLOG_PARK_NANOS = 50_000;

    private final List<Path> recordings;
    private final double speed;
    private final CopyOnWriteArrayList<Session> sessions;
    private final TimeShift timeShift; // null: exact bytes
    private final Runnable onFinished;
    private final Withholder withholder;
    /** Counted down by each opened connection (and by {@link #startNow()}); the timeline starts at zero. */
    private final CountDownLatch start;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong messagesSent = new AtomicLong();
    private final AtomicLong backlogWaits = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile RecordingReader reader;
    /** {@link RecordingReader#lines()} at the message being delivered (or snapshot line passed); 0 before the start. */
    private volatile long position;

    /**
     * @param startAfterConnections connections that must open before the timeline starts (unless {@link #startNow()})
     * @param timeShift             {@code null} to send the recorded bytes unchanged
     * @param onFinished            called on the replay thread after the last message, before {@link #isFinished()}
     *                              waiters are released (e.g. closing every connection)
     * @param withholder            the messages kept from every connection ({@link Withhold})
     */
    Timeline(List<Path> recordings, double speed, CopyOnWriteArrayList<Session> sessions, int startAfterConnections,
             TimeShift timeShift, Runnable onFinished, Withholder withholder) {
        this.recordings = List.copyOf(recordings);
        this.speed = speed;
        this.sessions = sessions;
        this.start = new CountDownLatch(startAfterConnections);
        this.timeShift = timeShift;
        this.onFinished = onFinished;
        this.withholder = withholder;
    }

    /**
     * How far the timeline has gone, in recording lines ({@link RecordingReader#lines()}): the line of the message
     * being delivered now (published before it is handed to any connection, so a client that has received a message
     * always finds the REST side at or past it) or of the REST snapshot line passed last; 0 before the first message.
     * Withheld messages advance it too: the exchange's truth includes them.
     */
    long position() {
        return position;
    }

    /** Connections still awaited before the timeline starts. */
    long awaitedConnections() {
        return start.getCount();
    }

    /** A connection opened: one fewer to wait for. */
    void connectionOpened() {
        start.countDown();
    }

    /** Starts the timeline now, whoever has connected. */
    void startNow() {
        while (start.getCount() > 0) {
            start.countDown();
        }
    }

    /** Stops the replay thread soon (it is also interrupted by its owner) and releases every waiter. */
    void stop() {
        running = false;
        ended.countDown();
        startNow();
    }

    boolean isFinished() {
        return finished;
    }

    boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit) && finished;
    }

    long messagesSent() {
        return messagesSent.get();
    }

    long backlogWaits() {
        return backlogWaits.get();
    }

    long malformedLines() {
        RecordingReader r = reader;
        return r == null ? 0 : r.malformed();
    }

    /** The shift applied to exchange timestamps, ms; 0 when off or not yet fixed (no timestamp sent yet). */
    long timeShiftMillis() {
        return timeShift == null ? 0 : timeShift.shiftMillis();
    }

    static String speedText(double speed) {
        return speed == 0 || Double.isInfinite(speed) ? "max (as fast as possible)" : speed + "x";
    }

    @Override
    public void run() {
        try {
            start.await();
        } catch (InterruptedException e) {
            return;
        }
        if (!running) {
            return;
        }
        boolean asFastAsPossible = speed == 0 || Double.isInfinite(speed);
        log.info("Replay started: {} file(s) {} at speed {}{}", recordings.size(), recordings, speedText(speed),
                timeShift == null ? "" : ", exchange timestamps shifted to the current time");
        long startedNanos = System.nanoTime();
        long firstReceiveNanos = Long.MIN_VALUE;
        RecordingReader r = new RecordingReader(recordings, true);
        reader = r;
        try (r) {
            RecordedMessage m;
            while (running && (m = r.next()) != null) {
                // paced from the first WebSocket message; a snapshot line before it passes at once
                if (!asFastAsPossible && (m.stream != null || firstReceiveNanos != Long.MIN_VALUE)) {
                    if (firstReceiveNanos == Long.MIN_VALUE) {
                        firstReceiveNanos = m.receiveNanos;
                    }
                    long offset = (long) ((m.receiveNanos - firstReceiveNanos) / speed);
                    parkUntil(startedNanos + offset);
                }
                position = r.lines();
                if (m.stream == null || withholder.withhold(m)) {
                    continue; // a REST snapshot line (the REST side's truth), or a withheld message
                }
                deliver(timeShift == null ? m : timeShift.apply(m));
            }
        } catch (RuntimeException e) {
            log.error("Replay thread failed; the recording is not finished", e);
            ended.countDown();
            return;
        }
        if (!running) {
            return;
        }
        long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
        log.info("Replay finished in {} ms: {} messages from {} lines ({} REST snapshot lines not sent, {} malformed"
                        + " skipped, {} withheld), {} frames sent{}", elapsedMs, r.messages(), r.lines(),
                r.skippedNonStream(), r.malformed(), withholder.withheld(), messagesSent.get(), timeShift == null ? ""
                        : ", exchange timestamps shifted by " + timeShift.shiftMillis() + " ms");
        withholder.logUnmatched();
        finished = true;
        onFinished.run();
        ended.countDown();
    }

    private void parkUntil(long deadline) {
        long remaining;
        while (running && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, remaining);
        }
    }

    private void deliver(RecordedMessage m) {
        long now = System.nanoTime();
        for (Session s : sessions) {
            if (!s.isSubscribed(m.stream) || s.stalledAt(now)) {
                continue;
            }
            if (s.backlogFrames() > MAX_BACKLOG_FRAMES) {
                backlogWaits.incrementAndGet();
                while (running && s.backlogFrames() > MAX_BACKLOG_FRAMES && s.conn.isOpen()) {
                    LockSupport.parkNanos(this, BACKLOG_PARK_NANOS);
                }
            }
            if (!s.conn.isOpen()) {
                continue;
            }
            try {
                s.conn.send(s.combined ? m.json : m.data());
                s.sent.incrementAndGet();
                messagesSent.incrementAndGet();
            } catch (WebsocketNotConnectedException e) {
                // closed concurrently: like a live exchange, it simply misses the message
            }
        }
    }
}
