package dev.prepaid.function.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.TestContext;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public price list: every operation of the pricing catalog with its unit and modifiers, no token needed. */
class PricesRouteTest {

    private static JsonNode prices(CreditsQueryHandler handler) throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(Events.request("GET", "/api/credits/prices").build(),
                new TestContext("credits-query"));
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Json.MAPPER.readTree(response.getBody());
    }

    @Test
    void listsTheDefaultOperationsWithTheirModifiersWithoutAToken() throws Exception {
        JsonNode body = prices(QueryHandlers.of(null, Clock.systemUTC(), ProductCatalog.defaults(),
                PricingCatalog.defaults()));
        Map<String, JsonNode> byName = new java.util.TreeMap<>();
        body.get("operations").forEach(op -> byName.put(op.get("operation").asText(), op));
        assertEquals(java.util.Set.of("audio", "image", "image_generation", "storage", "video", "video_generation"),
                byName.keySet());
        assertEquals("{\"operation\":\"image\",\"base\":1,\"unit\":{\"kind\":\"call\"},\"options\":[{\"param\":\"quality\","
                + "\"default\":\"standard\",\"multipliers\":{\"4k\":2,\"hd\":1.5,\"standard\":1}}],\"thresholds\":[]}",
                byName.get("image").toString());
        assertEquals("{\"operation\":\"video\",\"base\":5,\"unit\":{\"kind\":\"call\"},\"options\":[],"
                + "\"thresholds\":[{\"param\":\"durationSeconds\",\"above\":5,\"multiplier\":2}]}", byName.get("video").toString());
        assertEquals("{\"kind\":\"started\",\"param\":\"durationSeconds\",\"size\":30}", byName.get("audio").get("unit").toString());
        assertEquals("{\"kind\":\"product\",\"params\":[\"gb\",\"months\"]}", byName.get("storage").get("unit").toString());
        assertEquals("0.01", byName.get("storage").get("base").decimalValue().toPlainString());
        assertEquals(20, byName.get("video_generation").get("base").asInt());
        assertEquals("up to 0.01", body.get("rounding").asText());
    }

    @Test
    void pricingCatalogFromTheCatalogFileReplacesTheDefaults(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("chat.json");
        java.nio.file.Files.writeString(file, """
                {"version": 1, "name": "chat",
                 "products": [{"id": "pack", "name": "Pack", "kind": "pack", "credits": 10, "prices": {"USD": 1}}],
                 "operations": {"chat": {"base": 0.25, "options": {"model": {"small": 1, "large": 4}}}}}
                """);
        Env env = new Env(Map.of("CATALOG_FILE", file.toString()));
        JsonNode operations = prices(QueryHandlers.of(null, Clock.systemUTC(), ProductCatalog.defaults(),
                dev.prepaid.wiring.CreditsQueryWiring.pricing(env))).get("operations");
        assertEquals(1, operations.size());
        assertEquals("{\"operation\":\"chat\",\"base\":0.25,\"unit\":{\"kind\":\"call\"},\"options\":[{\"param\":\"model\","
                + "\"default\":null,\"multipliers\":{\"large\":4,\"small\":1}}],\"thresholds\":[]}", operations.get(0).toString());
    }
}
