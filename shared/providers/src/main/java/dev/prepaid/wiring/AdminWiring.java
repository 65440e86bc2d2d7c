package dev.prepaid.wiring;

import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.adapter.out.sqs.SqsDeadLetterQueue;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.port.out.DeadLetterQueue;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** admin: reconciling one order with its provider (the payment wiring), the drift report, the DLQ, app webhooks. */
public final class AdminWiring {
    /**
     * @param webhooks the app's webhook endpoints (the store, the app-events queue, the loopback flag)
     */
    public record Services(ReconciliationService service, DeadLetterQueue dlq, Webhooks webhooks) {
    }

    /**
     * What the app-webhook routes need: the store, the app-events queue (null without APP_EVENTS_QUEUE_URL:
     * redelivery answers 503) and whether plain http to loopback may be registered (APP_WEBHOOKS_ALLOW_HTTP_LOOPBACK,
     * local runs only).
     */
    public record Webhooks(DynamoAppWebhookStore store, SqsAppEventQueue queue, boolean allowHttpLoopback) {
        public static Webhooks from(Env env, DynamoDbClient dynamo, SqsClient sqs) {
            String url = env.optional("APP_EVENTS_QUEUE_URL", null);
            return new Webhooks(new DynamoAppWebhookStore(dynamo, env.required("TABLE_NAME")),
                    url == null ? null : new SqsAppEventQueue(() -> sqs, url),
                    Boolean.parseBoolean(env.optional("APP_WEBHOOKS_ALLOW_HTTP_LOOPBACK", "false")));
        }
    }

    private AdminWiring() {
    }

    public static Services services(Env env) {
        String table = env.required("TABLE_NAME");
        DynamoDbClient dynamo = AwsClients.dynamo(env);
        SqsClient sqs = AwsClients.sqs(env);
        DeadLetterQueue dlq = new SqsDeadLetterQueue(sqs, env.required("FULFILMENT_DLQ_URL"), env.required("FULFILMENT_QUEUE_URL"));
        Clock clock = Clock.systemUTC();
        PaymentWiring wiring = new PaymentWiring(env, clock, dynamo, () -> sqs, null);
        ReconciliationService service = new ReconciliationService(wiring.orders(), wiring.ledger(),
                new DynamoReconciliationStore(dynamo, table), wiring.providers(), wiring.fulfilment(), dlq,
                ReconciliationService.Settings.defaults().withCheckoutLifetime(wiring.checkoutLifetime()), clock);
        return new Services(service, dlq, Webhooks.from(env, dynamo, sqs));
    }
}
