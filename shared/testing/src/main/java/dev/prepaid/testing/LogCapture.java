package dev.prepaid.testing;

import java.io.StringWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;

/**
 * Captures everything logged while open, formatted by the production JSON layout, so tests can assert
 * what would reach CloudWatch (and what must never: tokens, secrets, e-mail addresses).
 */
public final class LogCapture implements AutoCloseable {
    private final StringWriter out = new StringWriter();
    private final Appender appender;
    private final LoggerContext context;

    public LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        Appender production = config.getAppender("JsonAppender");
        Layout<?> layout = production == null ? null : production.getLayout();
        appender = WriterAppender.newBuilder().setName("capture-" + System.nanoTime()).setTarget(out)
                .setLayout(layout).build();
        appender.start();
        config.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    public synchronized String text() {
        return out.toString();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
