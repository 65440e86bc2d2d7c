package dev.prepaid.local.fakes;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.adapter.config.Env;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** An SQS consumer: records message bodies and reports none failed. */
public final class FakeQueueHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    public static final BlockingQueue<String> BODIES = new LinkedBlockingQueue<>();

    /** Built like every handler: from the local environment, through its static factory. */
    public static FakeQueueHandler fromEnv(Env env) {
        return new FakeQueueHandler(env);
    }

    private FakeQueueHandler(Env env) {
        // built like every handler: from the local environment
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        event.getRecords().forEach(r -> BODIES.add(r.getBody()));
        return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
    }
}
