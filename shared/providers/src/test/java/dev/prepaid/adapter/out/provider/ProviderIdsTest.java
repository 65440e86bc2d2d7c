package dev.prepaid.adapter.out.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.catalog.CatalogFile;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.payment.ProductCatalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog file carries the provider ids per environment; PAYMENT_ENV picks, a variable overrides. */
class ProviderIdsTest {
    private static final ProductCatalog CATALOG = CatalogFile.parse("ids.json", """
            {"version": 1, "name": "ids", "operations": {"image": {"base": 1}},
             "products": [
               {"id": "a", "name": "A", "kind": "pack", "credits": 1, "prices": {"USD": 1},
                "providerIds": {"stripe": {"test": "price_a_test", "production": "price_a_live"}}},
               {"id": "b", "name": "B", "kind": "pack", "credits": 1, "prices": {"USD": 2},
                "providerIds": {"stripe": {"test": "price_b_test"}}}]}
            """).products();

    @Test
    void paymentEnvPicksTheFilesIdsAndLocalUsesTest() {
        assertEquals(Map.of("a", "price_a_test", "b", "price_b_test"),
                ProviderIds.fromEnv(new Env(Map.of("PAYMENT_ENV", "test")), "stripe", CATALOG, "x"));
        assertEquals(Map.of("a", "price_a_test", "b", "price_b_test"),
                ProviderIds.fromEnv(new Env(Map.of()), "stripe", CATALOG, "x"), "PAYMENT_ENV local: the test ids");
    }

    @Test
    void aVariableOverridesTheFileAndAMissingProductionIdIsNamed() {
        assertEquals(Map.of("a", "price_override", "b", "price_b_test"), ProviderIds.fromEnv(
                new Env(Map.of("PAYMENT_ENV", "test", "STRIPE_PRICE_A", "price_override")), "stripe", CATALOG, "x"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProviderIds.fromEnv(
                new Env(Map.of("PAYMENT_ENV", "production")), "stripe", CATALOG, "the Stripe price ids"));
        assertEquals("missing provider id b: providerIds.stripe.production in the catalog file, or"
                + " STRIPE_PRICE_B_PRODUCTION or STRIPE_PRICE_B (the Stripe price ids)", e.getMessage());
        assertTrue(ProviderIds.fromEnv(new Env(Map.of("PAYMENT_ENV", "production", "STRIPE_PRICE_B_PRODUCTION", "price_b")),
                "stripe", CATALOG, "x").containsValue("price_a_live"));
    }
}
