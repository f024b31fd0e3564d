package eu.bborelay.recording.testing;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** DuckDB (in-process, in-memory) as the independent reader of what the recorder wrote. */
public final class Duck implements AutoCloseable {
    private final Connection connection;

    public Duck() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
    }

    /** {@code read_parquet('<dir>/**}{@code /*.parquet', hive_partitioning=true)} as a SQL table expression. */
    public static String hive(Path dir) {
        return "read_parquet('" + dir.toAbsolutePath() + "/**/*.parquet', hive_partitioning=true)";
    }

    /** Runs a query and returns its rows, each as a list of column values (JDBC objects). */
    public List<List<Object>> rows(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    public long count(String sql) throws SQLException {
        return ((Number) rows(sql).get(0).get(0)).longValue();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
