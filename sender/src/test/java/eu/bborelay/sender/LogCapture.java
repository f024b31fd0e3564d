package eu.bborelay.sender;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Records the formatted messages one logger emits while open, for tests that check what the sender logs. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LogCapture(Class<?> loggerOf) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerOf);
        setContext(logger.getLoggerContext());
        start();
        logger.addAppender(this);
    }

    static LogCapture of(Class<?> loggerOf) {
        return new LogCapture(loggerOf);
    }

    @Override
    protected void append(ILoggingEvent event) {
        messages.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    boolean contains(String text) {
        return messages.stream().anyMatch(m -> m.contains(text));
    }

    String all() {
        return messages.stream().collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
