package eu.bborelay.ops.settings;

/**
 * A setting with a value a daemon cannot use. The message names the variable (or, for a value set from code, the
 * builder field), says what it expects and quotes what it got, e.g.
 * {@code AMS_PORT must be a TCP port number from 1 to 65535, got 'abc'}. Daemons print it and exit with code 2.
 */
public class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message names the variable or field, what is expected and what was given */
    public SettingException(String message) {
        super(message);
    }

    /** {@code <NAME> must be <expected>, got '<value>'}. */
    public static SettingException mustBe(Setting setting, String value, String expected) {
        return new SettingException(setting.name() + " must be " + expected + ", got '" + value + "'");
    }
}
