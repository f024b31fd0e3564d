package eu.bborelay.e2e;

import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.receiver.TickerListener;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderConfig;
import java.util.concurrent.TimeUnit;

/** Builds the three real components on loopback with the project's certificates. */
final class RelayFixture {
    private RelayFixture() {
    }

    static BinanceReplayServer replay(String recording, double speed) throws Exception {
        BinanceReplayServer replay = BinanceReplayServer.builder().recording(SharedData.binance(recording))
                .speed(speed).build();
        replay.start();
        return replay;
    }

    static ReceiverConfig.Builder receiverConfig(int port) {
        TestCerts certs = TestCerts.project();
        return ReceiverConfig.builder().bindAddress("127.0.0.1").port(port)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(2, TimeUnit.SECONDS);
    }

    static Receiver receiver(int port, TickerListener listener) {
        return Receiver.start(receiverConfig(port).build(), listener);
    }

    static SenderConfig.Builder senderConfig(String symbols, BinanceReplayServer replay, int receiverPort) {
        TestCerts certs = TestCerts.project();
        return SenderConfig.builder()
                .binanceWsUrl(replay.baseUri().toString())
                .symbols(symbols)
                .receiver("127.0.0.1", receiverPort)
                .tls(certs.caCert(), certs.senderCert(), certs.senderKey())
                .receiverReconnect(20, 200, TimeUnit.MILLISECONDS)
                .statsInterval(5, TimeUnit.SECONDS);
    }

    static void closeAll(AutoCloseable... things) throws Exception {
        Exception first = null;
        for (AutoCloseable c : things) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
