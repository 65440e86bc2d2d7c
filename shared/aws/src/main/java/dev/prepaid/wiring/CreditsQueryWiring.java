package dev.prepaid.wiring;

import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditQueryService;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.CreditQueries;
import java.time.Clock;

/** credits-query: the ledger's reads, the plans (PRODUCT_CATALOG) and the operation prices (PRICING_CATALOG). */
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

    public static ProductCatalog catalog(Env env) {
        String text = env.optional("PRODUCT_CATALOG", null);
        return text == null ? ProductCatalog.defaults() : ProductCatalog.parse(text);
    }

    /** PRICING_CATALOG: the same operation prices deduct-credits charges (the template gives both the parameter). */
    public static PricingCatalog pricing(Env env) {
        String text = env.optional("PRICING_CATALOG", null);
        return text == null ? PricingCatalog.defaults() : PricingCatalog.parse(text);
    }
}
