package dev.prepaid.function.appwebhooks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The app-webhooks function, consumer of AppEventsQueue (partial batch failures): each message names an outbox
 * event, delivered by {@link AppWebhookDelivery}; a message that still misses an endpoint gets its visibility set
 * to {@link RetrySchedule#after} its receive count and is reported failed, so SQS brings it back then; after
 * {@link RetrySchedule#MAX_RECEIVES} receives (about 3 days) it goes to AppEventsDLQ. Events their writer never
 * enqueued are enqueued by the outbox sweeper (AppEventSweeper, on the reconciliation schedule).
 */
public final class AppWebhooksHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(AppWebhooksHandler.class);

    private final AppWebhookDelivery delivery;
    private final SqsClient sqs;
    private final String queueUrl;
    private final java.util.function.IntFunction<java.time.Duration> backoff;

    public AppWebhooksHandler() {
        this(Env.system(), AwsClients.sqs(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's). */
    public static AppWebhooksHandler fromEnv(Env env) {
        return new AppWebhooksHandler(env, AwsClients.sqs(env));
    }

    private AppWebhooksHandler(Env env, SqsClient sqs) {
        this(new AppWebhookDelivery(new DynamoAppWebhookStore(AwsClients.dynamo(env), env.required("TABLE_NAME")),
                        Clock.systemUTC(),
                        Boolean.parseBoolean(env.optional("APP_WEBHOOKS_ALLOW_HTTP_LOOPBACK", "false")),
                        autoTopupForward(sqs, env.optional("AUTO_TOPUP_QUEUE_URL", null))),
                sqs, env.required("APP_EVENTS_QUEUE_URL"), RetrySchedule::after);
    }

    /**
     * Auto top-up's trigger: {@code {"eventId", "userId"}} of a {@code credits.low} event on AUTO_TOPUP_QUEUE_URL
     * (the auto-topup function's queue); none when the variable is not set.
     */
    public static java.util.function.Consumer<DynamoAppWebhookStore.OutboxEvent> autoTopupForward(SqsClient sqs,
                                                                                                    String queueUrl) {
        if (queueUrl == null || queueUrl.isBlank()) {
            return null;
        }
        return event -> {
            com.fasterxml.jackson.databind.node.ObjectNode body = dev.prepaid.adapter.in.http.Json.object();
            body.put("eventId", event.id());
            body.put("userId", event.userId());
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body.toString()));
        };
    }

    /** @param backoff the wait after the n-th receive failed (tests pass a short one) */
    public AppWebhooksHandler(AppWebhookDelivery delivery, SqsClient sqs, String queueUrl,
                              java.util.function.IntFunction<java.time.Duration> backoff) {
        this.delivery = delivery;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.backoff = backoff;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        }
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            boolean ok = Logs.withCorrelationId(context, message.getMessageId(), () -> handle(message));
            if (!ok) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private boolean handle(SQSEvent.SQSMessage message) {
        SqsAppEventQueue.Message parsed = SqsAppEventQueue.read(message.getBody());
        if (parsed == null) {
            LOG.error("unreadable app-event message {}: dropped", message.getMessageId());
            return true;
        }
        AppWebhookDelivery.Result result;
        try {
            result = delivery.deliver(parsed);
        } catch (RuntimeException e) {
            LOG.warn("app event {} not delivered this time: {}", parsed.eventId(), e.toString());
            result = AppWebhookDelivery.Result.RETRY;
        }
        if (result != AppWebhookDelivery.Result.RETRY) {
            return true;
        }
        int receives = receiveCount(message);
        long wait = backoff.apply(receives).toSeconds();
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(message.getReceiptHandle())
                    .visibilityTimeout((int) wait));
        } catch (RuntimeException e) {
            LOG.warn("could not set the retry delay of {}: {}", parsed.eventId(), e.toString());
        }
        LOG.info("app event {} retried in {} s (receive {} of {})", parsed.eventId(), wait, receives,
                RetrySchedule.MAX_RECEIVES);
        return false;
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        try {
            return Integer.parseInt(message.getAttributes().get("ApproximateReceiveCount"));
        } catch (RuntimeException e) {
            return 1;
        }
    }
}
