package dev.prepaid.function.query;

import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.port.in.CreditQueries;
import dev.prepaid.wiring.CreditsQueryWiring;

import java.time.Clock;

/** Handlers wired by hand for tests: the services constructor, no SnapStart data priming. */
final class QueryHandlers {
    private QueryHandlers() {
    }

    static CreditsQueryHandler of(CreditQueries queries, Clock clock) {
        return of(queries, clock, ProductCatalog.defaults());
    }

    static CreditsQueryHandler of(CreditQueries queries, Clock clock, ProductCatalog catalog) {
        return of(queries, clock, catalog, PricingCatalog.defaults());
    }

    static CreditsQueryHandler of(CreditQueries queries, Clock clock, ProductCatalog catalog, PricingCatalog pricing) {
        return new CreditsQueryHandler(new CreditsQueryWiring.Services(queries, clock, catalog, pricing, () -> { }));
    }
}
