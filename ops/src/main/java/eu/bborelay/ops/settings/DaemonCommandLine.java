package eu.bborelay.ops.settings;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * A daemon's command line, generated from its {@link Setting}s with picocli: one flag per setting (described by the
 * setting's help, its variable and its default), {@code --help} (the flags, then the table of environment variables
 * from {@link Settings#table(List)}, then the exit codes) and {@code --version}. Used once, on the main thread.
 */
public final class DaemonCommandLine {
    /** Exit codes shared by the daemons. */
    public static final String EXIT_CODES = "Exit codes: 0 stopped normally (SIGTERM, Ctrl-C, RUN_SECONDS),"
            + " 1 runtime failure, 2 bad setting.";

    private final CommandLine commandLine;
    private final List<? extends Setting> settings;

    /**
     * @param name the command's name, e.g. {@code relay-sender}
     * @param version the {@code --version} line
     * @param description the first lines of {@code --help}
     * @param settings every setting of the daemon, in the order {@code --help} lists them
     */
    public DaemonCommandLine(String name, String version, List<String> description, List<? extends Setting> settings) {
        this.settings = List.copyOf(settings);
        CommandSpec spec = CommandSpec.create().name(name).version(version).mixinStandardHelpOptions(true);
        String[] footer = (Settings.table(settings).replace("%", "%%") + System.lineSeparator() + EXIT_CODES)
                .split(System.lineSeparator());
        spec.usageMessage()
                .width(Settings.TABLE_WIDTH)
                .sortOptions(false)
                .description(description.stream().map(d -> d.replace("%", "%%")).toArray(String[]::new))
                .footerHeading("%nEnvironment variables (a flag above overrides its variable; blank = unset):%n")
                .footer(Arrays.copyOf(footer, footer.length));
        for (Setting s : settings) {
            if (!s.hasFlag()) {
                continue;
            }
            spec.addOption(OptionSpec.builder(s.optionName())
                    .paramLabel("<" + s.name() + ">")
                    .type(String.class)
                    .description((s.help() + " (env " + s.name() + ", default " + s.defaultValue() + ")")
                            .replace("%", "%%"))
                    .build());
        }
        this.commandLine = new CommandLine(spec);
    }

    /**
     * Parses {@code args}. Prints {@code --help} or {@code --version} to {@code out} and returns null when asked for
     * one of them.
     *
     * @return the flags given, by variable name (for {@link Settings#of(Map, Map)}), or null after help or version
     * @throws SettingException for an unknown flag or a flag without its value
     */
    public Map<String, String> parse(String[] args, PrintWriter out) {
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new SettingException(e.getMessage() + " (see --help)");
        }
        if (parsed.isUsageHelpRequested()) {
            commandLine.usage(out);
            out.flush();
            return null;
        }
        if (parsed.isVersionHelpRequested()) {
            commandLine.printVersionHelp(out);
            out.flush();
            return null;
        }
        Map<String, String> flags = new HashMap<>();
        for (Setting s : settings) {
            if (s.hasFlag()) {
                String v = parsed.matchedOptionValue(s.optionName(), null);
                if (v != null) {
                    flags.put(s.name(), v);
                }
            }
        }
        return flags;
    }

    /** The {@code --help} text. */
    public String usage() {
        return commandLine.getUsageMessage();
    }
}
