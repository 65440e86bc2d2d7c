package dev.prepaid.wiring;

import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.adapter.out.webhooks.AppEventSweeper;
import dev.prepaid.adapter.out.sqs.SqsDeadLetterQueue;
import dev.prepaid.application.reconciliation.ReconciliationService;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** reconciliation: the scheduled run's service (the payment wiring, the DLQ, the RECONCILE_* settings). */
public final class ReconciliationWiring {
    private ReconciliationWiring() {
    }

    public static ReconciliationService services(Env env) {
        String table = env.required("TABLE_NAME");
        String queueUrl = env.required("FULFILMENT_QUEUE_URL");
        String dlqUrl = env.required("FULFILMENT_DLQ_URL");
        ReconciliationService.Settings settings = ReconciliationService.Settings.defaults()
                .withMaxUsers(positive("RECONCILE_MAX_USERS",
                        env.optional("RECONCILE_MAX_USERS", Integer.toString(ReconciliationService.Settings.DEFAULT_MAX_USERS))))
                .withPendingAfter(Duration.ofMinutes(positive("RECONCILE_PENDING_AFTER_MINUTES",
                        env.optional("RECONCILE_PENDING_AFTER_MINUTES",
                                Long.toString(ReconciliationService.Settings.DEFAULT_PENDING_AFTER.toMinutes())))))
                .withSettleLag(Duration.ofSeconds(nonNegative("RECONCILE_SETTLE_SECONDS",
                        env.optional("RECONCILE_SETTLE_SECONDS", "60"))))
                .withFullResumAfter(Duration.ofDays(nonNegative("RECONCILE_FULL_SUM_DAYS",
                        env.optional("RECONCILE_FULL_SUM_DAYS",
                                Long.toString(ReconciliationService.Settings.DEFAULT_FULL_RESUM_AFTER.toDays())))));
        DynamoDbClient dynamo = AwsClients.dynamo(env);
        SqsClient sqs = AwsClients.sqs(env);
        Clock clock = Clock.systemUTC();
        PaymentWiring wiring = new PaymentWiring(env, clock, dynamo, () -> sqs, null);
        return new ReconciliationService(wiring.orders(), wiring.ledger(), new DynamoReconciliationStore(dynamo, table),
                wiring.providers(), wiring.fulfilment(), new SqsDeadLetterQueue(sqs, dlqUrl, queueUrl),
                settings.withCheckoutLifetime(wiring.checkoutLifetime()), clock);
    }

    /** The app-event outbox sweeper that runs first in every run; null without APP_EVENTS_QUEUE_URL. */
    public static AppEventSweeper sweeper(Env env) {
        String url = env.optional("APP_EVENTS_QUEUE_URL", null);
        if (url == null) {
            return null;
        }
        SqsClient sqs = AwsClients.sqs(env);
        return new AppEventSweeper(new DynamoAppWebhookStore(AwsClients.dynamo(env), env.required("TABLE_NAME")),
                new SqsAppEventQueue(() -> sqs, url), Clock.systemUTC());
    }

    private static int positive(String name, String value) {
        int parsed = (int) nonNegative(name, value);
        if (parsed < 1) {
            throw new IllegalStateException(name + " must be at least 1");
        }
        return parsed;
    }

    private static long nonNegative(String name, String value) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < 0 || parsed > 1_000_000) {
                throw new IllegalStateException(name + " must be between 0 and 1000000");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number");
        }
    }
}
