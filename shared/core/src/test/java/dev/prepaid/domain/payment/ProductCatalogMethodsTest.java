package dev.prepaid.domain.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-product payment methods and promotion codes in the properties catalog. */
class ProductCatalogMethodsTest {

    private static final String PACK = """
            pack.name = Pack
            pack.price = 9.99
            pack.currency = usd
            pack.credits = 100
            pack.type = one_time
            """;

    @Test
    void defaultsAreCardOnlyAndNoPromotionCodes() {
        for (Product product : ProductCatalog.defaults().all()) {
            assertEquals(List.of("card"), product.paymentMethods());
            assertFalse(product.allowPromotionCodes());
        }
    }

    @Test
    void parsesMethodsAndPromotionCodes() {
        Product pack = ProductCatalog.parse(PACK + """
                pack.payment_methods = card, Alipay ,wechat_pay,crypto
                pack.allow_promotion_codes = true
                """).require("pack");
        assertEquals(List.of("card", "alipay", "wechat_pay", "crypto"), pack.paymentMethods());
        assertTrue(pack.allowPromotionCodes());
        assertTrue(pack.offers("alipay"));
        assertFalse(pack.offers("paypal"));
    }

    @Test
    void rejectsUnknownDuplicateOrEmptyMethods() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProductCatalog.parse(PACK + "pack.payment_methods = card,usdt_trc20\n")).getMessage().contains("usdt_trc20"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProductCatalog.parse(PACK + "pack.payment_methods = card,card\n")).getMessage().contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProductCatalog.parse(PACK + "pack.payment_methods = card,,alipay\n")).getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProductCatalog.parse(PACK + "pack.allow_promotion_codes = yes\n")).getMessage().contains("allow_promotion_codes"));
    }

    @Test
    void subscriptionsAreCardOnly() {
        String plan = """
                plan.price = 19.90
                plan.credits = 300
                plan.type = subscription
                plan.interval = month
                """;
        assertTrue(ProductCatalog.parse(plan + "plan.allow_promotion_codes = true\n").require("plan")
                .allowPromotionCodes());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProductCatalog.parse(plan + "plan.payment_methods = card,alipay\n")).getMessage().contains("one-time"));
    }
}
