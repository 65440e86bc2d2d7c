package dev.prepaid.adapter.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Product;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad catalog fails with every problem, each naming its line and field. */
class CatalogFileTest {
    private static final String GOOD = """
            {
              "version": 1,
              "name": "test",
              "products": [
                {
                  "id": "pack",
                  "name": "Pack",
                  "kind": "pack",
                  "credits": 100,
                  "bonusCredits": 10,
                  "prices": {"EUR": 9.00, "USD": 10.00},
                  "paymentMethods": ["card", "alipay"],
                  "allowPromotionCodes": true,
                  "features": ["a", "b"],
                  "providerIds": {"stripe": {"test": "price_t", "production": "price_p"}}
                },
                {
                  "id": "monthly",
                  "name": "Monthly",
                  "kind": "plan",
                  "credits": 300,
                  "interval": "month",
                  "prices": {"USD": 19.90},
                  "unpaidPeriodsGrant": false,
                  "proration": "always_invoice"
                }
              ],
              "operations": {"image": {"base": 1, "options": {"quality": {"sd": 1, "hd": 2}}, "defaults": {"quality": "sd"}}}
            }
            """;

    @Test
    void aGoodCatalogBuildsEveryField() {
        CatalogFile.Catalog c = CatalogFile.parse("test.json", GOOD);
        Product pack = c.products().require("pack");
        assertEquals(List.of(Money.of("9", "eur"), Money.of("10", "usd")), pack.prices());
        assertEquals(Money.of("9", "eur"), pack.price(), "the first currency is the primary price");
        assertEquals(dev.prepaid.domain.Credits.of(110), pack.grantedCredits());
        assertEquals(List.of("card", "alipay"), pack.paymentMethods());
        assertTrue(pack.allowPromotionCodes());
        assertEquals(List.of("a", "b"), pack.features());
        assertEquals("price_p", c.products().providerId("stripe", "pack", "production").orElseThrow());
        assertEquals("price_t", c.products().providerId("stripe", "pack", "local").orElseThrow(), "local uses test");
        Product plan = c.products().require("monthly");
        assertEquals(false, plan.grantsUnpaidPeriods());
        assertEquals(Product.PlanChangeProration.ALWAYS_INVOICE, plan.proration());
        assertEquals(List.of("card"), plan.paymentMethods());
        assertEquals(List.of("image"), List.copyOf(c.operations().operations()));
        ValidationException e = assertThrows(ValidationException.class, () -> pack.priceFor("cny"));
        assertEquals("unsupported_currency", e.code());
    }

    @Test
    void errorsNameTheLineAndTheField() {
        String bad = GOOD.replace("\"prices\": {\"EUR\": 9.00, \"USD\": 10.00}", "\"prices\": {\"eur\": 9.001}")
                .replace("\"alipay\"", "\"paypal\"")
                .replace("\"interval\": \"month\",", "\"interval\": \"week\",");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CatalogFile.parse("bad.json", bad));
        String m = e.getMessage();
        assertTrue(m.startsWith("catalog bad.json is invalid:"), m);
        assertTrue(m.contains("line 11: products[0].prices.eur: a currency is a 3-letter upper-case"), m);
        assertTrue(m.contains("line 12: products[0].paymentMethods[1]: must be one of [card, alipay, wechat_pay, crypto]"), m);
        assertTrue(m.contains("line 22: products[1].interval: a plan needs interval month or year"), m);
    }

    @Test
    void missingAndUnknownFieldsAndBadJson() {
        String bad = GOOD.replace("\"name\": \"Pack\",", "\"title\": \"Pack\",");
        String m = assertThrows(IllegalStateException.class, () -> CatalogFile.parse("bad.json", bad)).getMessage();
        assertTrue(m.contains("line 7: products[0].title: unknown field"), m);
        assertTrue(m.contains("line 5: products[0].name: is required"), m);
        String broken = GOOD.replace("\"kind\": \"pack\",", "\"kind\": \"pack\"");
        m = assertThrows(IllegalStateException.class, () -> CatalogFile.parse("broken.json", broken)).getMessage();
        assertTrue(m.startsWith("catalog broken.json line 9 column"), m);
        String bonusOnPlan = GOOD.replace("\"credits\": 300,", "\"credits\": 300, \"bonusCredits\": 5,");
        m = assertThrows(IllegalStateException.class, () -> CatalogFile.parse("b.json", bonusOnPlan)).getMessage();
        assertTrue(m.contains("products[1].bonusCredits: bonus credits are for packs"), m);
        String badOp = GOOD.replace("\"defaults\": {\"quality\": \"sd\"}", "\"defaults\": {\"quality\": \"4k\"}");
        m = assertThrows(IllegalStateException.class, () -> CatalogFile.parse("o.json", badOp)).getMessage();
        assertTrue(m.contains("operations.image: pricing default for image.quality names no option"), m);
    }

    @Test
    void catalogFileWinsOverCatalogAndAnUnknownNameIsAClearError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.json");
        Files.writeString(file, GOOD);
        assertEquals("test", CatalogFile.fromEnv(new Env(Map.of("CATALOG_FILE", file.toString(), "CATALOG", "smartspec"))).name());
        assertEquals("smartspec", CatalogFile.fromEnv(new Env(Map.of("CATALOG", "smartspec"))).name());
        String m = assertThrows(IllegalStateException.class,
                () -> CatalogFile.fromEnv(new Env(Map.of("CATALOG", "nosuch")))).getMessage();
        assertTrue(m.startsWith("CATALOG nosuch: no catalog/nosuch.json is shipped"), m);
        assertThrows(IllegalStateException.class, () -> CatalogFile.fromEnv(new Env(Map.of("CATALOG", "../etc"))));
    }
}
