package eu.bborelay.sender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import eu.bborelay.binance.BinanceMarket;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The start-up symbol check: asks Binance's REST {@code exchangeInfo} (spot {@code /api/v3/exchangeInfo}, USD-M
 * {@code /fapi/v1/exchangeInfo}, COIN-M {@code /dapi/v1/exchangeInfo}, whose status field is {@code contractStatus})
 * whether every configured symbol exists and is {@code TRADING}. A symbol that does
 * not would never deliver an update, silently; the daemon refuses to start instead (exit code 2).
 *
 * <p>Used once by {@link SenderMain} on its main thread, before the sender starts. The whole exchangeInfo is read
 * with Jackson's streaming parser, keeping only each symbol's name and status (spot's answer is several MB).
 */
final class SymbolCheck {
    static final String SPOT_PATH = BinanceMarket.SPOT.exchangeInfoPath();
    static final String USDM_PATH = BinanceMarket.USDM.exchangeInfoPath();
    static final String COINM_PATH = BinanceMarket.COINM.exchangeInfoPath();
    private static final JsonFactory JSON = new JsonFactory();

    private SymbolCheck() {
    }

    /**
     * The exchangeInfo URI for the settings, or null when there is none to ask (a non-Binance stream host, such as a
     * replay server, and no {@code BINANCE_REST_URL}).
     *
     * @throws SettingException when {@code BINANCE_REST_URL} is not an http(s) URL
     */
    static URI exchangeInfoUri(Map<String, String> env, URI binanceWsBase) {
        return exchangeInfoUri(Settings.of(env), binanceWsBase);
    }

    /** As {@link #exchangeInfoUri(Map, URI)} from the daemon's parsed settings. */
    static URI exchangeInfoUri(Settings settings, URI binanceWsBase) {
        String rest = settings.isSet(SenderSetting.BINANCE_REST_URL)
                ? settings.text(SenderSetting.BINANCE_REST_URL) : null;
        if (rest == null || rest.isBlank()) {
            BinanceMarket market = BinanceMarket.ofStreamUri(binanceWsBase);
            if (market != BinanceMarket.SPOT) {
                rest = market.restBase(); // fapi for fstream, dapi for dstream
            } else if (BinanceMarket.isBinanceHost(binanceWsBase)) {
                rest = SenderSetting.BINANCE_REST_URL.defaultValue();
            } else {
                return null;
            }
        }
        URI base;
        try {
            base = URI.create(rest.strip().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new SettingException("BINANCE_REST_URL=" + rest + " is not a URL: " + e.getMessage());
        }
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
            throw new SettingException("BINANCE_REST_URL=" + rest + " is not an http:// or https:// URL");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith("/exchangeInfo")) {
            return base;
        }
        return URI.create(base + BinanceMarket.ofRestUri(base).exchangeInfoPath());
    }

    /** Whether {@code SKIP_SYMBOL_CHECK} is true. */
    static boolean skip(Settings settings) {
        return settings.bool(SenderSetting.SKIP_SYMBOL_CHECK);
    }

    /**
     * Fetches exchangeInfo and returns one line per configured symbol that is unknown or not TRADING, e.g.
     * {@code FOOUSDT (unknown)}, {@code BARUSDT (status BREAK)}; empty when all are fine.
     *
     * @throws IOException when the answer cannot be fetched or is not exchangeInfo
     */
    static List<String> problems(URI exchangeInfo, List<String> symbols, Duration timeout)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(exchangeInfo).timeout(timeout)
                .header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        Map<String, String> status;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + exchangeInfo);
            }
            status = statusBySymbol(body);
        }
        List<String> problems = new ArrayList<>();
        for (String s : symbols) {
            String st = status.get(s);
            if (st == null) {
                problems.add(s + " (unknown)");
            } else if (!st.equals("TRADING")) {
                problems.add(s + " (status " + st + ")");
            }
        }
        return problems;
    }

    /** {@code symbol -> status} of exchangeInfo's {@code symbols} array. */
    static Map<String, String> statusBySymbol(InputStream json) throws IOException {
        Map<String, String> out = new HashMap<>();
        boolean sawSymbols = false;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("exchangeInfo is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("symbols") && v == JsonToken.START_ARRAY) {
                    sawSymbols = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String symbol = null;
                        String st = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken fv = p.nextToken();
                            if (f.equals("symbol") && fv == JsonToken.VALUE_STRING) {
                                symbol = p.getText();
                            } else if ((f.equals("status") || f.equals("contractStatus") && st == null)
                                    && fv == JsonToken.VALUE_STRING) {
                                st = p.getText(); // COIN-M names it contractStatus
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (symbol != null) {
                            out.put(symbol.toUpperCase(Locale.ROOT), st == null ? "?" : st);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        if (!sawSymbols) {
            throw new IOException("exchangeInfo has no symbols array");
        }
        return out;
    }
}
