package eu.bborelay.collector;

import eu.bborelay.recording.testing.S3ProxyServer;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.recording.RecorderConfig;
import eu.bborelay.recording.S3UploaderConfig;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.SenderConfig;
import eu.bborelay.binance.StreamKind;
import eu.bborelay.binance.StreamSelection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The real parts of the collection pair on loopback: replay server, sender, collector, s3proxy; and read-back. */
final class CollectorFixture {
    /** The spot capture across UTC midnight: one continuous recording in two files. */
    static final String SPOT_2354 = SharedData.SPOT_BTCUSDT_20240808;
    static final String SPOT_0000 = "spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz";
    static final int SPOT_BOOK_TICKERS = 73_174;
    static final int SPOT_TRADES = 19_904;
    static final int SPOT_UPDATES = SPOT_BOOK_TICKERS + SPOT_TRADES;
    static final Pattern TRADE_ID = Pattern.compile("@trade\".*?\"t\":(\\d+)");
    /**
     * Replay speed: the 651 s capture in about 22 s. Not 0: as fast as possible outruns a cold collector JVM by more
     * than the sender's 1 s backlog, and the sender then conflates (counted, but the acceptance asks for gaps 0).
     */
    static final double SPEED = 30;
    static final Pattern UPDATE_ID = Pattern.compile("@bookTicker\".*?\"u\":(\\d+)");

    private CollectorFixture() {
    }

    static BinanceReplayServer replay(double speed) throws Exception {
        BinanceReplayServer replay = BinanceReplayServer.builder()
                .recording(SharedData.binance(SPOT_2354), SharedData.binance(SPOT_0000)).speed(speed).build();
        replay.start();
        return replay;
    }

    static SenderConfig.Builder sender(BinanceReplayServer replay, int collectorPort) {
        TestCerts certs = TestCerts.project();
        return SenderConfig.builder().binanceWsUrl(replay.baseUri().toString()).symbols("btcusdt")
                .receiver("127.0.0.1", collectorPort).tls(certs.caCert(), certs.senderCert(), certs.senderKey())
                .receiverReconnect(20, 200, TimeUnit.MILLISECONDS).statsInterval(5, TimeUnit.SECONDS)
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.TRADE)); // INCLUDE_TRADES=true
    }

    static ReceiverConfig receiverConfig() {
        TestCerts certs = TestCerts.project();
        return ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert()).statsInterval(5, TimeUnit.SECONDS)
                .build();
    }

    static S3UploaderConfig uploader(Path data, S3ProxyServer s3, String bucket) {
        return S3UploaderConfig.defaults(data, bucket).withPrefix("collector").withRegion("us-east-1")
                .withEndpoint(s3.endpoint()).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    static RecorderConfig recorder(Path data) {
        return RecorderConfig.defaults(data);
    }

    /** Every bookTicker update id of the two files, in order. */
    static long[] recordedUpdateIds() throws Exception {
        return recordedIds(UPDATE_ID);
    }

    /** Every trade id of the two files, in order. */
    static long[] recordedTradeIds() throws Exception {
        return recordedIds(TRADE_ID);
    }

    private static long[] recordedIds(Pattern pattern) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (String name : List.of(SPOT_2354, SPOT_0000)) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(SharedData.binance(name))), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        ids.add(Long.parseLong(m.group(1)));
                    }
                }
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Downloads every object of {@code bucket} into {@code into} (keys become paths); returns the keys. */
    static List<String> download(S3Client client, String bucket, Path into) throws Exception {
        List<String> keys = new ArrayList<>();
        for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            Path p = into.resolve(o.key());
            Files.createDirectories(p.getParent());
            Files.write(p, client.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray());
            keys.add(o.key());
        }
        return keys;
    }
}
