package dev.prepaid.function.fulfilment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.adapter.out.sqs.PaymentEventJson;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.RetryLaterException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The fulfilment queue's consumer. Each message is one verified payment event; each is handled on its own
 * and reported back individually ({@code ReportBatchItemFailures}), so one event waiting for its
 * precondition does not hold back, or replay, the others. After 5 receives a message goes to the DLQ.
 */
public final class FulfilmentHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(FulfilmentHandler.class);

    private final FulfilmentService fulfilment;

    public FulfilmentHandler() {
        this(Env.system());
    }

    /** Wired from an explicit environment (the local runner passes the template's). */
    public FulfilmentHandler(Env env) {
        this(fromEnvironment(env));
    }

    public FulfilmentHandler(FulfilmentService fulfilment) {
        this.fulfilment = fulfilment;
    }

    static FulfilmentService fromEnvironment(Env env) {
        String table = env.required("TABLE_NAME");
        DynamoDbClient dynamo = AwsClients.dynamo(env);
        String catalog = env.optional("PRODUCT_CATALOG", null);
        return new FulfilmentService(new DynamoLedgerStore(dynamo, table), new DynamoOrderStore(dynamo, table),
                catalog == null ? ProductCatalog.defaults() : ProductCatalog.parse(catalog),
                ClawbackPolicy.parse(env.optional("CLAWBACK_POLICY", "allow_negative")), Clock.systemUTC());
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            boolean ok = Logs.withCorrelationId(context, message.getMessageId(), () -> handle(message));
            if (!ok) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private boolean handle(SQSEvent.SQSMessage message) {
        PaymentEvent event;
        try {
            event = PaymentEventJson.read(message.getBody());
        } catch (RuntimeException e) {
            // A message we cannot read will never succeed: fail it so it reaches the DLQ for a person.
            LOG.error("unreadable fulfilment message {}: {}", message.getMessageId(), e.getClass().getSimpleName());
            return false;
        }
        String receives = message.getAttributes() == null ? "?" : message.getAttributes().getOrDefault("ApproximateReceiveCount", "?");
        try {
            FulfilmentService.Outcome outcome = fulfilment.handle(event);
            LOG.info("{} {} {} -> {} ({})", event.provider(), event.type(), event.eventId(), outcome.kind(), outcome.detail());
            return true;
        } catch (RetryLaterException e) {
            LOG.warn("{} {} {} waits (receive {}): {}", event.provider(), event.type(), event.eventId(), receives, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("{} {} {} failed (receive {})", event.provider(), event.type(), event.eventId(), receives, e);
            return false;
        }
    }
}
