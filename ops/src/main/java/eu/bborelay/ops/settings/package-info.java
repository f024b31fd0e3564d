/**
 * The one settings parser of every daemon (sender, receiver daemon and those that follow): a daemon declares its
 * settings as an enum implementing {@link eu.bborelay.ops.settings.Setting}; {@link eu.bborelay.ops.settings.Settings}
 * reads them (flag, then environment, then default; blank = unset; booleans {@code true}/{@code false}) and
 * {@link eu.bborelay.ops.settings.DaemonCommandLine} makes the flags and the {@code --help} table. Errors are
 * {@link eu.bborelay.ops.settings.SettingException}s naming the variable; daemons exit with code 2 on one.
 * Lives in {@code relay-ops} (daemons only) so that the receiver library gains no dependency.
 */
package eu.bborelay.ops.settings;
