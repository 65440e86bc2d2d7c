package dev.prepaid.wiring;

import dev.prepaid.adapter.catalog.CatalogFile;
import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.LedgerWiring;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.FulfilmentService;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** fulfilment: the queue consumer's service (ledger and orders on one client, the catalog file, CLAWBACK_POLICY). */
public final class FulfilmentWiring {
    private FulfilmentWiring() {
    }

    public static FulfilmentService services(Env env) {
        String table = env.required("TABLE_NAME");
        DynamoDbClient dynamo = AwsClients.dynamo(env);
        return new FulfilmentService(LedgerWiring.ledger(dynamo, env, null), new DynamoOrderStore(dynamo, table),
                CatalogFile.fromEnv(env).products(),
                ClawbackPolicy.parse(env.optional("CLAWBACK_POLICY", "allow_negative")), Clock.systemUTC());
    }
}
