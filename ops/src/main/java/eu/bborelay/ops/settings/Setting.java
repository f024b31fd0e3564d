package eu.bborelay.ops.settings;

import java.util.Locale;

/**
 * One setting of a daemon: an environment variable ({@link #name()}), its default, its help line and, unless
 * {@link #hasFlag()} is false, a command-line flag ({@link #optionName()}) that overrides it. Daemons declare their
 * settings as an enum implementing this interface, so that name, default and help exist once; {@link Settings}
 * reads them, {@link DaemonCommandLine} turns them into flags and the {@code --help} table, and the README's
 * settings tables are checked against them by tests.
 *
 * <p>Implementations are immutable constants, safe to share between threads.
 */
public interface Setting {
    /** The environment variable, e.g. {@code AMS_PORT}. */
    String name();

    /** The value used when the variable is unset or blank, as it would be written in the environment. */
    String defaultValue();

    /** One sentence for {@code --help} and the README: what the value means, its unit and its range. */
    String help();

    /** False for a setting read from the environment only (e.g. {@code LOG_FORMAT}, read before flags are). */
    default boolean hasFlag() {
        return true;
    }

    /** The flag that overrides the variable: {@code --} and the name in lower case with dashes ({@code --ams-port}). */
    default String optionName() {
        return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
