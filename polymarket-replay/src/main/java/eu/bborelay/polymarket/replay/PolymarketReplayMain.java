package eu.bborelay.polymarket.replay;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of the replay server (the demo, load and CPU measurements). Prints
 * {@code REPLAY_LISTENING ws://host:port/ws/market} on stdout once listening, then reads fault commands from stdin,
 * one per line: {@code drop}, {@code stall}, {@code resume}, {@code malformed}, {@code unsubscribed},
 * {@code snapshots}, {@code play}, {@code quit}.
 */
@Command(name = "polymarket-replay", mixinStandardHelpOptions = true,
        description = "Local Polymarket market-channel server replaying recorded messages (docs/POLYMARKET.md).")
public final class PolymarketReplayMain implements Callable<Integer> {
    @Option(names = "--recording", description = "Recorded messages, one JSON message per line"
            + " (e.g. shared/data/polymarket/...crossing-burst_20260929.jsonl); none: scripted only.")
    Path recording;

    @Option(names = "--mirror", description = "Add a mirrored book for a binary market's token that has changes"
            + " but no recorded book (default: ${DEFAULT-VALUE}).", defaultValue = "true", negatable = true)
    boolean mirror;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0: any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--speed", defaultValue = "1", description = "Speed relative to the recorded timestamps;"
            + " 0: as fast as possible (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--rate", defaultValue = "0", description = "Fixed rate in messages/s instead of the recorded"
            + " pacing (default: off).")
    double rate;

    @Option(names = "--loop", description = "Repeat the recording until stopped.")
    boolean loop;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PolymarketReplayMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Recording rec = recording == null ? Recording.of(java.util.List.of()) : Recording.read(recording, mirror);
        try (PolymarketReplayServer server = PolymarketReplayServer.builder().recording(rec).host(host).port(port)
                .speed(speed).rate(rate).loop(loop).build()) {
            server.start();
            System.out.println("REPLAY_LISTENING " + server.uri());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "drop" -> server.dropConnections();
                    case "stall" -> server.stall(true);
                    case "resume" -> server.stall(false);
                    case "malformed" -> server.sendMalformed();
                    case "unsubscribed" -> server.sendUnsubscribedPriceChange();
                    case "snapshots" -> server.sendSnapshots();
                    case "play" -> server.play();
                    case "quit" -> {
                        return 0;
                    }
                    case "" -> { }
                    default -> System.err.println("unknown command '" + line.trim() + "' (drop, stall, resume,"
                            + " malformed, unsubscribed, snapshots, play, quit)");
                }
            }
            server.awaitFinished(java.time.Duration.ofDays(365)); // stdin closed: serve until the replay ends
            return 0;
        }
    }
}
