package eu.bborelay.polymarket.replay;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's JSON message on the market channel: the subscription {@code {"assets_ids":[...],"type":"market"}} or a
 * run-time {@code {"assets_ids":[...],"operation":"subscribe"|"unsubscribe"}}. Other fields are ignored.
 *
 * @param assetIds the {@code assets_ids}, in order (empty when absent)
 * @param type {@code type}, or null
 * @param operation {@code operation}, or null
 */
record ClientRequest(List<String> assetIds, String type, String operation) {
    /**
     * @throws IOException when the text is not a JSON object or {@code assets_ids} is not an array of strings
     */
    static ClientRequest parse(String text) throws IOException {
        List<String> ids = new ArrayList<>();
        String type = null;
        String operation = null;
        try (JsonParser p = Recording.parser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "assets_ids" -> {
                        if (v != JsonToken.START_ARRAY) {
                            throw new IOException("assets_ids is not an array");
                        }
                        while (p.nextToken() == JsonToken.VALUE_STRING) {
                            ids.add(p.getText());
                        }
                        if (p.currentToken() != JsonToken.END_ARRAY) {
                            throw new IOException("assets_ids holds a non-string");
                        }
                    }
                    case "type" -> type = p.getValueAsString();
                    case "operation" -> operation = p.getValueAsString();
                    default -> p.skipChildren();
                }
            }
        }
        return new ClientRequest(List.copyOf(ids), type, operation);
    }

    /** A valid initial subscription of the market channel ({@code type} "market", any case). */
    boolean isMarketSubscription() {
        return operation == null && type != null && type.equalsIgnoreCase("market");
    }
}
