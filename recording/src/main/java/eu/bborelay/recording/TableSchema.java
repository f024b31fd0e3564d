package eu.bborelay.recording;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;

/**
 * A recorded table, described by data: where it lives, which column partitions it, and its columns.
 *
 * <p>Files are laid out Hive-style as {@code <path>/<partitionKey>=<value>/date=YYYY-MM-DD/hour=HH/data_NNN.parquet},
 * the date and hour taken from the row's {@code recv_ts} (ns since the epoch, UTC), the value from the partition
 * column. Every table therefore has a non-null {@code int64} column {@code recv_ts}; the partition column is a
 * non-null string. The partition key (the folder's name) is the partition column's name unless
 * {@link Builder#partitionKey(String) set}. When they are the same (Binance: {@code symbol=}), the partition column
 * (like {@code date} and {@code hour}) is not stored in the file body, as DuckDB's own {@code PARTITION_BY} does:
 * readers get it from the folder names ({@code hive_partitioning=true}, Spark/Athena partition columns). When they
 * differ (Polymarket: folder {@code token=}, column {@code token_id}), the column is stored in the body too, so the
 * file keeps its full schema and readers get it as a string whatever type they infer for the folder value (a
 * 78-digit token id is not a number any reader should parse).
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String, String)}:
 * <pre>{@code
 * TableSchema bbo = TableSchema.builder("binance/bbo", "symbol")
 *         .int64("recv_ts").nullableInt64("exch_ts").finiteFloat64("bid") ... .build();
 * }</pre>
 */
public final class TableSchema {
    /** The receive-time column every table has: int64, ns since the Unix epoch, UTC; it selects date and hour. */
    public static final String RECV_TS = "recv_ts";
    private static final Pattern PATH = Pattern.compile("[a-z0-9_]+(/[a-z0-9_]+)*");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");

    private final String path;
    private final String partitionColumn;
    private final String partitionKey;
    private final List<Column> columns;
    private final List<Column> bodyColumns;
    private final Map<String, Integer> indexByName;
    private final int partitionIndex;
    private final int recvTsIndex;
    private final MessageType parquetSchema;

    private TableSchema(String path, String partitionColumn, String partitionKey, List<Column> columns) {
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("table path must be lower-case segments separated by '/': " + path);
        }
        if (!KEY.matcher(partitionKey).matches() || partitionKey.equals("date") || partitionKey.equals("hour")) {
            throw new IllegalArgumentException("partition key must match " + KEY + " and not be date or hour: "
                    + partitionKey);
        }
        this.path = path;
        this.partitionColumn = partitionColumn;
        this.partitionKey = partitionKey;
        this.columns = List.copyOf(columns);
        Map<String, Integer> index = new HashMap<>();
        List<Column> body = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (index.put(c.name(), i) != null) {
                throw new IllegalArgumentException("duplicate column " + c.name() + " in " + path);
            }
            if (!c.name().equals(partitionColumn) || !partitionKey.equals(partitionColumn)) {
                body.add(c);
            }
        }
        if (index.containsKey("date") || index.containsKey("hour")) {
            throw new IllegalArgumentException("date and hour are partition folders, not columns: " + path);
        }
        if (!partitionKey.equals(partitionColumn) && index.containsKey(partitionKey)) {
            throw new IllegalArgumentException("partition key " + partitionKey + " names another column of " + path);
        }
        Integer p = index.get(partitionColumn);
        if (p == null || columns.get(p).type() != ColumnType.STRING || columns.get(p).nullable()) {
            throw new IllegalArgumentException("partition column " + partitionColumn
                    + " must be a non-null string column of " + path);
        }
        Integer r = index.get(RECV_TS);
        if (r == null || columns.get(r).type() != ColumnType.INT64 || columns.get(r).nullable()) {
            throw new IllegalArgumentException("table " + path + " needs a non-null int64 column " + RECV_TS);
        }
        this.partitionIndex = p;
        this.recvTsIndex = r;
        this.indexByName = Map.copyOf(index);
        this.bodyColumns = List.copyOf(body);
        this.parquetSchema = toParquet(path, bodyColumns);
    }

    /** Starts a table stored under {@code path} (e.g. {@code binance/bbo}), partitioned by {@code partitionColumn}. */
    public static Builder builder(String path, String partitionColumn) {
        return new Builder(path, partitionColumn);
    }

    /** The table's folder relative to the data directory and to the S3 prefix, e.g. {@code binance/bbo}. */
    public String path() {
        return path;
    }

    /** The partition column's name, e.g. {@code symbol} or {@code token_id}. */
    public String partitionColumn() {
        return partitionColumn;
    }

    /**
     * The partition folder's key, e.g. {@code symbol} ({@code symbol=BTCUSDT}) or {@code token}
     * ({@code token=<asset_id>}); the partition column's name unless set with {@link Builder#partitionKey(String)}.
     */
    public String partitionKey() {
        return partitionKey;
    }

    /** Every column in declaration order, the partition column included. */
    public List<Column> columns() {
        return columns;
    }

    /**
     * The columns stored in the file body, in file order: all but the partition column when the partition key is its
     * name, all of them otherwise.
     */
    public List<Column> bodyColumns() {
        return bodyColumns;
    }

    /** The index of {@code name} in {@link #columns()}; throws {@link IllegalArgumentException} for an unknown name. */
    public int index(String name) {
        Integer i = indexByName.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no column " + name + " in " + path);
        }
        return i;
    }

    int partitionIndex() {
        return partitionIndex;
    }

    int recvTsIndex() {
        return recvTsIndex;
    }

    /** The Parquet schema of the file body (message name = the table path with '/' replaced by '_'). */
    public MessageType parquetSchema() {
        return parquetSchema;
    }

    private static MessageType toParquet(String path, List<Column> body) {
        List<Type> fields = new ArrayList<>();
        for (Column c : body) {
            Repetition rep = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
            switch (c.type()) {
                case INT64 -> fields.add(new PrimitiveType(rep, PrimitiveTypeName.INT64, c.name()));
                case FLOAT64 -> fields.add(new PrimitiveType(rep, PrimitiveTypeName.DOUBLE, c.name()));
                case BOOLEAN -> fields.add(new PrimitiveType(rep, PrimitiveTypeName.BOOLEAN, c.name()));
                case STRING -> fields.add(org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.BINARY, rep)
                        .as(LogicalTypeAnnotation.stringType()).named(c.name()));
                case FLOAT64_LIST -> fields.add(list(rep, c.name(),
                        new PrimitiveType(Repetition.REQUIRED, PrimitiveTypeName.DOUBLE, "element")));
                case PRICE_SIZE_LIST -> fields.add(list(rep, c.name(), new GroupType(Repetition.REQUIRED, "element",
                        new PrimitiveType(Repetition.REQUIRED, PrimitiveTypeName.DOUBLE, "price"),
                        new PrimitiveType(Repetition.REQUIRED, PrimitiveTypeName.DOUBLE, "size"))));
                default -> throw new IllegalStateException(c.type().toString());
            }
        }
        return new MessageType(path.replace('/', '_'), fields);
    }

    /** The standard three-level LIST: {@code <rep> group <name> (LIST) { repeated group list { <element> } }}. */
    private static Type list(Repetition rep, String name, Type element) {
        return org.apache.parquet.schema.Types.buildGroup(rep).as(LogicalTypeAnnotation.listType())
                .addField(new GroupType(Repetition.REPEATED, "list", element)).named(name);
    }

    @Override
    public String toString() {
        return path + " by " + partitionColumn + (partitionKey.equals(partitionColumn) ? "" : " (" + partitionKey
                + "=)") + " " + columns;
    }

    /** Declares the columns of a {@link TableSchema}; not thread-safe. */
    public static final class Builder {
        private final String path;
        private final String partitionColumn;
        private String partitionKey;
        private final List<Column> columns = new ArrayList<>();

        private Builder(String path, String partitionColumn) {
            this.path = Objects.requireNonNull(path, "path");
            this.partitionColumn = Objects.requireNonNull(partitionColumn, "partitionColumn");
            this.partitionKey = partitionColumn;
        }

        /**
         * Names the partition folders {@code <key>=<value>} instead of {@code <partitionColumn>=<value>}; the
         * partition column is then stored in the file body too (see the class comment). {@code [a-z][a-z0-9_]*}, not
         * {@code date}, {@code hour} or another column's name (checked by {@link #build()}).
         */
        public Builder partitionKey(String key) {
            this.partitionKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Adds any column. */
        public Builder column(Column column) {
            columns.add(Objects.requireNonNull(column, "column"));
            return this;
        }

        /** A required int64. */
        public Builder int64(String name) {
            return column(new Column(name, ColumnType.INT64, false, false));
        }

        /** An optional int64. */
        public Builder nullableInt64(String name) {
            return column(new Column(name, ColumnType.INT64, true, false));
        }

        /** A required float64 that must be finite (no NaN, no infinity). */
        public Builder finiteFloat64(String name) {
            return column(new Column(name, ColumnType.FLOAT64, false, true));
        }

        /** A required float64 (NaN and infinities allowed). */
        public Builder float64(String name) {
            return column(new Column(name, ColumnType.FLOAT64, false, false));
        }

        /** An optional float64 (NaN and infinities allowed). */
        public Builder nullableFloat64(String name) {
            return column(new Column(name, ColumnType.FLOAT64, true, false));
        }

        /** A required string. */
        public Builder string(String name) {
            return column(new Column(name, ColumnType.STRING, false, false));
        }

        /** An optional string. */
        public Builder nullableString(String name) {
            return column(new Column(name, ColumnType.STRING, true, false));
        }

        /** A required boolean. */
        public Builder bool(String name) {
            return column(new Column(name, ColumnType.BOOLEAN, false, false));
        }

        /** A required {@code list<float64>} whose elements must be finite. */
        public Builder finiteFloat64List(String name) {
            return column(new Column(name, ColumnType.FLOAT64_LIST, false, true));
        }

        /** A required {@code list<struct<price, size>>} whose prices and sizes must be finite. */
        public Builder priceSizeList(String name) {
            return column(new Column(name, ColumnType.PRICE_SIZE_LIST, false, true));
        }

        /** Builds the schema; throws {@link IllegalArgumentException} when the declaration is invalid. */
        public TableSchema build() {
            return new TableSchema(path, partitionColumn, partitionKey, columns);
        }
    }
}
