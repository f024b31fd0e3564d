package eu.bborelay.collector.demo;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * The collection demo's S3 ({@code scripts/collect-demo.sh}): s3proxy 4.1.0 with its filesystem backend, so every
 * object is a plain file, {@code <folder>/<bucket>/<key>}, that any Parquet reader can open. Not part of the
 * collector: a test-scope main class, run from the test class path.
 *
 * <p>{@code java ... DemoS3Proxy <folder> <bucket> <access key> <secret key>} listens on 127.0.0.1 on a free port,
 * creates the bucket and prints {@code S3PROXY_LISTENING http://127.0.0.1:<port>}; it serves until SIGTERM. Exit
 * code 2 on bad arguments, 1 if it cannot start.
 */
public final class DemoS3Proxy {
    private DemoS3Proxy() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: DemoS3Proxy <folder> <bucket> <access key> <secret key>");
            System.exit(2);
        }
        Path folder = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
        String bucket = args[1];
        FilesystemNio2BlobStore store = new FilesystemNio2BlobStore(folder.toString());
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, args[2], args[3]).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!proxy.getState().equals("STARTED")) {
            if (System.nanoTime() > deadline || proxy.getState().equals("FAILED")) {
                System.err.println("s3proxy did not start: " + proxy.getState());
                System.exit(1);
            }
            Thread.sleep(10);
        }
        store.createContainer(CreateBucketRequest.builder().bucket(bucket).build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.stop();
            } catch (Exception e) {
                System.err.println("s3proxy did not stop cleanly: " + e);
            }
            stopped.countDown();
        }, "demo-s3proxy-stop"));
        System.out.println("S3PROXY_LISTENING http://127.0.0.1:" + proxy.getPort() + " bucket " + bucket + " in "
                + folder.resolve(bucket));
        System.out.flush();
        stopped.await();
    }
}
