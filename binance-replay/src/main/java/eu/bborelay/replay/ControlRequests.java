package eu.bborelay.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers the live requests of Binance market streams sent as text frames: {@code SUBSCRIBE}, {@code UNSUBSCRIBE},
 * {@code LIST_SUBSCRIPTIONS}, {@code SET_PROPERTY} and {@code GET_PROPERTY} ("combined" only).
 *
 * <p>Success: {@code {"result":null,"id":1}}. Errors use the codes and messages of the "Error Messages" table of
 * Binance's spot WebSocket Streams documentation (code 0 unknown property, 1 expected Boolean, 2 invalid request,
 * 3 invalid JSON) in the envelope the production servers send, {@code {"error":{"code":2,"msg":"..."},"id":1}}
 * ({@code "id":null} when the request's id is unknown or invalid). Two messages Binance's table does not list are
 * those its servers send in practice: {@code Invalid request: invalid stream} and, by analogy with the documented
 * missing {@code method}, {@code Invalid request: missing field `params`}.
 *
 * <p>Stateless apart from the session it is given; called on Java-WebSocket worker threads.
 */
final class ControlRequests {
    static final String METHODS =
            "`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`";
    private static final Object OTHER = new Object(); // a params element that is neither string nor boolean
    private static final JsonFactory JSON = new JsonFactory();

    private ControlRequests() {
    }

    /** Handles one request text of {@code session}; returns the JSON text to send back. */
    static String handle(String text, Session session) {
        Request r;
        try {
            r = parse(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            int line = loc == null ? 1 : Math.max(1, loc.getLineNr());
            int column = loc == null ? 1 : Math.max(1, loc.getColumnNr() - 1);
            return error(3, "Invalid JSON: expected value at line " + line + " column " + column, null);
        } catch (IOException e) {
            return error(3, "Invalid JSON: expected value at line 1 column 1", null);
        }
        if (!r.idValid) {
            return error(2, "Invalid request: request ID must be an unsigned integer", null);
        }
        if (r.method == null) {
            return error(2, "Invalid request: missing field `method` at line " + r.endLine + " column " + r.endColumn,
                    r.id);
        }
        switch (r.method) {
            case "SUBSCRIBE":
            case "UNSUBSCRIBE": {
                if (!r.paramsPresent) {
                    return error(2, "Invalid request: missing field `params`", r.id);
                }
                List<String> names = new ArrayList<>();
                if (!r.paramsArray) {
                    return error(2, "Invalid request: invalid stream", r.id);
                }
                for (Object p : r.params) {
                    String n = p instanceof String s ? StreamNames.normalize(s) : null;
                    if (n == null) {
                        return error(2, "Invalid request: invalid stream", r.id);
                    }
                    names.add(n);
                }
                if (r.method.equals("SUBSCRIBE")) {
                    session.subscribe(names);
                } else {
                    session.unsubscribe(names);
                }
                return result("null", r.id);
            }
            case "LIST_SUBSCRIPTIONS": {
                if (r.paramsPresent && (!r.paramsArray || !r.params.isEmpty())) {
                    return error(2, "Invalid request: too many parameters", r.id);
                }
                StringBuilder list = new StringBuilder("[");
                for (String s : session.subscriptions()) {
                    if (list.length() > 1) {
                        list.append(',');
                    }
                    list.append(quote(s));
                }
                return result(list.append(']').toString(), r.id);
            }
            case "SET_PROPERTY": {
                if (!r.paramsArray || r.params.isEmpty() || !(r.params.get(0) instanceof String)) {
                    return error(2, "Invalid request: property name must be a string", r.id);
                }
                if (r.params.size() > 2) {
                    return error(2, "Invalid request: too many parameters", r.id);
                }
                if (!"combined".equals(r.params.get(0))) {
                    return error(0, "Unknown property", r.id);
                }
                if (r.params.size() < 2 || !(r.params.get(1) instanceof Boolean value)) {
                    return error(1, "Invalid value type: expected Boolean", r.id);
                }
                session.combined = value;
                return result("null", r.id);
            }
            case "GET_PROPERTY": {
                if (!r.paramsArray || r.params.isEmpty() || !(r.params.get(0) instanceof String)) {
                    return error(2, "Invalid request: property name must be a string", r.id);
                }
                if (r.params.size() > 1) {
                    return error(2, "Invalid request: too many parameters", r.id);
                }
                if (!"combined".equals(r.params.get(0))) {
                    return error(0, "Unknown property", r.id);
                }
                return result(Boolean.toString(session.combined), r.id);
            }
            default:
                return error(2, "Invalid request: unknown variant `" + r.method + "`, expected one of " + METHODS
                        + " at line " + r.methodLine + " column " + r.methodColumn, r.id);
        }
    }

    /** A parsed request; {@code id} is the JSON text to echo (a number, a quoted string or {@code null}). */
    private static final class Request {
        String method;
        int methodLine = 1;
        int methodColumn = 1;
        boolean paramsPresent;
        boolean paramsArray;
        final List<Object> params = new ArrayList<>();
        boolean idValid;
        String id = "null";
        int endLine = 1;
        int endColumn = 1;
    }

    private static Request parse(String text) throws IOException {
        Request r = new Request();
        boolean idPresent = false;
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                if (first != null) {
                    p.skipChildren();
                }
                throw new JsonProcessingException("expected an object", p.currentLocation()) {
                    private static final long serialVersionUID = 1L;
                };
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "method" -> {
                        r.method = v == JsonToken.VALUE_STRING ? p.getText() : v.isScalarValue() ? p.getText() : "";
                        p.skipChildren();
                        r.methodLine = p.currentLocation().getLineNr();
                        r.methodColumn = Math.max(1, p.currentLocation().getColumnNr() - 1);
                    }
                    case "params" -> {
                        r.paramsPresent = true;
                        r.params.clear();
                        r.paramsArray = v == JsonToken.START_ARRAY;
                        if (r.paramsArray) {
                            JsonToken e;
                            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                                if (e == JsonToken.VALUE_STRING) {
                                    r.params.add(p.getText());
                                } else if (e == JsonToken.VALUE_TRUE || e == JsonToken.VALUE_FALSE) {
                                    r.params.add(e == JsonToken.VALUE_TRUE);
                                } else {
                                    r.params.add(OTHER);
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "id" -> {
                        idPresent = true;
                        r.idValid = true;
                        if (v == JsonToken.VALUE_NULL) {
                            r.id = "null";
                        } else if (v == JsonToken.VALUE_NUMBER_INT
                                && (p.getNumberType() == JsonParser.NumberType.INT
                                || p.getNumberType() == JsonParser.NumberType.LONG)) {
                            r.id = Long.toString(p.getLongValue());
                        } else if (v == JsonToken.VALUE_STRING && isAlphanumeric(p.getText(), 36)) {
                            r.id = quote(p.getText());
                        } else {
                            r.idValid = false;
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new JsonProcessingException("expected end of object", p.currentLocation()) {
                    private static final long serialVersionUID = 1L;
                };
            }
            r.endLine = p.currentLocation().getLineNr();
            r.endColumn = Math.max(1, p.currentLocation().getColumnNr() - 1);
            if (p.nextToken() != null) {
                throw new JsonProcessingException("trailing characters", p.currentTokenLocation()) {
                    private static final long serialVersionUID = 1L;
                };
            }
        }
        if (!idPresent) {
            r.idValid = false;
        }
        if (!r.idValid) {
            r.id = "null";
        }
        return r;
    }

    private static boolean isAlphanumeric(String s, int maxLength) {
        if (s.isEmpty() || s.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    static String result(String resultJson, String idJson) {
        return "{\"result\":" + resultJson + ",\"id\":" + idJson + "}";
    }

    static String error(int code, String msg, String idJson) {
        return "{\"error\":{\"code\":" + code + ",\"msg\":" + quote(msg) + "},\"id\":" + (idJson == null ? "null" : idJson)
                + "}";
    }

    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
