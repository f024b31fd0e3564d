package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.ConnectionAttacker;
import eu.bborelay.common.testing.ConnectionAttacker.Mode;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real sender against a receiver whose port is under attack by clients without a certificate (issue 10,
 * finding 3: eight clients re-taking every freed place kept the sender out for 37.8 s): a slow-loris trickling a
 * ClientHello one byte per second from 5 addresses, and a flood from 8 more that re-dials every connection the
 * receiver closes, at once. The sender starts, then the receiver is restarted twice on the same port, so the sender
 * reconnects with its backoff (20..200 ms) while the attack goes on: each time it is back within its backoff plus a
 * handshake, never the tens of seconds an attacker could hold it out before.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class HandshakeAttackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * Generous bound on the sender's wait (its backoff is at most 200 ms and a loopback handshake takes milliseconds;
     * the slack is for a loaded 2-core machine); an attacker holding the port would keep it out for the whole attack.
     */
    private static final Duration KEPT_OUT_AT_MOST = Duration.ofSeconds(10);

    private BinanceReplayServer replay;
    private Receiver receiver;
    private Sender sender;
    private final List<AutoCloseable> attackers = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable a : attackers) {
            a.close();
        }
        RelayFixture.closeAll(sender, receiver, replay);
    }

    @Test
    @Timeout(120)
    void theSenderGetsInWithinItsBackoffWhileStrangersAttackTheHandshake() throws Exception {
        RecordingTickerListener listener = new RecordingTickerListener();
        receiver = Receiver.start(config(0).build(), listener);
        int port = receiver.port();
        replay = RelayFixture.replay(SharedData.SPOT_BTCUSDT_20240808, 5); // ~400 updates/s for about a minute
        ConnectionAttacker loris = attack(ConnectionAttacker.start("loris", port, sources(2, 5), 6,
                Mode.SLOW_LORIS, Duration.ofSeconds(1), true, 5_000, Duration.ofSeconds(90)));
        ConnectionAttacker flood = attack(ConnectionAttacker.start("flood", port, sources(7, 8), 8,
                Mode.IDLE, Duration.ofSeconds(1), true, 200_000, Duration.ofSeconds(90)));
        Await.until("the attack is on", WAIT, () -> loris.opened() >= 30 && flood.opened() >= 1_000,
                () -> loris + " " + flood);

        List<Long> waitsMillis = new ArrayList<>();
        long start = System.nanoTime();
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, port).build());
        waitsMillis.add(awaitQuotes(listener, start));

        for (int restart = 0; restart < 2; restart++) {
            receiver.close();
            receiver = null;
            Await.until("the sender notices the receiver is gone", WAIT,
                    () -> !sender.stats().receiverConnected(), sender::stats);
            listener = new RecordingTickerListener();
            start = System.nanoTime();
            receiver = Receiver.start(config(port).build(), listener);
            waitsMillis.add(awaitQuotes(listener, start));
        }
        boolean attackStillOn = !loris.ended() && !flood.ended() && flood.opened() < 200_000;
        Receiver last = receiver;
        Await.until("slow-loris connections closed at their deadline, the flood refused for capacity", WAIT,
                () -> last.stats().handshakeTimeouts() > 0 && last.stats().refusedForCapacity() > 0, last::stats);
        System.out.printf("handshake attack e2e: the sender's waits (ms, from the receiver's start to its first"
                + " quote delivered) %s; %s; %s; %s%n", waitsMillis, loris, flood, receiver.stats());
        assertTrue(attackStillOn, () -> "the attack ended too early: " + loris + " " + flood);
        for (long w : waitsMillis) {
            assertTrue(w <= KEPT_OUT_AT_MOST.toMillis(), () -> "the sender was kept out: waits " + waitsMillis);
        }
        ReceiverStats r = receiver.stats();
        assertEquals(1, r.connectionsAccepted(), "only the sender got through");
        assertEquals(0, r.refusedAtConnectionLimit());
        assertTrue(r.handshakesPending() <= 16, r::toString);
        assertTrue(sender.stats().receiverReconnects() >= 2, sender.stats()::toString);
    }

    /** ms from {@code startNanos} until the listener has quotes (the sender is in and relaying). */
    private static long awaitQuotes(RecordingTickerListener listener, long startNanos) {
        Await.until("the sender relays", WAIT, () -> listener.size() > 0);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** A small handshake budget, so the attack fills it: 2 s total deadline, 16 pending, 4 per address. */
    private static ReceiverConfig.Builder config(int port) {
        return RelayFixture.receiverConfig(port).handshakeTimeout(2, TimeUnit.SECONDS).maxPendingHandshakes(16)
                .maxPendingHandshakesPerAddress(4);
    }

    private ConnectionAttacker attack(ConnectionAttacker a) {
        attackers.add(a);
        return a;
    }

    /** {@code count} loopback addresses from {@code 127.0.0.<first>}. */
    private static List<String> sources(int first, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add("127.0.0." + (first + i));
        }
        return out;
    }
}
