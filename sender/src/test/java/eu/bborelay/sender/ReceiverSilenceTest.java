package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.FrameType;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A receiver that never writes (the original Python one, here the recording frame server) is never declared dead
 * by the sender's silence check, which arms only once a receiver has written a frame on the connection. (That
 * a receiver which pinged and then fell silent is dropped is tested end to end in the e2e LinkFaultTest.)
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ReceiverSilenceTest extends EndToEndSupport {

    @Test
    @Timeout(30)
    void aReceiverThatNeverWritesIsNeverDeclaredDead() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_4SYMBOLS_20211012, 0), "nknusdt", b -> b.receiverSilenceTimeout(200, TimeUnit.MILLISECONDS)
                .heartbeatInterval(50, TimeUnit.MILLISECONDS));
        assertEquals(FrameType.HELLO, receiver.next(WAIT).type());
        Thread.sleep(1_500); // more than seven silence timeouts
        SenderStats s = sender.stats();
        assertTrue(s.receiverConnected(), s::toString);
        assertEquals(0, s.receiverReconnects(), s::toString);
        assertEquals(1, receiver.connections());
        assertTrue(receiver.heartbeats() >= 5, "heartbeats kept flowing: " + receiver.heartbeats());
    }
}
