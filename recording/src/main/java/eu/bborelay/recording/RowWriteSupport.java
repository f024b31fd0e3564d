package eu.bborelay.recording;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes rows in their encoded form (see {@link Row}) to Parquet: the one {@link WriteSupport} of every table. The
 * record handed to {@link #write(ByteBuffer)} is a little-endian buffer whose remaining bytes are exactly one row
 * body; its position is consumed. Not thread-safe (one per Parquet writer).
 */
final class RowWriteSupport extends WriteSupport<ByteBuffer> {
    private final TableSchema schema;
    private final ColumnType[] types;
    private final String[] names;
    private final byte[] stringScratch = new byte[256];
    private byte[] strings = stringScratch;
    private RecordConsumer consumer;

    RowWriteSupport(TableSchema schema) {
        this.schema = schema;
        List<Column> body = schema.bodyColumns();
        types = new ColumnType[body.size()];
        names = new String[body.size()];
        for (int b = 0; b < types.length; b++) {
            types[b] = body.get(b).type();
            names[b] = body.get(b).name();
        }
    }

    @Override
    public String getName() {
        return "bbo-relay-recording";
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema.parquetSchema(),
                Map.of("bborelay.table", schema.path(), "bborelay.partition_column", schema.partitionColumn(),
                        "bborelay.partition_key", schema.partitionKey()));
    }

    @Override
    @Deprecated
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return init((ParquetConfiguration) null);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(ByteBuffer row) {
        RecordConsumer c = consumer;
        int bitmapAt = row.position();
        int bitmapBytes = (types.length + 7) >>> 3;
        row.position(bitmapAt + bitmapBytes);
        c.startMessage();
        for (int b = 0; b < types.length; b++) {
            if ((row.get(bitmapAt + (b >>> 3)) & (1 << (b & 7))) != 0) {
                continue;
            }
            String name = names[b];
            c.startField(name, b);
            switch (types[b]) {
                case INT64 -> c.addLong(row.getLong());
                case FLOAT64 -> c.addDouble(row.getDouble());
                case BOOLEAN -> c.addBoolean(row.get() != 0);
                case STRING -> {
                    int n = row.getInt();
                    if (n > strings.length) {
                        strings = new byte[Math.max(n, strings.length * 2)];
                    }
                    row.get(strings, 0, n);
                    // the column writers copy reused bytes (dictionary, statistics) before we overwrite them
                    c.addBinary(Binary.fromReusedByteArray(strings, 0, n));
                }
                case FLOAT64_LIST -> {
                    int n = row.getInt();
                    c.startGroup();
                    if (n > 0) {
                        c.startField("list", 0);
                        for (int k = 0; k < n; k++) {
                            c.startGroup();
                            c.startField("element", 0);
                            c.addDouble(row.getDouble());
                            c.endField("element", 0);
                            c.endGroup();
                        }
                        c.endField("list", 0);
                    }
                    c.endGroup();
                }
                case PRICE_SIZE_LIST -> {
                    int n = row.getInt();
                    c.startGroup();
                    if (n > 0) {
                        c.startField("list", 0);
                        for (int k = 0; k < n; k++) {
                            c.startGroup();
                            c.startField("element", 0);
                            c.startGroup();
                            c.startField("price", 0);
                            c.addDouble(row.getDouble());
                            c.endField("price", 0);
                            c.startField("size", 1);
                            c.addDouble(row.getDouble());
                            c.endField("size", 1);
                            c.endGroup();
                            c.endField("element", 0);
                            c.endGroup();
                        }
                        c.endField("list", 0);
                    }
                    c.endGroup();
                }
                default -> throw new IllegalStateException(types[b].toString());
            }
            c.endField(name, b);
        }
        c.endMessage();
    }
}
