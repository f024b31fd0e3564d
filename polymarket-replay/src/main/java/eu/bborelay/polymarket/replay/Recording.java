package eu.bborelay.polymarket.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recorded market-channel messages (the {@code shared/data/polymarket} files: one compact JSON message, or a JSON
 * array of messages, per line) as the replay server's timeline, plus scripted messages built from them.
 *
 * <p>Each {@link Message} keeps the recorded text byte for byte and the asset ids it concerns. Immutable after
 * loading; thread-safe.
 */
public final class Recording {
    private static final JsonFactory JSON = new JsonFactory();

    /** One timeline entry: the exact text sent, the assets it concerns, its Polymarket {@code timestamp}. */
    public record Message(String text, Set<String> assetIds, long timestampMillis, boolean scripted) {
    }

    private final List<Message> messages;

    private Recording(List<Message> messages) {
        this.messages = List.copyOf(messages);
    }

    /** The messages in timeline order. */
    public List<Message> messages() {
        return messages;
    }

    /** A recording of the given message texts (e.g. scripted in a test). */
    public static Recording of(List<String> texts) throws IOException {
        List<Message> out = new ArrayList<>();
        for (String t : texts) {
            out.add(describe(t, false));
        }
        return new Recording(out);
    }

    /**
     * Reads a recording file: each non-blank line one message.
     *
     * @param mirrorComplement when a {@code price_change} concerns an asset of the same market that never had a
     *     {@code book} before it, insert after the market's first {@code book} a scripted snapshot of that
     *     complementary outcome token built by mirroring it (bid at p becomes ask at 1 - p, same sizes; no
     *     {@code hash}, since Polymarket's hash cannot be computed from the message). Binary markets' two tokens
     *     are mirrored on Polymarket's book, as the recorded {@code price_change} pairs show.
     * @throws java.nio.file.NoSuchFileException when the file is absent
     * @throws IOException when unreadable or a line is not a JSON message
     */
    public static Recording read(Path file, boolean mirrorComplement) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Message> out = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(describe(line.strip(), false));
            } catch (IOException e) {
                throw new IOException(file + " line " + n + ": not a JSON market-channel message: " + e.getMessage(),
                        e);
            }
        }
        if (mirrorComplement) {
            out = withComplementBooks(out);
        }
        return new Recording(out);
    }

    private static List<Message> withComplementBooks(List<Message> in) throws IOException {
        Map<String, Integer> firstBookIndex = new LinkedHashMap<>(); // market -> index of its first book
        Map<String, ServerBook> firstBook = new LinkedHashMap<>();
        Set<String> booked = new LinkedHashSet<>();
        Map<String, String> needed = new LinkedHashMap<>(); // asset -> market
        for (int i = 0; i < in.size(); i++) {
            String text = in.get(i).text();
            for (ServerBook.Event e : ServerBook.events(text)) {
                if (e.type().equals("book")) {
                    booked.add(e.assetId());
                    if (!firstBookIndex.containsKey(e.market())) {
                        firstBookIndex.put(e.market(), i);
                        ServerBook b = new ServerBook(e.assetId());
                        b.apply(e, text);
                        firstBook.put(e.market(), b);
                    }
                } else if (e.type().equals("price_change")) {
                    for (ServerBook.Change c : e.changes()) {
                        if (!booked.contains(c.assetId()) && !needed.containsKey(c.assetId())) {
                            needed.put(c.assetId(), e.market());
                        }
                    }
                }
            }
        }
        List<Message> out = new ArrayList<>(in);
        int inserted = 0;
        for (Map.Entry<String, Integer> m : firstBookIndex.entrySet()) {
            ServerBook yes = firstBook.get(m.getKey());
            for (Map.Entry<String, String> need : needed.entrySet()) {
                if (need.getValue().equals(m.getKey()) && !need.getKey().equals(yes.assetId())) {
                    String text = yes.mirrored(need.getKey()).snapshotJson();
                    out.add(m.getValue() + 1 + inserted++, describe(text, true));
                }
            }
        }
        return out;
    }

    static Message describe(String text, boolean scripted) throws IOException {
        Set<String> assets = new LinkedHashSet<>();
        long ts = 0;
        for (ServerBook.Event e : ServerBook.events(text)) {
            if (e.assetId() != null) {
                assets.add(e.assetId());
            }
            for (ServerBook.Change c : e.changes()) {
                assets.add(c.assetId());
            }
            ts = Math.max(ts, e.timestampMillis());
        }
        return new Message(text, Set.copyOf(assets), ts, scripted);
    }

    /** 1 - p, exactly, as plain text. */
    static String complement(String price) {
        return BigDecimal.ONE.subtract(new BigDecimal(price)).stripTrailingZeros().toPlainString();
    }

    static JsonParser parser(String text) throws IOException {
        return JSON.createParser(text);
    }
}
