package eu.bborelay.recording;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A reusable, mutable row of one table, filled by the caller and handed to {@link Recorder#append(Row)}, which copies
 * it (into the journal and the Parquet writer) before returning: the same instance can be cleared and refilled for
 * the next update, so the per-update path allocates nothing for numbers and ASCII strings.
 *
 * <p>Columns are addressed by their index in {@link TableSchema#columns()} (look it up once with
 * {@link TableSchema#index(String)}). Every column starts unset; an unset nullable column is written as null, an unset
 * non-nullable column makes the row bad input ({@link RejectReason#MISSING_VALUE}). Setting the wrong type throws
 * {@link IllegalArgumentException} (a programming error, not bad input). List setters keep a reference to the
 * caller's arrays until the row is appended or cleared.
 *
 * <p>Not thread-safe: one row per producing thread.
 *
 * <p>The journal and the Parquet write support share one binary form of a row (little-endian): a null bitmap of
 * {@code ceil(body columns / 8)} bytes (bit {@code b} set = body column {@code b} is null), then the value of each non-null body column in file order: int64/float64 as 8
 * bytes, boolean as 1 byte, string as int32 length + UTF-8, {@code list<float64>} as int32 count + 8 bytes each,
 * {@code list<struct<price,size>>} as int32 count + 16 bytes (price, size) each. The partition value is not in it: it
 * is the file's folder.
 */
public final class Row {
    private final TableSchema schema;
    private final ColumnType[] types;
    private final boolean[] nullable;
    private final boolean[] finite;
    private final boolean[] set;
    private final long[] bits;
    private final Object[] refs;
    private final double[][] sizes;
    private final int[] counts;
    private final int[] bodyToColumn;

    /** A row of {@code schema} with every column unset. */
    public Row(TableSchema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
        int n = schema.columns().size();
        types = new ColumnType[n];
        nullable = new boolean[n];
        finite = new boolean[n];
        for (int i = 0; i < n; i++) {
            Column c = schema.columns().get(i);
            types[i] = c.type();
            nullable[i] = c.nullable();
            finite[i] = c.finite();
        }
        set = new boolean[n];
        bits = new long[n];
        refs = new Object[n];
        sizes = new double[n][];
        counts = new int[n];
        bodyToColumn = new int[schema.bodyColumns().size()];
        for (int b = 0; b < bodyToColumn.length; b++) {
            bodyToColumn[b] = schema.index(schema.bodyColumns().get(b).name());
        }
    }

    /** The table this row belongs to. */
    public TableSchema schema() {
        return schema;
    }

    /** Unsets every column (and drops references to the caller's strings and arrays). Returns this row. */
    public Row clear() {
        Arrays.fill(set, false);
        Arrays.fill(refs, null);
        Arrays.fill(sizes, null);
        return this;
    }

    /** Sets an int64 column. */
    public Row setLong(int column, long value) {
        check(column, ColumnType.INT64);
        bits[column] = value;
        set[column] = true;
        return this;
    }

    /** Sets a float64 column. */
    public Row setDouble(int column, double value) {
        check(column, ColumnType.FLOAT64);
        bits[column] = Double.doubleToRawLongBits(value);
        set[column] = true;
        return this;
    }

    /** Sets a boolean column. */
    public Row setBoolean(int column, boolean value) {
        check(column, ColumnType.BOOLEAN);
        bits[column] = value ? 1 : 0;
        set[column] = true;
        return this;
    }

    /** Sets a string column; {@code null} unsets it. */
    public Row setString(int column, String value) {
        check(column, ColumnType.STRING);
        refs[column] = value;
        set[column] = value != null;
        return this;
    }

    /** Sets a {@code list<float64>} column to the first {@code count} values of {@code values} (kept by reference). */
    public Row setDoubles(int column, double[] values, int count) {
        check(column, ColumnType.FLOAT64_LIST);
        if (count < 0 || count > values.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + values.length);
        }
        refs[column] = values;
        counts[column] = count;
        set[column] = true;
        return this;
    }

    /**
     * Sets a {@code list<struct<price,size>>} column to levels {@code 0..count-1} of {@code prices}/{@code sizes}
     * (kept by reference).
     */
    public Row setLevels(int column, double[] prices, double[] levelSizes, int count) {
        check(column, ColumnType.PRICE_SIZE_LIST);
        if (count < 0 || count > prices.length || count > levelSizes.length) {
            throw new IllegalArgumentException("count " + count + " outside the arrays");
        }
        refs[column] = prices;
        sizes[column] = levelSizes;
        counts[column] = count;
        set[column] = true;
        return this;
    }

    /** Unsets a column (null when written, if nullable). */
    public Row setNull(int column) {
        set[column] = false;
        refs[column] = null;
        sizes[column] = null;
        return this;
    }

    /** The partition column's value, or null when unset. */
    String partitionValue() {
        return (String) refs[schema.partitionIndex()];
    }

    /** The {@code recv_ts} value (ns since the epoch, UTC); 0 when unset. */
    long recvTsNanos() {
        return bits[schema.recvTsIndex()];
    }

    private void check(int column, ColumnType expected) {
        if (types[column] != expected) {
            throw new IllegalArgumentException("column " + schema.columns().get(column).name() + " of "
                    + schema.path() + " is " + types[column] + ", not " + expected);
        }
    }

    /** Returns the first reason the row is bad input, or null when it can be written. */
    RejectReason validate() {
        for (int i = 0; i < types.length; i++) {
            if (!set[i]) {
                if (!nullable[i]) {
                    return RejectReason.MISSING_VALUE;
                }
                continue;
            }
            if (finite[i]) {
                switch (types[i]) {
                    case FLOAT64 -> {
                        if (!Double.isFinite(Double.longBitsToDouble(bits[i]))) {
                            return RejectReason.NOT_FINITE;
                        }
                    }
                    case FLOAT64_LIST -> {
                        if (!allFinite((double[]) refs[i], counts[i])) {
                            return RejectReason.NOT_FINITE;
                        }
                    }
                    case PRICE_SIZE_LIST -> {
                        if (!allFinite((double[]) refs[i], counts[i]) || !allFinite(sizes[i], counts[i])) {
                            return RejectReason.NOT_FINITE;
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return validPartitionValue(partitionValue()) ? null : RejectReason.BAD_PARTITION_VALUE;
    }

    private static boolean allFinite(double[] values, int count) {
        for (int k = 0; k < count; k++) {
            if (!Double.isFinite(values[k])) {
                return false;
            }
        }
        return true;
    }

    static boolean validPartitionValue(String v) {
        if (v == null || v.isEmpty() || v.length() > 200 || v.equals(".") || v.equals("..")) {
            return false;
        }
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Encodes the body of a {@link #validate() valid} row at {@code out}'s position (which must be little-endian).
     * Returns false, with the position unspecified, when it does not fit in {@code out}'s remaining space.
     */
    boolean encode(ByteBuffer out) {
        assert out.order() == ByteOrder.LITTLE_ENDIAN;
        int bitmapBytes = (bodyToColumn.length + 7) >>> 3;
        if (out.remaining() < bitmapBytes) {
            return false;
        }
        int bitmapAt = out.position();
        for (int k = 0; k < bitmapBytes; k++) {
            out.put((byte) 0);
        }
        for (int b = 0; b < bodyToColumn.length; b++) {
            int i = bodyToColumn[b];
            if (!set[i]) {
                out.put(bitmapAt + (b >>> 3), (byte) (out.get(bitmapAt + (b >>> 3)) | (1 << (b & 7))));
                continue;
            }
            switch (types[i]) {
                case INT64, FLOAT64 -> {
                    if (out.remaining() < 8) {
                        return false;
                    }
                    out.putLong(bits[i]);
                }
                case BOOLEAN -> {
                    if (out.remaining() < 1) {
                        return false;
                    }
                    out.put((byte) bits[i]);
                }
                case STRING -> {
                    if (!putString(out, (String) refs[i])) {
                        return false;
                    }
                }
                case FLOAT64_LIST -> {
                    double[] v = (double[]) refs[i];
                    int n = counts[i];
                    if (out.remaining() < 4 + 8L * n) {
                        return false;
                    }
                    out.putInt(n);
                    for (int k = 0; k < n; k++) {
                        out.putDouble(v[k]);
                    }
                }
                case PRICE_SIZE_LIST -> {
                    double[] p = (double[]) refs[i];
                    double[] s = sizes[i];
                    int n = counts[i];
                    if (out.remaining() < 4 + 16L * n) {
                        return false;
                    }
                    out.putInt(n);
                    for (int k = 0; k < n; k++) {
                        out.putDouble(p[k]);
                        out.putDouble(s[k]);
                    }
                }
                default -> throw new IllegalStateException(types[i].toString());
            }
        }
        return true;
    }

    /**
     * Reads int64 column {@code column} (an index in {@link TableSchema#columns()}) of a row of {@code schema} in its
     * binary form, starting at {@code body}'s position, which is left unchanged. Returns {@code nullValue} when the
     * column is null in this row. For journal recovery ({@link RecoveredRowListener}), not for a per-update path.
     *
     * @throws IllegalArgumentException if the column is not an int64 body column of {@code schema}
     */
    public static long readLong(TableSchema schema, ByteBuffer body, int column, long nullValue) {
        Column wanted = schema.columns().get(column);
        List<Column> columns = schema.bodyColumns();
        int target = columns.indexOf(wanted);
        if (target < 0 || wanted.type() != ColumnType.INT64) {
            throw new IllegalArgumentException(wanted.name() + " is not an int64 body column of " + schema.path());
        }
        ByteBuffer b = body.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int bitmapAt = b.position();
        b.position(bitmapAt + ((columns.size() + 7) >>> 3));
        for (int k = 0; k <= target; k++) {
            if ((b.get(bitmapAt + (k >>> 3)) & (1 << (k & 7))) != 0) {
                if (k == target) {
                    return nullValue;
                }
                continue;
            }
            switch (columns.get(k).type()) {
                case INT64, FLOAT64 -> {
                    if (k == target) {
                        return b.getLong();
                    }
                    b.position(b.position() + 8);
                }
                case BOOLEAN -> b.position(b.position() + 1);
                case STRING -> b.position(b.position() + 4 + b.getInt(b.position()));
                case FLOAT64_LIST -> b.position(b.position() + 4 + 8 * b.getInt(b.position()));
                case PRICE_SIZE_LIST -> b.position(b.position() + 4 + 16 * b.getInt(b.position()));
                default -> throw new IllegalStateException(columns.get(k).type().toString());
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** int32 length + UTF-8; ASCII without allocation, anything else through {@link String#getBytes}. */
    private static boolean putString(ByteBuffer out, String s) {
        int n = s.length();
        if (out.remaining() < 4 + n) {
            return false;
        }
        int lengthAt = out.position();
        out.putInt(0);
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c >= 0x80) {
                out.position(lengthAt + 4);
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                if (out.remaining() < utf8.length) {
                    return false;
                }
                out.put(utf8);
                out.putInt(lengthAt, utf8.length);
                return true;
            }
            out.put((byte) c);
        }
        out.putInt(lengthAt, n);
        return true;
    }
}
