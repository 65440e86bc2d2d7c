package dev.prepaid.function.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.TestContext;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The public plans route: the seeds' catalog by default, a configured one when given, no token needed. */
class PlansRouteTest {

    @Test
    void listsTheDefaultCatalogWithoutAToken() throws Exception {
        CreditsQueryHandler handler = QueryHandlers.of(null, Clock.systemUTC(), ProductCatalog.defaults());
        APIGatewayV2HTTPResponse response = handler.handleRequest(Events.request("GET", "/api/credits/plans").build(),
                new TestContext("credits-query"));
        assertEquals(200, response.getStatusCode());
        JsonNode plans = Json.MAPPER.readTree(response.getBody()).get("plans");
        assertEquals(3, plans.size());
        assertEquals(0, new java.math.BigDecimal("7.90").compareTo(plans.get(0).get("price").decimalValue()));
        assertEquals("{\"id\":\"trial\",\"name\":\"Trial\",\"price\":7.9,\"currency\":\"usd\",\"prices\":{\"usd\":7.9},"
                + "\"credits\":100,\"bonusCredits\":0,\"type\":\"one_time\",\"interval\":null,\"features\":[],"
                + "\"paymentMethods\":[\"card\"]}", plans.get(0).toString());
        assertEquals("{\"id\":\"basic\",\"name\":\"Basic\",\"price\":19.9,\"currency\":\"usd\",\"prices\":{\"usd\":19.9},"
                + "\"credits\":300,\"bonusCredits\":0,\"type\":\"subscription\",\"interval\":\"month\",\"features\":[],"
                + "\"paymentMethods\":[\"card\"]}", plans.get(1).toString());
        assertEquals("pro", plans.get(2).get("id").asText());
        assertEquals(0, new java.math.BigDecimal("49.90").compareTo(plans.get(2).get("price").decimalValue()));
        assertEquals(1500, plans.get(2).get("credits").asInt());
    }

    /** The catalog file the environment names: features, bonus, every currency and the payment methods. */
    @Test
    void theCatalogFileShowsFeaturesBonusCurrenciesAndMethods() throws Exception {
        ProductCatalog catalog = dev.prepaid.wiring.CreditsQueryWiring.catalog(new dev.prepaid.adapter.config.Env(
                java.util.Map.of("CATALOG", "smartspec")));
        CreditsQueryHandler handler = QueryHandlers.of(null, Clock.systemUTC(), catalog);
        JsonNode plans = Json.MAPPER.readTree(handler.handleRequest(Events.request("GET", "/api/credits/plans").build(),
                new TestContext("credits-query")).getBody()).get("plans");
        assertEquals(11, plans.size());
        JsonNode pro = plans.get(1);
        assertEquals("pro_monthly", pro.get("id").asText());
        assertEquals("[\"All generation types\",\"Priority queue\",\"API access\"]", pro.get("features").toString());
        JsonNode enterprisePack = plans.get(10);
        assertEquals("enterprise", enterprisePack.get("id").asText());
        assertEquals(750, enterprisePack.get("bonusCredits").asInt());
        JsonNode personalink = Json.MAPPER.readTree(QueryHandlers.of(null, Clock.systemUTC(),
                dev.prepaid.wiring.CreditsQueryWiring.catalog(new dev.prepaid.adapter.config.Env(java.util.Map.of("CATALOG", "personalink"))))
                .handleRequest(Events.request("GET", "/api/credits/plans").build(), new TestContext("credits-query"))
                .getBody()).get("plans").get(0);
        assertEquals("{\"cny\":9.99,\"usd\":1.49}", personalink.get("prices").toString());
        assertEquals("[\"card\",\"alipay\",\"wechat_pay\"]", personalink.get("paymentMethods").toString());
    }

    @Test
    void aConfiguredCatalogReplacesTheDefaults() throws Exception {
        ProductCatalog catalog = ProductCatalog.parse("""
                starter.name = Starter
                starter.price = 5
                starter.currency = eur
                starter.credits = 50
                starter.type = one_time
                """);
        CreditsQueryHandler handler = QueryHandlers.of(null, Clock.systemUTC(), catalog);
        JsonNode plans = Json.MAPPER.readTree(handler.handleRequest(Events.request("GET", "/api/credits/plans").build(),
                new TestContext("credits-query")).getBody()).get("plans");
        assertEquals(1, plans.size());
        assertEquals("eur", plans.get(0).get("currency").asText());
        assertEquals(50, plans.get(0).get("credits").asInt());
    }
}
