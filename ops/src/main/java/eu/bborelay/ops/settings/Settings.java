package eu.bborelay.ops.settings;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one settings parser of every daemon: reads a {@link Setting}'s value from a flag, else the environment, else
 * its default, and converts it with one set of rules:
 * <ul>
 *   <li>a blank value (empty or only spaces), in a flag or the environment, counts as unset: the default applies;
 *   <li>values are trimmed;
 *   <li>booleans are {@code true} or {@code false}, any case; anything else is an error;
 *   <li>numbers are decimal whole numbers within the range the caller gives;
 *   <li>every error is a {@link SettingException} naming the variable: {@code NAME must be ..., got '...'}.
 * </ul>
 * Daemons call it once, on their main thread, at start; an instance is not thread-safe and is dropped after start.
 */
public final class Settings {
    /** Width of {@link #table(List)} in columns. */
    public static final int TABLE_WIDTH = 120;

    private final Map<String, String> env;
    private final Map<String, String> flags;

    private Settings(Map<String, String> env, Map<String, String> flags) {
        this.env = Objects.requireNonNull(env, "env");
        this.flags = Objects.requireNonNull(flags, "flags");
    }

    /**
     * @param env environment variables, e.g. {@code System.getenv()}; other keys are ignored
     * @param flags values given as flags, by variable name; they win over {@code env} unless blank
     */
    public static Settings of(Map<String, String> env, Map<String, String> flags) {
        return new Settings(env, flags);
    }

    /** Settings from the environment only. */
    public static Settings of(Map<String, String> env) {
        return new Settings(env, Map.of());
    }

    /** The variables given, flags merged over the environment (blank flags ignored), e.g. to pass on. */
    public Map<String, String> merged() {
        Map<String, String> out = new HashMap<>(env);
        flags.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Whether the setting was given a non-blank value as a flag or in the environment. */
    public boolean isSet(Setting s) {
        return given(s) != null;
    }

    /** The trimmed value: flag, else environment, else the default; blank counts as unset. */
    public String text(Setting s) {
        String v = given(s);
        return v == null ? s.defaultValue() : v;
    }

    private String given(Setting s) {
        String v = s.hasFlag() ? flags.get(s.name()) : null;
        if (v == null || v.isBlank()) {
            v = env.get(s.name());
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * A whole number in {@code [min, max]}.
     *
     * @param what what the number is, for the error: {@code "a TCP port number"}, {@code "a number of seconds"}
     * @throws SettingException {@code NAME must be <what> from <min> to <max>, got '<value>'}
     */
    public int integer(Setting s, int min, int max, String what) {
        return (int) longInteger(s, min, max, what);
    }

    /** As {@link #integer} for a {@code long}. */
    public long longInteger(Setting s, long min, long max, String what) {
        String v = text(s);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SettingException.mustBe(s, v, what + " from " + min + " to " + max);
    }

    /**
     * {@code true} or {@code false}, any case.
     *
     * @throws SettingException {@code NAME must be true or false, got '<value>'}
     */
    public boolean bool(Setting s) {
        String v = text(s);
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw SettingException.mustBe(s, v, "true or false");
        };
    }

    /**
     * One of {@code allowed}, exactly (case matters).
     *
     * @throws SettingException {@code NAME must be a or b, got '<value>'} (three or more: {@code one of a, b, c})
     */
    public String oneOf(Setting s, String... allowed) {
        String v = text(s);
        for (String a : allowed) {
            if (a.equals(v)) {
                return a;
            }
        }
        String list = allowed.length == 2 ? allowed[0] + " or " + allowed[1] : "one of " + String.join(", ", allowed);
        throw SettingException.mustBe(s, v, list);
    }

    /**
     * A path to an existing regular file this user can read.
     *
     * @param hint what to do about a missing file, e.g. {@code "make the certificates with scripts/generate-certs.sh"}
     * @throws SettingException {@code NAME=<path> is not a readable file (<help>; <hint>)}
     */
    public Path readableFile(Setting s, String hint) {
        String v = text(s);
        Path p;
        try {
            p = Path.of(v);
        } catch (InvalidPathException e) {
            throw SettingException.mustBe(s, v, "a file path (" + e.getMessage() + ")");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new SettingException(s.name() + "=" + v + " is not a readable file (" + s.help() + "; " + hint
                    + ")");
        }
        return p;
    }

    /**
     * The table {@code --help} prints: variable, default and help, the help wrapped at {@link #TABLE_WIDTH} columns.
     */
    public static String table(List<? extends Setting> settings) {
        int nameWidth = "VARIABLE".length();
        int defaultWidth = "DEFAULT".length();
        for (Setting v : settings) {
            nameWidth = Math.max(nameWidth, v.name().length());
            defaultWidth = Math.max(defaultWidth, v.defaultValue().length());
        }
        int helpColumn = nameWidth + 2 + defaultWidth + 2;
        int helpWidth = Math.max(30, TABLE_WIDTH - helpColumn);
        String format = "%-" + nameWidth + "s  %-" + defaultWidth + "s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, format, "VARIABLE", "DEFAULT", "MEANING"));
        for (Setting v : settings) {
            List<String> lines = wrap(v.help(), helpWidth);
            sb.append(String.format(Locale.ROOT, format, v.name(), v.defaultValue(), lines.get(0)));
            for (String line : lines.subList(1, lines.size())) {
                sb.append(" ".repeat(helpColumn)).append(line).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
