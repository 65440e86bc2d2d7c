package dev.prepaid.wiring;

import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.adapter.out.sqs.SqsDeadLetterQueue;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.port.out.DeadLetterQueue;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** admin: reconciling one order with its provider (the payment wiring), the drift report, the DLQ. */
public final class AdminWiring {
    public record Services(ReconciliationService service, DeadLetterQueue dlq) {
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
        return new Services(service, dlq);
    }
}
