package eu.bborelay.recording;

/**
 * The value types a recorded column may have, with the Parquet type each one is written as.
 *
 * <p>Lists use Parquet's standard three-level {@code LIST} layout ({@code <name> (LIST) { repeated group list {
 * element } }}), which DuckDB, Spark and Athena read as {@code double[]} / {@code array<double>} and
 * {@code struct(price double, size double)[]} / {@code array<struct<price:double,size:double>>}.
 */
public enum ColumnType {
    /** Parquet {@code INT64} (no logical type; the unit is in the column's documentation, e.g. {@code recv_ts} ns). */
    INT64,
    /** Parquet {@code DOUBLE}. */
    FLOAT64,
    /** Parquet {@code BINARY} annotated {@code STRING} (UTF-8). */
    STRING,
    /** Parquet {@code BOOLEAN}. */
    BOOLEAN,
    /** {@code list<float64>}: a Parquet {@code LIST} of required {@code DOUBLE} elements. */
    FLOAT64_LIST,
    /** {@code list<struct<price: float64, size: float64>>}: a book side, best level first as the source gives it. */
    PRICE_SIZE_LIST
}
