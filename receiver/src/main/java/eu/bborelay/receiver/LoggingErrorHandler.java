package eu.bborelay.receiver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ErrorHandler}: logs the first error of each exception class with its stack trace, and later
 * ones as a count per stats interval ({@link #flush()}, called by the stats thread), in the spirit of agrona's
 * {@code DistinctErrorLog}. Thread-safe.
 */
final class LoggingErrorHandler implements ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);
    private static final int MAX_DISTINCT = 64;

    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final AtomicLong repeated = new AtomicLong();
    private volatile Throwable latestRepeated;

    @Override
    public void onError(Throwable t) {
        String key = t.getClass().getName();
        if (logged.size() < MAX_DISTINCT && logged.add(key)) {
            LOG.error("relay-receiver error (further {} are counted and summarised once per stats interval)",
                    t.getClass().getSimpleName(), t);
        } else {
            latestRepeated = t;
            repeated.incrementAndGet();
        }
    }

    /** Logs how many errors were only counted since the last call, if any. */
    void flush() {
        long n = repeated.getAndSet(0);
        if (n > 0) {
            LOG.error("relay-receiver: {} more error(s) in the last interval, latest: {}", n, latestRepeated);
        }
    }
}
