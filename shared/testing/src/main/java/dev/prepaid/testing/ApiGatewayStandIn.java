package dev.prepaid.testing;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for API Gateway's HTTP API on a loopback port: it matches a route, runs the route's
 * authorizer (a function from the request's headers to verified JWT claims, or none for public routes),
 * builds the payload format 2.0 event exactly as API Gateway would, invokes the Lambda handler and
 * writes its response. Requests are served concurrently (a mock checkout page posts webhooks back to
 * this same server while its own request is open).
 */
public final class ApiGatewayStandIn implements AutoCloseable {
    /** Verifies a request's bearer token; returns its claims, or null to answer 401. */
    public interface Authorizer extends Function<Map<String, String>, Map<String, String>> {
    }

    /** Anything that is not an API Gateway route: static pages, the mock checkout, /dev/token. */
    public interface RawRoute {
        /** Returns true when it handled the exchange. */
        boolean handle(HttpExchange exchange) throws IOException;
    }

    private record Route(String method, String[] segments, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                         String functionName, Authorizer authorizer, List<String> scopes) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<RawRoute> rawRoutes = new CopyOnWriteArrayList<>();
    private volatile Route defaultRoute;
    private volatile boolean newlineAfterJson;

    public ApiGatewayStandIn(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port, e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * End every JSON answer (the functions' and this stand-in's own) with a newline, so that curl's output at
     * a terminal does not run into the prompt. For the local runner only: API Gateway sends a function's body
     * as it is, and the tests compare bodies byte for byte.
     */
    public ApiGatewayStandIn newlineAfterJson() {
        newlineAfterJson = true;
        return this;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * @param authorizer null for a public route
     * @param scopes     scopes the token must carry (API Gateway's AuthorizationScopes)
     */
    public ApiGatewayStandIn route(String method, String path, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                                   String functionName, Authorizer authorizer, List<String> scopes) {
        routes.add(new Route(method.toUpperCase(Locale.ROOT), path.split("/"), handler, functionName, authorizer,
                scopes == null ? List.of() : List.copyOf(scopes)));
        return this;
    }

    /**
     * The {@code $default} route: every request no route matches (an unknown path, or a known path with another
     * method) goes to it, with route key {@code $default} and no path parameters, as API Gateway does. Without one,
     * such a request gets API Gateway's own {@code 404 {"message":"Not Found"}}.
     *
     * @param authorizer null for a public catch-all
     */
    public ApiGatewayStandIn defaultRoute(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                                          String functionName, Authorizer authorizer, List<String> scopes) {
        defaultRoute = new Route("ANY", null, handler, functionName, authorizer, scopes == null ? List.of() : List.copyOf(scopes));
        return this;
    }

    public ApiGatewayStandIn raw(RawRoute route) {
        rawRoutes.add(route);
        return this;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            for (RawRoute raw : rawRoutes) {
                if (raw.handle(exchange)) {
                    return;
                }
            }
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            Route match = null;
            Map<String, String> pathParameters = null;
            for (Route route : routes) {
                Map<String, String> params = match(route.segments, path.split("/"));
                if (params != null && route.method.equals(method)) {
                    match = route;
                    pathParameters = params;
                    break;
                }
            }
            if (match == null && defaultRoute != null) {
                match = defaultRoute;
                pathParameters = Map.of();
            }
            if (match == null) {
                // API Gateway's own answer for a request no route takes (known path or not), without a $default route
                answer(exchange, 404, Map.of("content-type", "application/json"),
                        "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            Map<String, String> claims = null;
            if (match.authorizer != null) {
                claims = match.authorizer.apply(headers);
                if (claims == null) {
                    answer(exchange, 401, Map.of("content-type", "application/json", "www-authenticate", "Bearer"),
                            "{\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                List<String> granted = List.of(claims.getOrDefault("scope", "").trim().split("\\s+"));
                // API Gateway's rule: a route with scopes is authorised when the token holds any one of them.
                if (!match.scopes.isEmpty() && match.scopes.stream().noneMatch(granted::contains)) {
                    answer(exchange, 403, Map.of("content-type", "application/json"),
                            "{\"message\":\"Forbidden\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(10 * 1024 * 1024 + 1);
            }
            if (body.length > 10 * 1024 * 1024) {
                answer(exchange, 413, Map.of("content-type", "application/json"),
                        "{\"message\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            APIGatewayV2HTTPEvent event = event(exchange, method, path, headers, pathParameters, claims, match, body);
            Route invoked = match;
            APIGatewayV2HTTPResponse response = FunctionScope.call(invoked.functionName,
                    () -> invoked.handler.handleRequest(event, new TestContext(invoked.functionName)));
            byte[] out = response.getBody() == null ? new byte[0]
                    : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                    : response.getBody().getBytes(StandardCharsets.UTF_8);
            answer(exchange, response.getStatusCode(), response.getHeaders() == null ? Map.of() : response.getHeaders(), out);
        } catch (RuntimeException e) {
            answer(exchange, 500, Map.of("content-type", "application/json"),
                    "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static APIGatewayV2HTTPEvent event(HttpExchange exchange, String method, String path, Map<String, String> headers,
                                               Map<String, String> pathParameters, Map<String, String> claims,
                                               Route route, byte[] body) {
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.merge(k, v, (a, b) -> a + "," + b); // API Gateway joins repeated parameters with commas
            }
        }
        String contentType = headers.getOrDefault("content-type", "");
        boolean text = contentType.isEmpty() || contentType.contains("json") || contentType.startsWith("text/")
                || contentType.contains("x-www-form-urlencoded");
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = claims == null ? null
                : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                .withClaims(claims)
                                .withScopes(new ArrayList<>(List.of(claims.getOrDefault("scope", "").trim().split("\\s+"))))
                                .build())
                        .build();
        String routeKey = route.segments == null ? "$default" : method + " " + String.join("/", route.segments);
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8)
                        : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(UUID.randomUUID().toString())
                        .withRouteKey(routeKey)
                        .withStage("$default")
                        .withTimeEpoch(Instant.now().toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.getOrDefault("user-agent", "")).build())
                        .withAuthorizer(authorizer)
                        .build())
                .build();
    }

    private static Map<String, String> match(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            if (template[i].startsWith("{") && template[i].endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(template[i].substring(1, template[i].length() - 1),
                        URLDecoder.decode(path[i], StandardCharsets.UTF_8));
            } else if (!template[i].equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private void answer(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        write(exchange, status, headers, newlineAfterJson ? withNewlineIfJson(headers, body) : body);
    }

    /** {@code body} with a trailing newline when the headers say JSON and it has none. */
    public static byte[] withNewlineIfJson(Map<String, String> headers, byte[] body) {
        boolean json = headers.entrySet().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("content-type")
                && h.getValue() != null && h.getValue().toLowerCase(Locale.ROOT).contains("json"));
        if (!json || body.length == 0 || body[body.length - 1] == '\n') {
            return body;
        }
        byte[] ended = Arrays.copyOf(body, body.length + 1);
        ended[body.length] = '\n';
        return ended;
    }

    public static void write(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
