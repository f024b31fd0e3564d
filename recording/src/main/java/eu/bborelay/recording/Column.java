package eu.bborelay.recording;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One column of a recorded table.
 *
 * @param name     the column name as readers see it ({@code [a-z][a-z0-9_]*}, the original's snake case)
 * @param type     the value type
 * @param nullable whether a row may leave the column unset (written as a Parquet {@code optional} field; a
 *                 non-nullable column is {@code required} and a row without it is rejected as bad input)
 * @param finite   for {@link ColumnType#FLOAT64} and the two list types: a NaN or an infinity makes the row bad
 *                 input (a price of NaN is a valid Parquet double but useless to a backtest)
 */
public record Column(String name, ColumnType type, boolean nullable, boolean finite) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /** Validates the name and the flags; throws {@link IllegalArgumentException} when invalid. */
    public Column {
        Objects.requireNonNull(type, "type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("column name must match " + NAME + ": " + name);
        }
        if (finite && type != ColumnType.FLOAT64 && type != ColumnType.FLOAT64_LIST
                && type != ColumnType.PRICE_SIZE_LIST) {
            throw new IllegalArgumentException("finite applies to float64 columns only: " + name);
        }
    }
}
