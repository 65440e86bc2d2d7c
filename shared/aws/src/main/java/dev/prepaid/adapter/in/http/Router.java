package dev.prepaid.adapter.in.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Maps method and path to a route. Matching is on the raw path, so the same handler works behind the
 * HTTP API's per-route integrations, a {@code $default} route, {@code sam local} and the local runner.
 * A known path with another method is 405 with {@code Allow}; an unknown path is 404.
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();

    public Router route(String method, String pathTemplate, Function<HttpRequest, APIGatewayV2HTTPResponse> action) {
        routes.add(new Route(method, pathTemplate.split("/"), action));
        return this;
    }

    public List<String> routeKeys() {
        return routes.stream().map(r -> r.method + " " + String.join("/", r.segments)).toList();
    }

    public APIGatewayV2HTTPResponse dispatch(HttpRequest request) {
        String[] path = stripTrailingSlash(request.path()).split("/");
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> params = route.match(path);
            if (params == null) {
                continue;
            }
            if (route.method.equals(request.method())) {
                request.pathParameters(params);
                return route.action.apply(request);
            }
            allowed.add(route.method);
        }
        if (!allowed.isEmpty()) {
            throw new ApiException(405, "method_not_allowed", "this path does not accept " + JsonBody.printable(request.method()))
                    .header("allow", String.join(", ", allowed));
        }
        throw new ApiException(404, "not_found", "no such route");
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private record Route(String method, String[] segments, Function<HttpRequest, APIGatewayV2HTTPResponse> action) {
        Map<String, String> match(String[] path) {
            if (path.length != segments.length) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    if (path[i].isEmpty()) {
                        return null;
                    }
                    params.put(segment.substring(1, segment.length() - 1), path[i]);
                } else if (!segment.equals(path[i])) {
                    return null;
                }
            }
            return params;
        }
    }
}
