package dev.prepaid.adapter.in.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** An API Gateway HTTP API (payload format 2.0) request, as the handlers need it. */
public final class HttpRequest {
    /** Bodies larger than this are refused with 413 before they are parsed. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final APIGatewayV2HTTPEvent event;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> pathParameters = new TreeMap<>();

    public HttpRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
        if (event.getHeaders() != null) {
            headers.putAll(event.getHeaders());
        }
    }

    public APIGatewayV2HTTPEvent event() {
        return event;
    }

    public String method() {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        String method = context != null && context.getHttp() != null ? context.getHttp().getMethod() : null;
        return method == null ? "" : method.toUpperCase(Locale.ROOT);
    }

    public String path() {
        String path = event.getRawPath();
        if (path == null && event.getRequestContext() != null && event.getRequestContext().getHttp() != null) {
            path = event.getRequestContext().getHttp().getPath();
        }
        return path == null ? "/" : path;
    }

    public String requestId() {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        return context == null || context.getRequestId() == null ? "-" : context.getRequestId();
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String query(String name) {
        return event.getQueryStringParameters() == null ? null : event.getQueryStringParameters().get(name);
    }

    /** A query parameter that must be a whole number (400 {@code invalid_<name>} otherwise); absent: the fallback. */
    public int wholeNumberQuery(String name, int fallback) {
        String raw = query(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        // ASCII digits only: Character.isDigit would also pass other scripts' digits ("١٠").
        if (raw.length() > 9 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiException.badRequest("invalid_" + name, name + " must be a whole number");
        }
        return Integer.parseInt(raw);
    }

    public Map<String, String> queryParameters() {
        return event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
    }

    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    void pathParameters(Map<String, String> values) {
        pathParameters.clear();
        pathParameters.putAll(values);
    }

    /** The raw body bytes, base64-decoded when API Gateway encoded them (webhook signatures need the raw bytes). */
    public byte[] body() {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (event.getIsBase64Encoded()) {
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_body", "body is not valid base64");
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** JWT claims verified by the API Gateway authorizer, or an empty map. */
    public Map<String, String> claims() {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
                || context.getAuthorizer().getJwt().getClaims() == null) {
            return Map.of();
        }
        return context.getAuthorizer().getJwt().getClaims();
    }

    public java.util.List<String> authorizerScopes() {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
                || context.getAuthorizer().getJwt().getScopes() == null) {
            return java.util.List.of();
        }
        return context.getAuthorizer().getJwt().getScopes();
    }
}
