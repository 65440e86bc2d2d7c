package dev.prepaid.adapter.out.provider.creem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.payment.ProductCatalog;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreemFromEnvTest {
    static final String KEY = "creem_live_9xQ2mL7pZrT1vK4s";
    static final String SECRET = "whsec_3Jk9LmQ2rT7vX1zP";

    final ProductCatalog catalog = ProductCatalog.defaults();

    static Map<String, String> complete() {
        Map<String, String> env = new HashMap<>();
        env.put("CREEM_API_KEY", KEY);
        env.put("CREEM_WEBHOOK_SECRET", SECRET);
        env.put("CREEM_PRODUCT_TRIAL", "prod_trial");
        env.put("CREEM_PRODUCT_BASIC", "prod_basic");
        env.put("CREEM_PRODUCT_PRO", "prod_pro");
        return env;
    }

    @Test
    void aMissingProductIdIsNamedAndNoSecretIsPrinted() {
        Map<String, String> env = complete();
        env.remove("CREEM_PRODUCT_PRO");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CreemPaymentProvider.fromEnv(new Env(env), catalog));

        assertEquals("missing provider id pro: providerIds.creem.test in the catalog file, or CREEM_PRODUCT_PRO_LOCAL or CREEM_PRODUCT_PRO"
                + " (the Creem product id of every product in the catalog)", e.getMessage());
        assertFalse(e.getMessage().contains(KEY));
        assertFalse(e.getMessage().contains(SECRET));
        assertFalse(e.getMessage().contains(KEY.substring(KEY.length() - 4)));
    }

    @Test
    void everyMissingProductIsNamedAtOnce() {
        Map<String, String> env = complete();
        env.remove("CREEM_PRODUCT_PRO");
        env.put("CREEM_PRODUCT_TRIAL", "  ");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CreemPaymentProvider.fromEnv(new Env(env), catalog));
        assertEquals("missing provider ids trial: providerIds.creem.test in the catalog file, or CREEM_PRODUCT_TRIAL_LOCAL or"
                + " CREEM_PRODUCT_TRIAL; pro: providerIds.creem.test in the catalog file, or CREEM_PRODUCT_PRO_LOCAL or"
                + " CREEM_PRODUCT_PRO (the Creem product id of every product in the catalog)",
                e.getMessage());
    }

    @Test
    void paymentEnvPicksTheProductIdsOfItsEnvironment() {
        Map<String, String> env = complete();
        env.remove("CREEM_PRODUCT_PRO");
        env.put("PAYMENT_ENV", "production");
        env.put("CREEM_PRODUCT_PRO_TEST", "prod_pro_test");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CreemPaymentProvider.fromEnv(new Env(env), catalog));
        assertTrue(e.getMessage().contains("pro: providerIds.creem.production in the catalog file, or CREEM_PRODUCT_PRO_PRODUCTION or CREEM_PRODUCT_PRO"), e.getMessage());
        env.put("CREEM_PRODUCT_PRO_PRODUCTION", "prod_pro_live");
        assertEquals("creem", CreemPaymentProvider.fromEnv(new Env(env), catalog).name());
    }

    @Test
    void aMissingKeyOrSecretIsNamed() {
        Map<String, String> noKey = complete();
        noKey.remove("CREEM_API_KEY");
        assertEquals("missing required environment variable CREEM_API_KEY", assertThrows(IllegalStateException.class,
                () -> CreemPaymentProvider.fromEnv(new Env(noKey), catalog)).getMessage());
        Map<String, String> noSecret = complete();
        noSecret.remove("CREEM_WEBHOOK_SECRET");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CreemPaymentProvider.fromEnv(new Env(noSecret), catalog));
        assertEquals("missing required environment variable CREEM_WEBHOOK_SECRET", e.getMessage());
        assertFalse(e.getMessage().contains(KEY));
    }

    @Test
    void productionUsesTheLiveApiAndAnythingElseTheTestApi() {
        Map<String, String> env = complete();
        assertEquals(URI.create("https://test-api.creem.io"),
                CreemPaymentProvider.fromEnv(new Env(env), catalog).baseUrl());
        env.put("PAYMENT_ENV", "staging");
        assertEquals(URI.create("https://test-api.creem.io"),
                CreemPaymentProvider.fromEnv(new Env(env), catalog).baseUrl());
        env.put("PAYMENT_ENV", "production");
        assertEquals(URI.create("https://api.creem.io"), CreemPaymentProvider.fromEnv(new Env(env), catalog).baseUrl());
    }

    @Test
    void theApiBaseCanBeOverriddenForTests() {
        Map<String, String> env = complete();
        env.put("CREEM_API_BASE", "http://127.0.0.1:8123/");
        CreemPaymentProvider creem = CreemPaymentProvider.fromEnv(new Env(env), catalog);
        assertEquals(URI.create("http://127.0.0.1:8123"), creem.baseUrl());
        assertEquals("creem", creem.name());

        env.put("CREEM_API_BASE", "not a url");
        assertThrows(IllegalStateException.class, () -> CreemPaymentProvider.fromEnv(new Env(env), catalog));
        env.put("CREEM_API_BASE", "http://127.0.0.1:8123");
        env.put("PAYMENT_ENV", "production");
        assertThrows(IllegalStateException.class, () -> CreemPaymentProvider.fromEnv(new Env(env), catalog));
    }

    @Test
    void productionRefusesATestModeKeyWithoutPrintingIt() {
        Map<String, String> env = complete();
        env.put("PAYMENT_ENV", "production");
        env.put("CREEM_API_KEY", "creem_test_abcdefghijklmnop");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CreemPaymentProvider.fromEnv(new Env(env), catalog));
        assertFalse(e.getMessage().contains("abcdefghijklmnop"));
        assertTrue(e.getMessage().contains("CREEM_API_KEY"));
    }

    @Test
    void aCustomCatalogNeedsItsOwnProducts() {
        ProductCatalog custom = ProductCatalog.parse("""
                mega.price = 99.00
                mega.credits = 5000
                mega.type = one_time
                """);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CreemPaymentProvider.fromEnv(new Env(complete()), custom));
        assertEquals("missing provider id mega: providerIds.creem.test in the catalog file, or CREEM_PRODUCT_MEGA_LOCAL or CREEM_PRODUCT_MEGA"
                + " (the Creem product id of every product in the catalog)", e.getMessage());
    }

    @Test
    void toStringMasksTheKey() {
        String text = CreemPaymentProvider.fromEnv(new Env(complete()), catalog).toString();
        assertFalse(text.contains(KEY), text);
        assertFalse(text.contains(SECRET), text);
        assertTrue(text.contains("****vK4s"), text);
    }

}
