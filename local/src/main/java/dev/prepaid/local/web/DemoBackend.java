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
 * verifies the user's token, then, with its own service token (scope {@code credits/write}), holds the price of
 * {@code operation: video_generation} ({@code POST /api/credits/holds}, a fresh idempotency key) while the
 * (imaginary) video renders, and then captures the hold ({@code .../capture}: the usage entry) and answers its
 * body (plus {@code amount} and a demo {@code videoId}); with {@code ?fail=true} the render "fails" and the hold is
 * released ({@code .../release}): 502 {@code video_failed}, no credits used. A refused hold's 402 is passed on.
 */
public final class DemoBackend implements ApiGatewayStandIn.RawRoute {
    public static final String PATH = "/demo/generate-video";
    static final String SERVICE_SUBJECT = "demo-app-backend";
    static final String WRITE_SCOPE = "credits/write";

    private final LocalTokens tokens;
    private final String creditsUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public DemoBackend(LocalTokens tokens, URI baseUrl) {
        this.tokens = tokens;
        this.creditsUrl = baseUrl.toString().replaceAll("/$", "") + "/api/credits";
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
        boolean fail = String.valueOf(exchange.getRequestURI().getRawQuery()).contains("fail=true");
        // 1. hold the job's price: the credits are reserved while the (imaginary) video renders
        ObjectNode hold = Http.JSON.createObjectNode();
        hold.put("userId", claims.get("sub"));
        hold.put("operation", "video_generation");
        hold.put("idempotencyKey", "demo-video-" + UUID.randomUUID());
        hold.put("ttlSeconds", 600);
        hold.put("description", "Demo: generate a video");
        Reply held = post(exchange, creditsUrl + "/holds", serviceToken, hold);
        if (held == null) {
            return true;
        }
        if (held.status() != 200) {
            Http.json(exchange, held.status(), held.body(), held.headers());
            return true;
        }
        String holdId = held.body().path("holdId").asText();
        // 2. the render ends: capture the cost on success, release the hold on a (simulated) failure
        Reply ended = post(exchange, creditsUrl + "/holds/" + holdId + (fail ? "/release" : "/capture"), serviceToken,
                Http.JSON.createObjectNode());
        if (ended == null) {
            return true;
        }
        if (ended.status() != 200) {
            Http.json(exchange, ended.status(), ended.body(), ended.headers());
            return true;
        }
        ObjectNode answer = (ObjectNode) ended.body();
        if (fail) {
            ObjectNode failed = Http.JSON.createObjectNode();
            failed.put("error", "video_failed");
            failed.put("message", "the render failed (simulated): the hold was released, no credits were used");
            failed.put("holdId", holdId);
            failed.put("released", held.body().path("amount").decimalValue());
            failed.put("balance", held.body().path("balance").decimalValue());
            Http.json(exchange, 502, failed, Map.of());
            return true;
        }
        answer.put("amount", answer.path("capturedAmount").decimalValue());
        answer.put("videoId", "demo_vid_" + UUID.randomUUID().toString().substring(0, 8));
        Http.json(exchange, 200, answer, Map.of());
        return true;
    }

    private record Reply(int status, JsonNode body, Map<String, String> headers) {
    }

    /** POSTs to the credits API as the app's backend; null when it did not answer (the error is already sent). */
    private Reply post(HttpExchange exchange, String url, String serviceToken, ObjectNode body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .header("authorization", "Bearer " + serviceToken)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Http.JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Http.error(exchange, 503, "unavailable", "interrupted");
            return null;
        } catch (IOException e) {
            Http.error(exchange, 502, "credits_unavailable", "the credits API did not answer: " + e.getClass().getSimpleName());
            return null;
        }
        JsonNode parsed;
        try {
            parsed = Http.JSON.readTree(response.body());
        } catch (IOException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            Http.error(exchange, 502, "credits_unavailable", "the credits API answered HTTP " + response.statusCode());
            return null;
        }
        Map<String, String> headers = response.headers().firstValue("retry-after")
                .map(v -> Map.of("retry-after", v)).orElse(Map.of());
        return new Reply(response.statusCode(), parsed, headers);
    }
}
