package dev.prepaid.local.fakes;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.prepaid.adapter.config.Env;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A scheduled function, as the reconciliation function will be: records every event it gets. */
public final class FakeScheduledHandler implements RequestHandler<ScheduledEvent, Map<String, Object>> {
    public static final BlockingQueue<ScheduledEvent> EVENTS = new LinkedBlockingQueue<>();
    public static final BlockingQueue<String> FUNCTIONS = new LinkedBlockingQueue<>();

    /** Built like every handler: from the local environment, through its static factory. */
    public static FakeScheduledHandler fromEnv(Env env) {
        return new FakeScheduledHandler(env);
    }

    private FakeScheduledHandler(Env env) {
        // built like every handler: from the local environment
    }

    @Override
    public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
        EVENTS.add(event);
        FUNCTIONS.add(context.getFunctionName());
        return Map.of("ok", true);
    }
}
