package eu.bborelay.depth.bigtable;

import eu.bborelay.depth.BigtableDepthRow;
import eu.bborelay.ops.settings.Setting;

/**
 * The Bigtable sink's settings (environment variable = the constant's name), read by the daemons' one parser
 * ({@link eu.bborelay.ops.settings.Settings}) in {@link BigtableDepthConfig#parse}. {@code BIGTABLE_PROJECT_ID} and
 * {@code BIGTABLE_INSTANCE_ID} are the original collector's names ({@code 002}); {@code BIGTABLE_EMULATOR_HOST} is the
 * name Google's clients and {@code cbt} use for the emulator. Credentials are not settings: the Google client's
 * Application Default Credentials chain reads {@code GOOGLE_APPLICATION_CREDENTIALS} (a service-account key file) or
 * the instance's service account on GCE/GKE. Listed in docs/BIGTABLE.md and .env.example (checked by a test).
 */
public enum BigtableSetting implements Setting {
    BIGTABLE_PROJECT_ID("", "Google Cloud project of the Bigtable instance; with BIGTABLE_INSTANCE_ID turns the"
            + " Bigtable sink on (both or neither; empty = off)"),
    BIGTABLE_INSTANCE_ID("", "Bigtable instance id; with BIGTABLE_PROJECT_ID turns the Bigtable sink on"),
    BIGTABLE_TABLE(BigtableDepthRow.TABLE, "table the depth buckets are written to (column family "
            + BigtableDepthRow.FAMILY + ")"),
    BIGTABLE_APP_PROFILE_ID("", "app profile for the writes (empty = the instance's default profile)"),
    BIGTABLE_EMULATOR_HOST("", "host:port of a Bigtable emulator (plaintext, no credentials); empty = Cloud"
            + " Bigtable with Application Default Credentials"),
    BIGTABLE_CREATE_TABLE("false", "true creates the table and its family " + BigtableDepthRow.FAMILY
            + " when missing (needs the Bigtable Administrator role; meant for the emulator and first installs)"),
    BIGTABLE_QUEUE_ROWS("20000", "rows waiting for Bigtable at most, 1..1000000 (about 1 KiB each); when full the"
            + " oldest is dropped and counted"),
    BIGTABLE_RETRY_SECONDS("30", "longest wait between retries of a failed write, 1..3600 (the wait starts at 1 s"
            + " and doubles)");

    private final String defaultValue;
    private final String help;

    BigtableSetting(String defaultValue, String help) {
        this.defaultValue = defaultValue;
        this.help = help;
    }

    @Override
    public String defaultValue() {
        return defaultValue;
    }

    @Override
    public String help() {
        return help;
    }
}
