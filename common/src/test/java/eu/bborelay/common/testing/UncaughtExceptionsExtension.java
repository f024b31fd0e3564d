package eu.bborelay.common.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when any background thread dies of an uncaught exception while it runs, as okhttp's
 * {@code InstallUncaughtExceptionHandlerListener}. Use with {@code @ExtendWith(UncaughtExceptionsExtension.class)}.
 */
public final class UncaughtExceptionsExtension implements BeforeEachCallback, AfterEachCallback {
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previous;

    @Override
    public void beforeEach(ExtensionContext context) {
        uncaught.clear();
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            uncaught.add(new AssertionError("uncaught exception in thread " + t.getName(), e));
            if (previous != null) {
                previous.uncaughtException(t, e);
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Thread.setDefaultUncaughtExceptionHandler(previous);
        if (!uncaught.isEmpty()) {
            AssertionError error = new AssertionError(uncaught.size() + " background thread(s) died");
            uncaught.forEach(error::addSuppressed);
            throw error;
        }
    }
}
