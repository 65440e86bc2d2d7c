package dev.prepaid.deployment;

import dev.prepaid.adapter.in.http.Caller;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the template must declare for each function: its Maven module (also the CodeUri, the zip's name and its
 * folder of sample events under events/), handler, routes ("METHOD /path", as the handler's Router serves them),
 * which of those routes are public (no JWT: {@code Auth.Authorizer: NONE}, no scopes), the OAuth scopes
 * every other route needs; for a queue consumer, the logical id of the SQS queue it consumes; for a scheduled
 * function, the parameter holding its schedule expression. A function is exactly one of the three: an API
 * function (routes), a queue consumer or a scheduled function.
 */
record ExpectedFunction(String module, String handler, Set<String> routes, Set<String> publicRoutes,
                        List<String> scopes, String queue, String schedule) {

    static final Map<String, ExpectedFunction> BY_LOGICAL_ID = byLogicalId();

    /**
     * Routes whose scopes differ from their function's (any one of them authorises): creating credits is not
     * credits/write's, it needs credits/grant (capped) or credits/admin.
     */
    static final Map<String, List<String>> ROUTE_SCOPES = Map.of(
            "POST /api/credits/grant", List.of(Caller.GRANT_SCOPE, Caller.ADMIN_SCOPE));

    ExpectedFunction {
        routes = Set.copyOf(routes);
        publicRoutes = Set.copyOf(publicRoutes);
        scopes = List.copyOf(scopes);
        if (!routes.containsAll(publicRoutes)) {
            throw new IllegalArgumentException(module + ": public routes must be routes: " + publicRoutes);
        }
        int kinds = (routes.isEmpty() ? 0 : 1) + (queue == null ? 0 : 1) + (schedule == null ? 0 : 1);
        if (kinds != 1) {
            throw new IllegalArgumentException(module + ": exactly one of routes, a queue or a schedule");
        }
    }

    private static Map<String, ExpectedFunction> byLogicalId() {
        Map<String, ExpectedFunction> functions = new LinkedHashMap<>();
        functions.put("DeductCreditsFunction", api("deduct-credits",
                "dev.prepaid.function.deduct.DeductCreditsHandler::handleRequest",
                Set.of("POST /api/credits/deduct", "POST /api/credits/refund", "POST /api/credits/grant",
                        "POST /api/credits/holds", "POST /api/credits/holds/{holdId}/capture",
                        "POST /api/credits/holds/{holdId}/release"),
                Set.of(), List.of(Caller.WRITE_SCOPE)));
        functions.put("CreditsQueryFunction", api("credits-query",
                "dev.prepaid.function.query.CreditsQueryHandler::handleRequest",
                Set.of("GET /api/credits/balance", "GET /api/credits/transactions",
                        "GET /api/credits/usage/summary", "GET /api/credits/usage/daily", "GET /api/credits/plans",
                        "GET /api/credits/prices"),
                // the catalog and the operation prices for a pricing page: nothing personal in them
                Set.of("GET /api/credits/plans", "GET /api/credits/prices"), List.of()));
        functions.put("CreateOrderFunction", api("create-order",
                "dev.prepaid.function.order.CreateOrderHandler::handleRequest",
                Set.of("POST /api/payment/create-order", "GET /api/payment/orders/{orderId}",
                        "GET /api/payment/orders", "GET /api/payment/invoices", "GET /api/payment/payment-methods",
                        "GET /api/payment/config",
                        "GET /api/payment/subscription", "POST /api/payment/subscription/cancel",
                        "POST /api/payment/subscription/change-plan", "POST /api/payment/billing-portal",
                        "POST /api/payment/auto-topup", "GET /api/payment/auto-topup", "DELETE /api/payment/auto-topup"),
                // the provider and the Stripe publishable key for a frontend: public by design
                Set.of("GET /api/payment/config"), List.of()));
        functions.put("CallbackFunction", api("callback",
                "dev.prepaid.function.callback.CallbackHandler::handleRequest",
                // the provider's browser redirect carries no token; the order is confirmed server-side
                Set.of("GET /api/payment/callback"), Set.of("GET /api/payment/callback"), List.of()));
        functions.put("WebhookFunction", api("webhook",
                "dev.prepaid.function.webhook.WebhookHandler::handleRequest",
                // the provider's signature over the raw body is the authentication
                Set.of("POST /api/payment/webhook/{provider}", "POST /api/payment/callback"),
                Set.of("POST /api/payment/webhook/{provider}", "POST /api/payment/callback"), List.of()));
        functions.put("FulfilmentFunction", new ExpectedFunction("fulfilment",
                "dev.prepaid.function.fulfilment.FulfilmentHandler::handleRequest",
                Set.of(), Set.of(), List.of(), "FulfilmentQueue", null));
        functions.put("ReconciliationFunction", new ExpectedFunction("reconciliation",
                "dev.prepaid.function.reconciliation.ReconciliationHandler::handleRequest",
                Set.of(), Set.of(), List.of(), null, "ReconcileSchedule"));
        functions.put("AdminFunction", api("admin",
                "dev.prepaid.function.admin.AdminHandler::handleRequest",
                Set.of("POST /api/admin/orders/{orderId}/reconcile", "GET /api/admin/reports/drift",
                        "GET /api/admin/dlq", "POST /api/admin/dlq/redrive", "POST /api/admin/webhook-endpoints",
                        "GET /api/admin/webhook-endpoints", "DELETE /api/admin/webhook-endpoints/{endpointId}",
                        "POST /api/admin/webhook-deliveries/{eventId}/redeliver"),
                Set.of(), List.of(Caller.ADMIN_SCOPE)));
        functions.put("AppWebhooksFunction", new ExpectedFunction("app-webhooks",
                "dev.prepaid.function.appwebhooks.AppWebhooksHandler::handleRequest",
                Set.of(), Set.of(), List.of(), "AppEventsQueue", null));
        functions.put("AutoTopupFunction", new ExpectedFunction("auto-topup",
                "dev.prepaid.function.autotopup.AutoTopupHandler::handleRequest",
                Set.of(), Set.of(), List.of(), "AutoTopupQueue", null));
        functions.put("NotFoundFunction", api("not-found",
                "dev.prepaid.function.notfound.NotFoundHandler::handleRequest",
                // the API's catch-all: JSON 404 / 405 for whatever no other route takes; an unknown route needs no token
                Set.of(Templates.DEFAULT_ROUTE), Set.of(Templates.DEFAULT_ROUTE), List.of()));
        return Collections.unmodifiableMap(functions);
    }

    private static ExpectedFunction api(String module, String handler, Set<String> routes, Set<String> publicRoutes,
                                        List<String> scopes) {
        return new ExpectedFunction(module, handler, routes, publicRoutes, scopes, null, null);
    }

    static ExpectedFunction byModule(String module) {
        return BY_LOGICAL_ID.values().stream().filter(f -> f.module.equals(module)).findFirst().orElse(null);
    }

    static String logicalIdOf(ExpectedFunction function) {
        return BY_LOGICAL_ID.entrySet().stream().filter(e -> e.getValue().equals(function))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** The scopes API Gateway must require on {@code route} (any one of them). */
    List<String> scopesOf(String route) {
        return routes.contains(route) ? ROUTE_SCOPES.getOrDefault(route, scopes) : scopes;
    }

    boolean isPublic(String route) {
        return publicRoutes.contains(route);
    }

    boolean isQueueConsumer() {
        return queue != null;
    }

    boolean isScheduled() {
        return schedule != null;
    }

    String handlerClass() {
        return handler.substring(0, handler.indexOf("::"));
    }

    /** functions/&lt;module&gt;/src/main/java/.../Handler.java, relative to the repository root. */
    Path handlerSource() {
        return Path.of("functions", module, "src", "main", "java", handlerClass().replace('.', '/') + ".java");
    }

    /** The CodeUri, relative to the template: the Maven module's folder, which `sam build` builds with its Makefile. */
    String codeUri() {
        return "functions/" + module;
    }

    /** The Makefile `sam build` runs for this function: the one in the CodeUri folder. */
    String makefile() {
        return codeUri() + "/Makefile";
    }

    /** The zip `mvn package` builds (every runtime jar under lib/), relative to the repository root. */
    String zip() {
        return "functions/" + module + "/target/" + module + ".zip";
    }

    /** events/&lt;module&gt;/, relative to the repository root: the function's sample events. */
    Path eventsDir() {
        return Path.of("events", module);
    }
}
