package dev.prepaid.adapter.out.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.testing.creem.FakeCreem;
import dev.prepaid.testing.stripe.FakeStripe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * catalog check through the real adapters (stripe-java against the fake Stripe API's GET /v1/prices/{id}, the
 * Creem adapter against the fake Creem API's GET /v1/products): matching prices pass, each kind of difference is
 * listed, and the exit code says which.
 */
class CatalogCheckTest {
    private static final String CATALOG = """
            {"version": 1, "name": "check", "operations": {"image": {"base": 1}},
             "products": [
               {"id": "pack", "name": "Pack", "kind": "pack", "credits": 100, "prices": {"USD": 9.90, "EUR": 8.90},
                "providerIds": {"stripe": {"test": "price_pack"}, "creem": {"test": "prod_pack"}}},
               {"id": "monthly", "name": "Monthly", "kind": "plan", "credits": 300, "interval": "month",
                "prices": {"USD": 19.90},
                "providerIds": {"stripe": {"test": "price_monthly"}, "creem": {"test": "prod_monthly"}}},
               {"id": "nolink", "name": "No id", "kind": "pack", "credits": 1, "prices": {"USD": 1}}]}
            """;

    @Test
    void matchingStripePricesPassAndMismatchesAreListed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("check.json");
        Files.writeString(file, CATALOG.replaceAll(",\\s*\\{\"id\": \"nolink\"[^\\n]*\\}\\]\\}", "]}"));
        try (FakeStripe fake = new FakeStripe()) {
            fake.price("price_pack", 990, "usd", null, Map.of("eur", 890L));
            fake.price("price_monthly", 1990, "usd", "month", Map.of());
            Map<String, String> env = env(fake, file);
            assertEquals(List.of(), CatalogCheck.run(new Env(env)), "everything matches");
            Output out = new Output();
            assertEquals(0, CatalogCheck.run(new Env(env), out.stream, out.stream));
            assertTrue(out.text().contains("every product matches"), out.text());
            assertEquals("currency_options", fake.requests("GET", "/v1/prices/price_pack").get(0).param("expand[0]"));

            // the plan's price was edited at Stripe (amount and interval), the pack lost its EUR option
            fake.price("price_monthly", 2490, "usd", "year", Map.of());
            fake.price("price_pack", 990, "usd", null, Map.of());
            List<String> found = CatalogCheck.run(new Env(env)).stream().map(Object::toString).toList();
            assertEquals(List.of(
                    "stripe pack (price_pack): currency_options.eur is missing at the provider, 8.90 EUR in the catalog",
                    "stripe monthly (price_monthly): amount is 24.90 USD at the provider, 19.90 USD in the catalog",
                    "stripe monthly (price_monthly): interval is year at the provider, month in the catalog"), found);
            out = new Output();
            assertEquals(1, CatalogCheck.run(new Env(env), out.stream, out.stream), "non-zero on mismatches");
            assertTrue(out.text().startsWith("catalog check (PAYMENT_ENV test): 3 mismatches"), out.text());
        }
    }

    @Test
    void aMissingIdAnUnknownPriceAndAnotherCurrencyAreListed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("check.json");
        Files.writeString(file, CATALOG);
        try (FakeStripe fake = new FakeStripe()) {
            fake.price("price_pack", 890, "eur", null, Map.of("usd", 990L));
            List<String> found = CatalogCheck.run(new Env(env(fake, file))).stream().map(Object::toString).toList();
            assertEquals(List.of(
                    "stripe pack (price_pack): currency is eur at the provider, usd in the catalog",
                    "stripe monthly (price_monthly): price is not found at the provider, a price in the catalog",
                    "stripe nolink: id is missing at the provider, a stripe id in the catalog"), found);
        }
    }

    @Test
    void creemProductsAreComparedToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("check.json");
        Files.writeString(file, CATALOG);
        try (FakeCreem creem = new FakeCreem("creem_test_key", Clock.systemUTC())
                .product("prod_pack", 990, "usd", false)
                .product("prod_monthly", 1999, "usd", true)) {
            Map<String, String> env = new HashMap<>();
            env.put("PAYMENT_ENV", "test");
            env.put("CATALOG_FILE", file.toString());
            env.put("CREEM_API_KEY", "creem_test_key");
            env.put("CREEM_API_BASE", creem.baseUrl().toString());
            List<String> found = CatalogCheck.run(new Env(env)).stream().map(Object::toString).toList();
            assertEquals(List.of(
                    "creem monthly (prod_monthly): amount is 19.99 USD at the provider, 19.90 USD in the catalog",
                    "creem nolink: id is missing at the provider, a creem id in the catalog"), found,
                    "Creem sells the primary price only: the pack's EUR price is not compared");
        }
    }

    @Test
    void withoutProviderCredentialsTheCheckCannotRun() {
        Output out = new Output();
        assertEquals(2, CatalogCheck.run(new Env(Map.of()), out.stream, out.stream));
        assertTrue(out.text().contains("set STRIPE_SECRET_KEY and/or CREEM_API_KEY"), out.text());
    }

    private static Map<String, String> env(FakeStripe fake, Path file) {
        Map<String, String> env = new HashMap<>();
        env.put("PAYMENT_ENV", "test");
        env.put("CATALOG_FILE", file.toString());
        env.put("STRIPE_SECRET_KEY", "sk_test_catalogcheck");
        env.put("STRIPE_API_BASE", fake.baseUrl());
        return env;
    }

    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
