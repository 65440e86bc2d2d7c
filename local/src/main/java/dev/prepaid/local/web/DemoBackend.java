package dev.prepaid.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.prepaid.local.auth.Hs256Jwt;
import dev.prepaid.local.auth.LocalTokens;
import dev.prepaid.testing.ApiGatewayStandIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /demo/generate-video} (local only): what an AI app's backend does before expensive work. It
 * verifies the user's token, then, with its own service token (scope {@code credits/write}), calls
 * {@code POST /api/credits/deduct} with {@code operation: video_generation} and a fresh idempotency key, and
 * answers the deduct's status and body (plus a demo {@code videoId} when the credits were taken).
 */
public final class DemoBackend implements ApiGatewayStandIn.RawRoute {
    public static final String PATH = "/demo/generate-video";
    static final String SERVICE_SUBJECT = "demo-app-backend";
    static final String WRITE_SCOPE = "credits/write";

    private final LocalTokens tokens;
    private final URI deductUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public DemoBackend(LocalTokens tokens, URI baseUrl) {
        this.tokens = tokens;
        this.deductUrl = URI.create(baseUrl.toString().replaceAll("/$", "") + "/api/credits/deduct");
    }

    @Override
    public boolean handle(HttpExchange exchange) throws IOException {
        if (!Http.path(exchange).equals(PATH)) {
            return false;
        }
        Http.body(exchange, 64 * 1024);
        if (!Http.is(exchange, "POST")) {
            exchange.getResponseHeaders().add("allow", "POST");
            Http.error(exchange, 405, "method_not_allowed", "use POST " + PATH);
            return true;
        }
        String userToken = LocalTokens.bearer(Http.headers(exchange));
        Map<String, String> claims;
        try {
            claims = tokens.verify(userToken);
        } catch (Hs256Jwt.InvalidTokenException e) {
            Http.error(exchange, 401, "unauthorized", "sign in first (" + e.getMessage() + ")");
            return true;
        }
        String serviceToken = tokens.issue(SERVICE_SUBJECT, WRITE_SCOPE, Duration.ofMinutes(5));
        ObjectNode deduct = Http.JSON.createObjectNode();
        deduct.put("userId", claims.get("sub"));
        deduct.put("operation", "video_generation");
        deduct.put("idempotencyKey", "demo-video-" + UUID.randomUUID());
        deduct.put("description", "Demo: generate a video");
        HttpRequest request = HttpRequest.newBuilder(deductUrl)
                .timeout(Duration.ofSeconds(15))
                .header("authorization", "Bearer " + serviceToken)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Http.JSON.writeValueAsBytes(deduct)))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Http.error(exchange, 503, "unavailable", "interrupted");
            return true;
        } catch (IOException e) {
            Http.error(exchange, 502, "credits_unavailable", "the credits API did not answer: " + e.getClass().getSimpleName());
            return true;
        }
        JsonNode body;
        try {
            body = Http.JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            Http.error(exchange, 502, "credits_unavailable", "the credits API answered HTTP " + response.statusCode());
            return true;
        }
        if (response.statusCode() == 200) {
            ((ObjectNode) body).put("videoId", "demo_vid_" + UUID.randomUUID().toString().substring(0, 8));
        }
        Map<String, String> headers = response.headers().firstValue("retry-after")
                .map(v -> Map.of("retry-after", v)).orElse(Map.of());
        Http.json(exchange, response.statusCode(), body, headers);
        return true;
    }
}
