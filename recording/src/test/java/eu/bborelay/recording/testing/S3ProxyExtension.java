package eu.bborelay.recording.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One {@link S3ProxyServer} and a client of it for a test class, with the AWS SDK's default credentials (the
 * {@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties) set to the server's, as the daemons under
 * test read them; all undone after the class. Register as {@code @RegisterExtension static final S3ProxyExtension S3
 * = new S3ProxyExtension();}: it starts before the class's own {@code @BeforeAll} methods.
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    private S3ProxyServer server;
    private S3Client client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = new S3ProxyServer();
        client = server.client();
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        client.close();
        server.close();
    }

    /** The running server (stop and start it for an S3 outage). */
    public S3ProxyServer server() {
        return server;
    }

    /** A client of {@link #server()} with its credentials. */
    public S3Client client() {
        return client;
    }
}
