package dev.prepaid.wiring;

import dev.prepaid.adapter.catalog.CatalogFile;
import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditQueryService;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.CreditQueries;
import java.time.Clock;

/** credits-query: the ledger's reads, the plans and the operation prices (the catalog file). */
public final class CreditsQueryWiring {
    /** @param priming reads a sentinel balance (read-only) so the data path is warm in the snapshot */
    public record Services(CreditQueries queries, Clock clock, ProductCatalog catalog, PricingCatalog pricing,
                           Runnable priming) {
    }

    private CreditsQueryWiring() {
    }

    public static Services services(Env env) {
        CreditQueries queries = new CreditQueryService(new DynamoLedgerStore(AwsClients.dynamo(env), env.required("TABLE_NAME")));
        return new Services(queries, Clock.systemUTC(), catalog(env), pricing(env),
                () -> queries.balance(new UserId("snapstart-priming")));
    }

    /** The products of the deployment's catalog file (CATALOG / CATALOG_FILE, see CatalogFile). */
    public static ProductCatalog catalog(Env env) {
        return CatalogFile.fromEnv(env).products();
    }

    /** The operation prices of the same catalog file: what deduct-credits charges. */
    public static PricingCatalog pricing(Env env) {
        return CatalogFile.fromEnv(env).operations();
    }
}
