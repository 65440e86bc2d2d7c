package dev.prepaid.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.prepaid.testing.ApiGatewayStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers for the local-only routes (they answer like the API: JSON errors with a code and a message). */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    static String path(HttpExchange exchange) {
        return exchange.getRequestURI().getRawPath();
    }

    static boolean is(HttpExchange exchange, String method) {
        return exchange.getRequestMethod().equalsIgnoreCase(method);
    }

    /** The request body, at most {@code max} bytes; null when it is larger. */
    static byte[] body(HttpExchange exchange, int max) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(max + 1);
            return body.length > max ? null : body;
        }
    }

    static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
        return headers;
    }

    static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        json(exchange, status, body, Map.of());
    }

    static void json(HttpExchange exchange, int status, JsonNode body, Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("content-type", "application/json");
        all.put("cache-control", "no-store");
        ApiGatewayStandIn.write(exchange, status, all, ApiGatewayStandIn.withNewlineIfJson(all, JSON.writeValueAsBytes(body)));
    }

    static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", code);
        body.put("message", message);
        json(exchange, status, body);
    }

    static void html(HttpExchange exchange, int status, String html) throws IOException {
        ApiGatewayStandIn.write(exchange, status, Map.of("content-type", "text/html; charset=utf-8", "cache-control", "no-store"),
                html.getBytes(StandardCharsets.UTF_8));
    }

    static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        ApiGatewayStandIn.write(exchange, status, Map.of("location", location, "cache-control", "no-store"), new byte[0]);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
