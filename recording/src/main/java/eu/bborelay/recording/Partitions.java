package eu.bborelay.recording;

import java.nio.file.Path;
import java.time.LocalDate;

/** The Hive-style partition folders: {@code <table>/<key>=<value>/date=YYYY-MM-DD/hour=HH}, from UTC hours. */
final class Partitions {
    static final long NANOS_PER_HOUR = 3_600_000_000_000L;

    private Partitions() {
    }

    /** Hours since the epoch (UTC) of an epoch-nanosecond time. */
    static long hourIndex(long epochNanos) {
        return Math.floorDiv(epochNanos, NANOS_PER_HOUR);
    }

    /** The folder of one partition-hour, relative to the data folder. */
    static String relativeFolder(TableSchema table, String partitionValue, long hourIndex) {
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(hourIndex, 24));
        int hour = Math.floorMod(hourIndex, 24);
        return table.path() + "/" + table.partitionKey() + "=" + partitionValue + "/date=" + date
                + "/hour=" + (hour < 10 ? "0" : "") + hour;
    }

    static Path folder(Path dataDir, TableSchema table, String partitionValue, long hourIndex) {
        return dataDir.resolve(relativeFolder(table, partitionValue, hourIndex));
    }
}
