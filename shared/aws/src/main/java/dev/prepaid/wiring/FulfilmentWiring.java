package dev.prepaid.wiring;

import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.payment.ProductCatalog;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** fulfilment: the queue consumer's service (ledger and orders on one client, PRODUCT_CATALOG, CLAWBACK_POLICY). */
public final class FulfilmentWiring {
    private FulfilmentWiring() {
    }

    public static FulfilmentService services(Env env) {
        String table = env.required("TABLE_NAME");
        DynamoDbClient dynamo = AwsClients.dynamo(env);
        String catalog = env.optional("PRODUCT_CATALOG", null);
        return new FulfilmentService(new DynamoLedgerStore(dynamo, table), new DynamoOrderStore(dynamo, table),
                catalog == null ? ProductCatalog.defaults() : ProductCatalog.parse(catalog),
                ClawbackPolicy.parse(env.optional("CLAWBACK_POLICY", "allow_negative")), Clock.systemUTC());
    }
}
