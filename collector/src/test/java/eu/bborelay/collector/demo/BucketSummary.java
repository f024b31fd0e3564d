package eu.bborelay.collector.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What landed in a bucket folder (the collection demo's s3proxy keeps objects as plain files): per table and
 * partition the files, rows and bytes, and per table the rows and the distinct exchange ids (bbo: the bookTicker
 * update id; trades: the trade id; agg trades: the aggregate trade id, each per symbol), read with DuckDB, an
 * independent Parquet reader. A test-scope main class for {@code scripts/collect-demo.sh}.
 *
 * <p>{@code java ... BucketSummary <bucket folder>} prints a table for people, then one machine-readable line per
 * table, {@code BUCKET_TABLE <name> rows=<n> distinct_ids=<n> files=<n> bytes=<n>}, where name is the table's folder
 * ({@code bbo}, {@code trades}, {@code agg_trades}, ...). Exit code 2 on bad arguments, 1 if a file cannot be read.
 */
public final class BucketSummary {
    /** The exchange id column per table folder; a table not named here is summarised without an id check. */
    private static final Map<String, String> ID_COLUMN = Map.of("bbo", "update_id", "trades", "trade_id",
            "agg_trades", "agg_id");

    private BucketSummary() {
    }

    /** One table: its folder (relative to the bucket) and its files per partition (path below the table). */
    record Table(String folder, Map<String, List<Path>> partitions) {
        String name() {
            return folder.substring(folder.lastIndexOf('/') + 1);
        }
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: BucketSummary <bucket folder>");
            System.exit(2);
        }
        Path bucket = Path.of(args[0]).toAbsolutePath();
        if (!Files.isDirectory(bucket)) {
            System.err.println("not a folder: " + bucket);
            System.exit(2);
        }
        try {
            summarise(bucket, System.out);
        } catch (IOException | SQLException e) {
            System.err.println("cannot read the bucket folder " + bucket + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /** Prints the summary of {@code bucket} to {@code out}; returns the tables found. */
    static List<Table> summarise(Path bucket, PrintStream out) throws IOException, SQLException {
        List<Table> tables = tables(bucket);
        out.printf("%-28s %-40s %5s %9s %11s %7s%n", "table", "partition", "files", "rows", "bytes", "B/row");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            for (Table t : tables) {
                long files = 0;
                long rows = 0;
                long bytes = 0;
                for (Map.Entry<String, List<Path>> p : t.partitions().entrySet()) {
                    long partRows = 0;
                    long partBytes = 0;
                    for (Path f : p.getValue()) {
                        partRows += count(duck, "SELECT count(*) FROM read_parquet('" + sql(f) + "')");
                        partBytes += Files.size(f);
                    }
                    out.printf("%-28s %-40s %5d %9d %11d %7.2f%n", t.folder(), p.getKey(), p.getValue().size(),
                            partRows, partBytes, partRows == 0 ? 0.0 : (double) partBytes / partRows);
                    files += p.getValue().size();
                    rows += partRows;
                    bytes += partBytes;
                }
                String id = ID_COLUMN.get(t.name());
                long distinct = -1;
                if (id != null) {
                    distinct = count(duck, "SELECT count(DISTINCT (symbol, " + id + ")) FROM read_parquet('"
                            + sql(bucket.resolve(t.folder())) + "/**/*.parquet', hive_partitioning = true)");
                }
                out.printf("%-28s %-40s %5d %9d %11d %7.2f%s%n", t.folder(), "(all)", files, rows, bytes,
                        rows == 0 ? 0.0 : (double) bytes / rows,
                        id == null ? "" : "   " + distinct + " distinct (symbol, " + id + ")");
                out.println("BUCKET_TABLE " + t.name() + " rows=" + rows + " distinct_ids=" + distinct + " files="
                        + files + " bytes=" + bytes);
            }
        }
        return tables;
    }

    /**
     * The tables under {@code bucket}: a table is the folder above the first Hive-style {@code key=value} folder of a
     * {@code .parquet} file's path.
     */
    static List<Table> tables(Path bucket) throws IOException {
        Map<String, Map<String, List<Path>>> byTable = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(bucket)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".parquet") && Files.isRegularFile(p))
                    .sorted().toList();
        }
        for (Path f : files) {
            Path rel = bucket.relativize(f);
            int first = 0;
            while (first < rel.getNameCount() - 1 && !rel.getName(first).toString().contains("=")) {
                first++;
            }
            String table = first == 0 ? "." : rel.subpath(0, first).toString().replace('\\', '/');
            String partition = first >= rel.getNameCount() - 1 ? "(none)"
                    : rel.subpath(first, rel.getNameCount() - 1).toString().replace('\\', '/');
            byTable.computeIfAbsent(table, k -> new TreeMap<>()).computeIfAbsent(partition, k -> new ArrayList<>())
                    .add(f);
        }
        List<Table> out = new ArrayList<>();
        byTable.forEach((folder, partitions) -> out.add(new Table(folder, partitions)));
        return out;
    }

    private static long count(Connection duck, String query) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String sql(Path p) {
        return p.toAbsolutePath().toString().replace("'", "''");
    }
}
