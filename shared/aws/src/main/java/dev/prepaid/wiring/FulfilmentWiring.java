package dev.prepaid.wiring;

import dev.prepaid.adapter.catalog.CatalogFile;
import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.FulfilmentService;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** fulfilment: the queue consumer's service (ledger and orders on one client, the catalog file, CLAWBACK_POLICY). */
public final class FulfilmentWiring {
    private FulfilmentWiring() {
    }

    public static FulfilmentService services(Env env) {
        DynamoDbClient dynamo = AwsClients.dynamo(env);
        // the ledger's and the subscriptions' app events are announced on one lazily built SQS client
        java.util.function.Supplier<software.amazon.awssdk.services.sqs.SqsClient> sqs = LedgerWiring.lazySqs(env);
        return new FulfilmentService(LedgerWiring.ledger(dynamo, env, sqs), LedgerWiring.orders(dynamo, env, sqs),
                CatalogFile.fromEnv(env).products(),
                ClawbackPolicy.parse(env.optional("CLAWBACK_POLICY", "allow_negative")), Clock.systemUTC());
    }
}
