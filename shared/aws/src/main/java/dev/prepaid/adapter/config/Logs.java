package dev.prepaid.adapter.config;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.function.Supplier;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Structured logging around one invocation: Powertools adds the Lambda context fields, we add the
 * correlation id directly (the request id we already hold) instead of a JMESPath walk over the event.
 */
public final class Logs {
    public static final String CORRELATION_ID = "correlation_id";

    private Logs() {
    }

    public static <T> T withCorrelationId(Context context, String correlationId, Supplier<T> work) {
        Supplier<T> withMdc = () -> {
            MDC.put(CORRELATION_ID, correlationId);
            try {
                return work.get();
            } finally {
                MDC.remove(CORRELATION_ID);
            }
        };
        return context == null ? withMdc.get() : PowertoolsLogging.withLogging(context, withMdc);
    }
}
