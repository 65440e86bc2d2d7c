package dev.prepaid.function.order;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.adapter.catalog.CatalogFile;
import dev.prepaid.domain.payment.ProductCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public config's enabled payment methods come from the shipped catalog files, per active provider. */
class PaymentConfigMethodsTest {

    private static ProductCatalog shipped(String name) {
        return CatalogFile.shipped(name).products();
    }

    @Test
    void theMethodsAreThoseTheCatalogsProductsOfferInTheirOrder() {
        assertEquals(List.of("card", "alipay", "wechat_pay"),
                PaymentConfig.enabledMethods("stripe", shipped("personalink")));
        assertEquals(List.of("card"), PaymentConfig.enabledMethods("stripe", shipped("aiasmr")));
        assertEquals(List.of("card", "alipay", "wechat_pay"),
                PaymentConfig.enabledMethods("mock", shipped("personalink")));
    }

    @Test
    void creemsCheckoutTakesNoChoiceSoItIsCardOnly() {
        assertEquals(List.of("card"), PaymentConfig.enabledMethods("creem", shipped("personalink")));
    }
}
