package dev.prepaid.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.local.auth.LocalTokens;
import dev.prepaid.testing.ApiGatewayStandIn;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /dev/token} (local only): {@code {"sub": "alice", "scope": "credits/write"}} answers
 * {@code {"token": "<HS256 JWT>", "expiresIn": 3600}}. The subject follows the API's user id rules; the scope
 * is optional (a user's token has none; an app backend's has {@code credits/write}).
 */
public final class DevTokenRoute implements ApiGatewayStandIn.RawRoute {
    public static final String PATH = "/dev/token";
    private static final Set<String> FIELDS = Set.of("sub", "scope");

    private final LocalTokens tokens;

    public DevTokenRoute(LocalTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean handle(HttpExchange exchange) throws IOException {
        if (!Http.path(exchange).equals(PATH)) {
            return false;
        }
        if (!Http.is(exchange, "POST")) {
            exchange.getResponseHeaders().add("allow", "POST");
            Http.error(exchange, 405, "method_not_allowed", "use POST " + PATH);
            return true;
        }
        byte[] body = Http.body(exchange, 16 * 1024);
        if (body == null) {
            Http.error(exchange, 413, "payload_too_large", "the body is too large");
            return true;
        }
        JsonNode request;
        try {
            request = Http.JSON.readTree(body);
        } catch (IOException e) {
            Http.error(exchange, 400, "invalid_json", "the body must be JSON: {\"sub\": \"alice\", \"scope\": \"credits/write\"}");
            return true;
        }
        if (request == null || !request.isObject()) {
            Http.error(exchange, 400, "invalid_json", "the body must be a JSON object: {\"sub\": \"alice\"}");
            return true;
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                Http.error(exchange, 400, "unknown_field", "unknown field " + name + " (allowed: sub, scope)");
                return true;
            }
        }
        JsonNode sub = request.get("sub");
        JsonNode scope = request.get("scope");
        if (sub == null || !sub.isTextual()) {
            Http.error(exchange, 400, "invalid_user_id", "sub (a string) is required");
            return true;
        }
        if (scope != null && !scope.isNull() && !scope.isTextual()) {
            Http.error(exchange, 400, "invalid_scope", "scope must be a string of space-separated scopes");
            return true;
        }
        String token;
        try {
            token = tokens.issue(sub.asText(), scope == null || scope.isNull() ? null : scope.asText().trim(), LocalTokens.DEFAULT_TTL);
        } catch (ValidationException e) {
            Http.error(exchange, 400, e.code(), e.getMessage());
            return true;
        }
        ObjectNode response = Http.JSON.createObjectNode();
        response.put("token", token);
        response.put("expiresIn", LocalTokens.DEFAULT_TTL.toSeconds());
        Http.json(exchange, 200, response);
        return true;
    }
}
