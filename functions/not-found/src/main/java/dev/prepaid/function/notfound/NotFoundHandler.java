package dev.prepaid.function.notfound;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.ApiException;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.Router;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP API's {@code $default} route (public, no authorizer): API Gateway sends it every request that no route
 * of template.yaml takes, which without it API Gateway would answer itself with {@code 404 {"message":"Not Found"}}.
 * It knows every route of the API ({@link #ROUTE_KEYS}), so it answers as the README promises:
 * <ul>
 *   <li>a path no route has: 404 {@code not_found};</li>
 *   <li>a path some route has, with another method: 405 {@code method_not_allowed} with {@code Allow};</li>
 *   <li>OPTIONS on a known path: 204 (a CORS preflight that reached the {@code $default} route; API Gateway adds
 *       the API's CORS headers to it);</li>
 *   <li>the exact method and path of a route (API Gateway did not route it, e.g. a trailing slash): 404.</li>
 * </ul>
 * It reads no data and holds no client: it carries only the HTTP plumbing.
 */
public final class NotFoundHandler extends ApiGatewayHandler {
    /**
     * Every route key ("METHOD /path") of template.yaml except {@code $default} itself. The deployment module's
     * TemplateContentTest fails when this list and the template's HttpApi events differ.
     */
    public static final List<String> ROUTE_KEYS = List.of(
            "POST /api/credits/deduct",
            "POST /api/credits/refund",
            "POST /api/credits/grant",
            "POST /api/credits/holds",
            "POST /api/credits/holds/{holdId}/capture",
            "POST /api/credits/holds/{holdId}/release",
            "GET /api/credits/plans",
            "GET /api/credits/prices",
            "GET /api/credits/balance",
            "GET /api/credits/transactions",
            "GET /api/credits/usage/summary",
            "GET /api/credits/usage/daily",
            "POST /api/payment/create-order",
            "POST /api/payment/auto-topup",
            "GET /api/payment/auto-topup",
            "DELETE /api/payment/auto-topup",
            "GET /api/payment/orders",
            "GET /api/payment/orders/{orderId}",
            "GET /api/payment/invoices",
            "GET /api/payment/payment-methods",
            "GET /api/payment/config",
            "GET /api/payment/subscription",
            "POST /api/payment/subscription/cancel",
            "POST /api/payment/subscription/change-plan",
            "POST /api/payment/billing-portal",
            "GET /api/payment/callback",
            "POST /api/payment/webhook/{provider}",
            "POST /api/payment/callback",
            "POST /api/admin/orders/{orderId}/reconcile",
            "GET /api/admin/reports/drift",
            "GET /api/admin/dlq",
            "POST /api/admin/dlq/redrive",
            "POST /api/admin/webhook-endpoints",
            "GET /api/admin/webhook-endpoints",
            "DELETE /api/admin/webhook-endpoints/{endpointId}",
            "POST /api/admin/webhook-deliveries/{eventId}/redeliver");

    /** For Lambda. */
    public NotFoundHandler() {
        this(ROUTE_KEYS);
    }

    /** Wired from an explicit environment (the local runner passes the template's); it reads nothing from it. */
    public static NotFoundHandler fromEnv(Env env) {
        return new NotFoundHandler(ROUTE_KEYS);
    }

    /** The API's route keys ("METHOD /path"). */
    public NotFoundHandler(List<String> routeKeys) {
        super(routes(routeKeys));
    }

    static Router routes(List<String> routeKeys) {
        Router router = new Router();
        Set<String> paths = new LinkedHashSet<>();
        for (String key : routeKeys) {
            int space = key.indexOf(' ');
            if (space <= 0 || !key.startsWith("/", space + 1)) {
                throw new IllegalArgumentException("not a route key (METHOD /path): " + key);
            }
            String path = key.substring(space + 1);
            router.route(key.substring(0, space), path, NotFoundHandler::notRouted);
            paths.add(path);
        }
        for (String path : paths) {
            router.route("OPTIONS", path, request -> preflight());
        }
        return router;
    }

    /** The method and path of a route that API Gateway did not route to its function (a trailing slash, say). */
    private static APIGatewayV2HTTPResponse notRouted(HttpRequest request) {
        throw new ApiException(404, "not_found", "no such route");
    }

    private static APIGatewayV2HTTPResponse preflight() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(204)
                .withHeaders(Map.of("cache-control", "no-store"))
                .withBody("")
                .withIsBase64Encoded(false)
                .build();
    }
}
