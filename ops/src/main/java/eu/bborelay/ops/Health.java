package eu.bborelay.ops;

import java.util.Objects;

/**
 * One answer of a daemon's health check: healthy or not, and a short sentence saying why, for the operator who runs
 * {@code curl /health} or reads {@code docker inspect}.
 *
 * @param healthy whether the daemon does its job right now (connected and receiving fresh updates)
 * @param reason why, e.g. {@code "1 sender connected, freshest quote BTCUSDT 0.012 s old"}
 */
public record Health(boolean healthy, String reason) {
    public Health {
        Objects.requireNonNull(reason, "reason");
    }

    public static Health healthy(String reason) {
        return new Health(true, reason);
    }

    public static Health unhealthy(String reason) {
        return new Health(false, reason);
    }

    /** The response body: {@code {"status":"healthy","reason":"..."}} (or {@code "unhealthy"}). */
    public String toJson() {
        StringBuilder sb = new StringBuilder(64 + reason.length()).append("{\"status\":\"")
                .append(healthy ? "healthy" : "unhealthy").append("\",\"reason\":\"");
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append("\"}").toString();
    }
}
