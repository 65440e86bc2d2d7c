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
        CreditsQueryHandler handler = new CreditsQueryHandler(null, Clock.systemUTC(), ProductCatalog.defaults());
        APIGatewayV2HTTPResponse response = handler.handleRequest(Events.request("GET", "/api/credits/plans").build(),
                new TestContext("credits-query"));
        assertEquals(200, response.getStatusCode());
        JsonNode plans = Json.MAPPER.readTree(response.getBody()).get("plans");
        assertEquals(3, plans.size());
        assertEquals(0, new java.math.BigDecimal("7.90").compareTo(plans.get(0).get("price").decimalValue()));
        assertEquals("{\"id\":\"trial\",\"name\":\"Trial\",\"price\":7.9,\"currency\":\"usd\",\"credits\":100,\"type\":\"one_time\",\"interval\":null}",
                plans.get(0).toString());
        assertEquals("{\"id\":\"basic\",\"name\":\"Basic\",\"price\":19.9,\"currency\":\"usd\",\"credits\":300,\"type\":\"subscription\",\"interval\":\"month\"}",
                plans.get(1).toString());
        assertEquals("pro", plans.get(2).get("id").asText());
        assertEquals(0, new java.math.BigDecimal("49.90").compareTo(plans.get(2).get("price").decimalValue()));
        assertEquals(1500, plans.get(2).get("credits").asInt());
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
        CreditsQueryHandler handler = new CreditsQueryHandler(null, Clock.systemUTC(), catalog);
        JsonNode plans = Json.MAPPER.readTree(handler.handleRequest(Events.request("GET", "/api/credits/plans").build(),
                new TestContext("credits-query")).getBody()).get("plans");
        assertEquals(1, plans.size());
        assertEquals("eur", plans.get(0).get("currency").asText());
        assertEquals(50, plans.get(0).get("credits").asInt());
    }
}
