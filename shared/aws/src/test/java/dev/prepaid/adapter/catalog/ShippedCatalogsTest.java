package dev.prepaid.adapter.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProductType;
import dev.prepaid.domain.pricing.PricingCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every catalog shipped in catalog/ loads through the same checks a cold start runs (the build-time half of
 * "schema-validated at build and at cold start"), and each seed says what its source document says.
 */
class ShippedCatalogsTest {
    private static final Path DIR = Path.of("../../catalog");

    static List<String> shippedNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.equals("catalog.schema.json"))
                    .sorted().forEach(n -> names.add(n.substring(0, n.length() - ".json".length())));
        }
        return names;
    }

    @Test
    void everyShippedCatalogLoadsFromTheFileAndFromTheJar() throws IOException {
        List<String> names = shippedNames();
        assertEquals(List.of("aiasmr", "audiobook", "personalink", "smartspec"), names);
        for (String name : names) {
            CatalogFile.Catalog fromFile = CatalogFile.parse(name + ".json", Files.readString(DIR.resolve(name + ".json")));
            CatalogFile.Catalog fromJar = CatalogFile.shipped(name);
            assertEquals(name, fromFile.name(), "a catalog's name is its file name");
            assertEquals(fromFile.products().all().stream().toList(), fromJar.products().all().stream().toList(), name);
            assertEquals(PricingCatalog.defaults().prices(), fromFile.operations().prices(),
                    name + ": the seeds carry the default operation prices");
        }
    }

    @Test
    void theDefaultCatalogIsAiasmrAndEqualsTheBuiltInDefaults() {
        CatalogFile.Catalog catalog = CatalogFile.fromEnv(new Env(Map.of()));
        assertEquals("aiasmr", catalog.name());
        List<Product> builtIn = ProductCatalog.defaults().all().stream().toList();
        List<Product> file = catalog.products().all().stream().toList();
        assertEquals(builtIn.size(), file.size());
        for (int i = 0; i < file.size(); i++) {
            Product a = builtIn.get(i);
            Product b = file.get(i);
            assertEquals(List.of(a.id(), a.name(), a.price(), a.credits(), a.type(), String.valueOf(a.interval())),
                    List.of(b.id(), b.name(), b.price(), b.credits(), b.type(), String.valueOf(b.interval())));
        }
        assertEquals("prod_4oJ0n9ZOU0x2Tn9rQ1oDJ5", catalog.products().providerId("creem", "trial", "production").orElseThrow());
        assertTrue(catalog.products().providerId("creem", "trial", "test").isEmpty());
    }

    @Test
    void smartSpecHasThreePlansMonthlyAndYearlyAndSixPacksWithBonus() {
        ProductCatalog c = CatalogFile.shipped("smartspec").products();
        assertEquals(List.of("free", "pro_monthly", "pro_yearly", "enterprise_monthly", "enterprise_yearly"),
                c.all().stream().filter(Product::isSubscription).map(Product::id).toList());
        assertEquals(Money.of("29", "usd"), c.require("pro_monthly").price());
        assertEquals("year", c.require("enterprise_yearly").interval());
        List<Product> packs = c.all().stream().filter(p -> !p.isSubscription()).toList();
        assertEquals(6, packs.size());
        assertEquals(List.of("0", "5", "15", "40", "100", "750"),
                packs.stream().map(p -> p.bonusCredits().toString()).toList());
        assertEquals(Credits.of(5750), c.require("enterprise").grantedCredits(), "5,000 + 750 in one grant");
        assertEquals(Credits.of(105), c.require("basic").grantedCredits());
        assertTrue(c.require("pro_monthly").allowPromotionCodes());
        assertEquals(List.of("All generation types", "Priority queue", "API access"), c.require("pro_monthly").features());
    }

    @Test
    void personaLinkSellsCnyPacksByCardAlipayAndWechatPay() {
        ProductCatalog c = CatalogFile.shipped("personalink").products();
        assertEquals(List.of("starter", "popular", "premium", "ultimate"), c.all().stream().map(Product::id).toList());
        assertEquals(Money.of("9.99", "cny"), c.require("starter").price());
        assertEquals(Credits.of(50), c.require("starter").credits());
        assertEquals(Money.of("69.99", "cny"), c.require("ultimate").price());
        assertEquals(Credits.of(500), c.require("ultimate").credits());
        for (Product p : c.all()) {
            assertEquals(List.of("card", "alipay", "wechat_pay"), p.paymentMethods(), p.id());
            assertEquals(ProductType.ONE_TIME, p.type());
            assertEquals("cny", p.price().currency(), "CNY is the primary price");
        }
        assertEquals(Money.of("1.49", "usd"), c.require("starter").priceFor("USD"));
    }

    @Test
    void audioBookSellsThreePacks() {
        ProductCatalog c = CatalogFile.shipped("audiobook").products();
        assertEquals(List.of("starter:500:4.99 USD", "creator:1500:14.99 USD", "professional:3500:29.99 USD"),
                c.all().stream().map(p -> p.id() + ":" + p.credits() + ":" + p.price()).toList());
        assertEquals(List.of("card"), c.require("creator").paymentMethods(), "the default method");
        assertFalse(c.require("creator").allowPromotionCodes(), "promotion codes are off by default");
    }

    /** The hand-written checks and the JSON Schema name the same fields: a field added to one is added to both. */
    @Test
    void theSchemaAndTheLoaderKnowTheSameFields() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(DIR.resolve("catalog.schema.json").toFile());
        assertEquals(new TreeSet<>(CatalogFile.TOP_FIELDS), names(schema.path("properties")));
        assertEquals(new TreeSet<>(CatalogFile.PRODUCT_FIELDS), names(schema.at("/$defs/product/properties")));
        assertEquals(new TreeSet<>(CatalogFile.OPERATION_FIELDS), names(schema.at("/$defs/operation/properties")));
        List<String> methods = new ArrayList<>();
        schema.at("/$defs/product/properties/paymentMethods/items/enum").forEach(n -> methods.add(n.asText()));
        assertEquals(Product.PAYMENT_METHODS, methods);
        List<String> providers = new ArrayList<>();
        schema.at("/$defs/product/properties/providerIds/properties").fieldNames().forEachRemaining(providers::add);
        assertEquals(CatalogFile.PROVIDERS, providers);
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
