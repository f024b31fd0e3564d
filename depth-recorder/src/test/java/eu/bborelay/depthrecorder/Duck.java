package eu.bborelay.depthrecorder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

// Copied from relay-recording's tests (recording/src/test, as collector/src/test did), which publish no test-jar.
/** DuckDB (in-process, in-memory) as the independent reader of what the recorder wrote. */
final class Duck implements AutoCloseable {
    private final Connection connection;

    Duck() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
    }

    /** {@code read_parquet('<dir>/**}{@code /*.parquet', hive_partitioning=true)} as a SQL table expression. */
    static String hive(Path dir) {
        return "read_parquet('" + dir.toAbsolutePath() + "/**/*.parquet', hive_partitioning=true)";
    }

    /** Runs a query and returns its rows, each as a list of column values (JDBC objects). */
    List<List<Object>> rows(String sql) throws SQLException {
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

    long count(String sql) throws SQLException {
        return ((Number) rows(sql).get(0).get(0)).longValue();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
