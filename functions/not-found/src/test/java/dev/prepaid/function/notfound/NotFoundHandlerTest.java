package dev.prepaid.function.notfound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** JSON 404 / 405 (with Allow) for whatever reaches the $default route. */
class NotFoundHandlerTest {
    private final NotFoundHandler handler = new NotFoundHandler();

    private APIGatewayV2HTTPResponse call(String method, String path) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(path)
                .withHeaders(Map.of("accept", "application/json"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("test")
                        .withRouteKey("$default")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build())
                        .build())
                .build();
        return handler.handleRequest(event, null);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws IOException {
        assertEquals("application/json", response.getHeaders().get("content-type"));
        return Json.MAPPER.readTree(response.getBody());
    }

    @Test
    void anUnknownPathIsAJson404() throws IOException {
        for (String path : List.of("/", "/api", "/api/credits/balances", "/api/credits/balance/x", "/nope",
                "/api/payment/orders", "/api/admin/dlq/redrive/now")) {
            APIGatewayV2HTTPResponse response = call("GET", path);
            assertEquals(404, response.getStatusCode(), path);
            assertEquals("not_found", json(response).path("error").asText(), path);
            assertFalse(response.getHeaders().containsKey("allow"), path);
        }
    }

    @Test
    void aKnownPathWithAnotherMethodIsA405WithAllow() throws IOException {
        APIGatewayV2HTTPResponse deduct = call("GET", "/api/credits/deduct");
        assertEquals(405, deduct.getStatusCode());
        assertEquals("method_not_allowed", json(deduct).path("error").asText());
        assertEquals("OPTIONS, POST", deduct.getHeaders().get("allow"));

        // GET and POST on the same path (the browser's callback and the providers' webhooks)
        APIGatewayV2HTTPResponse callback = call("DELETE", "/api/payment/callback");
        assertEquals(405, callback.getStatusCode());
        assertEquals("GET, OPTIONS, POST", callback.getHeaders().get("allow"));

        // a path parameter
        APIGatewayV2HTTPResponse order = call("POST", "/api/payment/orders/ord_123");
        assertEquals(405, order.getStatusCode());
        assertEquals("GET, OPTIONS", order.getHeaders().get("allow"));
        assertEquals(405, call("PUT", "/api/admin/orders/o1/reconcile").getStatusCode());
    }

    @Test
    void aPreflightOnAKnownPathIs204AndOnAnUnknownOne404() {
        assertEquals(204, call("OPTIONS", "/api/credits/balance").getStatusCode());
        assertEquals(404, call("OPTIONS", "/api/credits/nothing").getStatusCode());
    }

    @Test
    void theExactRouteThatApiGatewayDidNotRouteIs404() throws IOException {
        APIGatewayV2HTTPResponse response = call("GET", "/api/credits/balance/");
        assertEquals(404, response.getStatusCode());
        assertEquals("not_found", json(response).path("error").asText());
    }

    @Test
    void everyRouteKeyIsAMethodAndAPath() {
        assertEquals(NotFoundHandler.ROUTE_KEYS.size(), Set.copyOf(NotFoundHandler.ROUTE_KEYS).size(), "a route twice");
        NotFoundHandler.ROUTE_KEYS.forEach(key -> assertTrue(key.matches("(GET|POST|PUT|PATCH|DELETE) /api/[^ ]+"), key));
        assertThrows(IllegalArgumentException.class, () -> new NotFoundHandler(List.of("/api/x")));
    }

    @Test
    void theSampleEventsGetTheirAnswers() throws IOException {
        Path events = Path.of("../../events/not-found");
        APIGatewayV2HTTPEvent unknown = event(events.resolve("unknown-path.json"));
        assertEquals(404, handler.handleRequest(unknown, null).getStatusCode());
        APIGatewayV2HTTPEvent wrongMethod = event(events.resolve("wrong-method.json"));
        assertEquals(405, handler.handleRequest(wrongMethod, null).getStatusCode());
    }

    private static APIGatewayV2HTTPEvent event(Path file) throws IOException {
        JsonNode json = Json.MAPPER.readTree(Files.readString(file));
        return APIGatewayV2HTTPEvent.builder()
                .withVersion(json.path("version").asText())
                .withRouteKey(json.path("routeKey").asText())
                .withRawPath(json.path("rawPath").asText())
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(json.path("requestContext").path("requestId").asText())
                        .withRouteKey(json.path("requestContext").path("routeKey").asText())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(json.path("requestContext").path("http").path("method").asText())
                                .withPath(json.path("requestContext").path("http").path("path").asText()).build())
                        .build())
                .build();
    }
}
