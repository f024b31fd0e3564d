package eu.bborelay.depth.bigtable;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.cloud.bigtable.emulator.core.EmulatorController;
import eu.bborelay.depth.BigtableDepthRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real Cloud Bigtable emulator ({@code cbtemulator}, bundled in google-cloud-bigtable-emulator-core) as a child
 * process on a free loopback port, with a table admin and a data client to check what the sink wrote. In memory
 * only: a restart comes back empty. Used by one test thread; close it in {@code @AfterEach}.
 */
final class BigtableEmulator implements AutoCloseable {
    static final String PROJECT = "test-project";
    static final String INSTANCE = "test-instance";

    private EmulatorController controller;
    private int port;
    private BigtableDataClient data;

    /** Starts the emulator on a free port. */
    static BigtableEmulator start() throws Exception {
        BigtableEmulator e = new BigtableEmulator();
        e.controller = EmulatorController.createBundled();
        e.controller.start();
        e.port = e.controller.getPort();
        return e;
    }

    int port() {
        return port;
    }

    /** The sink's settings for this emulator (Bigtable on, emulator host set). */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("BIGTABLE_PROJECT_ID", PROJECT);
        env.put("BIGTABLE_INSTANCE_ID", INSTANCE);
        env.put("BIGTABLE_EMULATOR_HOST", "localhost:" + port);
        return env;
    }

    /** Kills the emulator (its tables are gone). */
    void stop() {
        closeData();
        controller.stop();
    }

    /** Starts it again, empty, on the same port. */
    void restart() throws Exception {
        controller = EmulatorController.createBundled();
        controller.start(port);
    }

    /** Creates a table with the family {@code data}, as {@code cbt createtable} + {@code createfamily} would. */
    void createTable(String table) throws IOException {
        try (BigtableTableAdminClient admin = BigtableTableAdminClient.create(BigtableTableAdminSettings
                .newBuilderForEmulator("localhost", port).setProjectId(PROJECT).setInstanceId(INSTANCE).build())) {
            admin.createTable(CreateTableRequest.of(table).addFamily(BigtableDepthRow.FAMILY));
        }
    }

    /** Every row of the table, in key order (newest second first). */
    List<Row> readAll(String table) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Row r : data().readRows(Query.create(TableId.of(table)))) {
            rows.add(r);
        }
        return rows;
    }

    /** One row, or null. */
    Row readRow(String table, String key) throws IOException {
        return data().readRow(TableId.of(table), key);
    }

    private BigtableDataClient data() throws IOException {
        if (data == null) {
            data = BigtableDataClient.create(BigtableDataSettings.newBuilderForEmulator("localhost", port)
                    .setProjectId(PROJECT).setInstanceId(INSTANCE).build());
        }
        return data;
    }

    private void closeData() {
        if (data != null) {
            data.close();
            data = null;
        }
    }

    @Override
    public void close() {
        closeData();
        if (controller != null && controller.isRunning()) {
            controller.stop();
        }
    }
}
