package dev.prepaid.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.out.provider.mock.MockCheckout;
import dev.prepaid.system.ReliabilityAccess;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.creem.CreemWebhooks;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input. A generated corpus of malformed requests ({@link BadInputCorpus}) over every route, through the
 * API Gateway stand-in, plus every route's handler invoked directly with expired, malformed or wrongly
 * scoped token claims (the stand-in's authorizer would stop those first). Every answer must be a 4xx with a
 * JSON error body, {@code {"error", "message"}} from the functions ({@code {"message"}} where API Gateway
 * itself refuses: no route, no or wrong token, over its size limit), never a 5xx, never a stack trace or a
 * class name; the browser's callback always redirects and never says completed. Afterwards the table is
 * byte for byte what it was and the queue is empty, for the mock provider's system and for Stripe's and
 * Creem's webhooks.
 */
@ExtendWith(SuiteLogs.class)
class BadInputTest {
    /** What API Gateway answers by itself; everything else must come from a function, with an error code. */
    private static final Set<String> GATEWAY_BODIES = Set.of("{\"message\":\"Not Found\"}", "{\"message\":\"Unauthorized\"}",
            "{\"message\":\"Forbidden\"}", "{\"message\":\"Request Entity Too Large\"}");
    static final Pattern LEAK = Pattern.compile("(?i)exception|\\tat |\\bat [a-z]+\\.[a-z]+\\.|stack ?trace|\\.java:\\d+"
            + "|\\b(java|javax|jdk|sun|com|org|dev|software)\\.[a-z0-9_]+\\.[A-Za-z]");

    private final Violations violations = new Violations();
    private final Map<String, Integer> byRoute = new TreeMap<>();
    private final Map<String, Integer> byStatus = new TreeMap<>();
    private final Map<String, Integer> byCategory = new TreeMap<>();
    private int sent;
    private int gatewayAnswers;
    private int direct;

    @Test
    void everyMalformedRequestIsA4xxWithAJsonErrorAndChangesNothing() {
        long seed = Reliability.seed();
        int corpusSize = 0;
        try (ReliabilityAccess system = new ReliabilityAccess("mock")) {
            Http http = new Http(system.baseUrl());
            String user = "victim-" + seed;
            expect(http.json("POST", "/api/credits/grant", BadInputCorpus.SERVICE, "{\"userId\": \"" + user
                    + "\", \"amount\": 100, \"reason\": \"setup\", \"idempotencyKey\": \"setup-grant\"}"), 200);
            String deductionId = expect(http.json("POST", "/api/credits/deduct", BadInputCorpus.SERVICE, "{\"userId\": \"" + user
                    + "\", \"amount\": 10, \"idempotencyKey\": \"setup-deduct\"}"), 200).get("deductionId").asText();
            JsonNode order = expect(http.json("POST", "/api/payment/create-order", "user:" + user, "{\"productId\": \"trial\"}"), 201);
            MockCheckout open = system.mock().checkouts().find(order.get("checkoutId").asText()).orElseThrow();
            byte[] genuine = MockEvents.checkoutCompleted(open).body();
            String before = system.tableSnapshot();

            BadInputCorpus corpus = new BadInputCorpus(seed, user, deductionId, order.get("orderId").asText())
                    .common().webhooks("mock", genuine);
            corpusSize += corpus.probes().size();
            run(http, corpus.probes());
            directly(system, user, deductionId, order.get("orderId").asText());

            violations.check(before.equals(system.tableSnapshot()), "mock: the table changed");
            violations.check(system.queueDepth() == 0, "mock: something was queued");
            violations.check(system.mock().checkouts().find(open.id()).orElseThrow().status() == MockCheckout.Status.OPEN,
                    "mock: the open checkout changed");
        }
        for (String provider : List.of("stripe", "creem")) {
            try (ReliabilityAccess system = new ReliabilityAccess(provider)) {
                Http http = new Http(system.baseUrl());
                JsonNode order = expect(http.json("POST", "/api/payment/create-order", "user:buyer-" + seed,
                        "{\"productId\": \"trial\"}"), 201);
                byte[] genuine = provider.equals("stripe")
                        ? StripeWebhooks.json(StripeWebhooks.checkoutSessionCompleted(order.get("checkoutId").asText(),
                                order.get("orderId").asText(), "pi_bad_input", 790, "usd")).getBytes(StandardCharsets.UTF_8)
                        : CreemWebhooks.envelope("checkout.completed", system.creem().checkout(order.get("checkoutId").asText())
                                .deepCopy().put("status", "completed")).body();
                String before = system.tableSnapshot();
                BadInputCorpus corpus = new BadInputCorpus(seed, "buyer-" + seed, "usage#none", order.get("orderId").asText())
                        .webhooks(provider, genuine);
                corpusSize += corpus.probes().size();
                run(http, corpus.probes());
                violations.check(before.equals(system.tableSnapshot()), provider + ": the table changed");
                violations.check(system.queueDepth() == 0, provider + ": something was queued");
            }
        }
        ObjectNode figures = Figures.object();
        figures.put("requests", sent + direct);
        figures.put("throughTheGateway", sent);
        figures.put("handlersInvokedDirectly", direct);
        figures.put("refusedByTheGatewayItself", gatewayAnswers);
        ObjectNode statuses = figures.putObject("byStatus");
        byStatus.forEach(statuses::put);
        ObjectNode routes = figures.putObject("byRoute");
        byRoute.forEach(routes::put);
        ObjectNode categories = figures.putObject("byCategory");
        byCategory.forEach(categories::put);
        figures.put("violations", violations.count());
        figures.putPOJO("firstViolations", violations.first());
        Figures.publish("badInput", figures);
        assertEquals(0, violations.count(), violations.summary());
        assertTrue(sent + direct >= 300 && corpusSize == sent, "at least 300 bad inputs: " + (sent + direct));
    }

    private void run(Http http, List<BadInputCorpus.Probe> probes) {
        for (BadInputCorpus.Probe probe : probes) {
            Http.Reply reply;
            try {
                reply = http.send(probe.method(), probe.path(), probe.body(), probe.headers());
            } catch (RuntimeException e) {
                violations.add(probe.describe() + ": no answer: " + e.getMessage());
                continue;
            }
            sent++;
            byRoute.merge(probe.route(), 1, Integer::sum);
            byStatus.merge(Integer.toString(reply.status()), 1, Integer::sum);
            byCategory.merge(probe.category().replaceAll("[:].*", ""), 1, Integer::sum);
            if (probe.route().equals("callback")) {
                String location = reply.header("location");
                violations.check(reply.status() == 302 && location != null && (location.startsWith(ReliabilityAccess.SUCCESS_URL)
                        || location.startsWith(ReliabilityAccess.CANCEL_URL)) && !location.contains("status=completed"),
                        probe.describe() + ": answered " + reply.status() + " " + location);
                continue;
            }
            judge(probe.describe(), reply.status(), reply.body(), reply.header("content-type"));
        }
    }

    /** A refusal as it must look. */
    private void judge(String what, int status, String body, String contentType) {
        violations.check(status >= 400 && status <= 499, what + ": answered " + status + " " + excerpt(body));
        violations.check(body == null || !LEAK.matcher(body).find(), what + ": the answer leaks internals: " + excerpt(body));
        JsonNode json;
        try {
            json = body == null || body.isEmpty() ? null : Http.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            violations.add(what + ": the answer is not a JSON object: " + excerpt(body));
            return;
        }
        violations.check(contentType != null && contentType.contains("json"), what + ": content-type " + contentType);
        if (GATEWAY_BODIES.contains(body)) {
            gatewayAnswers++;
            return;
        }
        violations.check(json.path("error").isTextual() && !json.path("error").asText().isBlank()
                && json.path("message").isTextual(), what + ": no {error, message}: " + excerpt(body));
    }

    /**
     * Every authenticated route's handler, called as if API Gateway had let through a token that is expired,
     * has an unreadable expiry, has no subject or one no user may have, or lacks the route's scope. A valid
     * body is sent: only the token is wrong.
     */
    private void directly(ReliabilityAccess system, String user, String deductionId, String orderId) {
        Map<String, String> bodies = Map.of(
                "POST /api/credits/deduct", "{\"userId\": \"" + user + "\", \"amount\": 1, \"idempotencyKey\": \"direct-1\"}",
                "POST /api/credits/refund", "{\"deductionId\": \"" + deductionId + "\", \"reason\": \"x\", \"amount\": 1}",
                "POST /api/credits/grant", "{\"userId\": \"" + user + "\", \"amount\": 1, \"reason\": \"x\", \"idempotencyKey\": \"direct-2\"}",
                "POST /api/payment/create-order", "{\"productId\": \"trial\"}",
                "POST /api/payment/subscription/cancel", "{\"atPeriodEnd\": false}",
                "POST /api/payment/subscription/change-plan", "{\"productId\": \"pro\"}",
                "POST /api/payment/billing-portal", "{\"returnUrl\": \"https://app.test/account\"}",
                "POST /api/payment/auto-topup", "{\"productId\": \"trial\", \"threshold\": 10}",
                "POST /api/admin/orders/{orderId}/reconcile", "{}",
                "POST /api/admin/dlq/redrive", "{\"max\": 10}");
        Set<String> open = Set.of("GET /api/credits/plans", "GET /api/credits/prices", "GET /api/payment/config",
                "GET /api/payment/callback", "POST /api/payment/callback", "POST /api/payment/webhook/{provider}");
        // the $default route's function serves the other routes' keys only to answer 404 / 405: no token involved
        List<ApiGatewayHandler> handlers = system.httpHandlers().stream()
                .filter(h -> !(h instanceof dev.prepaid.function.notfound.NotFoundHandler)).toList();
        String future = Long.toString(System.currentTimeMillis() / 1000 + 3600);
        for (ApiGatewayHandler handler : handlers) {
            for (String routeKey : handler.router().routeKeys()) {
                if (open.contains(routeKey)) {
                    continue;
                }
                boolean admin = routeKey.contains(" /api/admin/");
                boolean service = admin || routeKey.contains("/api/credits/") && routeKey.startsWith("POST");
                String method = routeKey.substring(0, routeKey.indexOf(' '));
                String path = routeKey.substring(routeKey.indexOf(' ') + 1).replace("{orderId}", orderId);
                String scope = admin ? "credits/admin" : service ? "credits/write" : "openid";
                List<Map<String, String>> expired = List.of(
                        Map.of("sub", service ? "app-backend" : user, "exp", "1", "scope", scope),
                        Map.of("sub", service ? "app-backend" : user, "exp", "soon", "scope", scope),
                        Map.of("exp", future, "scope", scope),
                        Map.of("sub", " ", "exp", future, "scope", scope));
                for (Map<String, String> claims : expired) {
                    call(handler, method, path, bodies.get(routeKey), claims, 401);
                }
                if (service) {
                    if (admin) { // an app backend's token is not an operator's
                        call(handler, method, path, bodies.get(routeKey),
                                Map.of("sub", "app-backend", "exp", future, "scope", "credits/write"), 403);
                    }
                    call(handler, method, path, bodies.get(routeKey), Map.of("sub", user, "exp", future, "scope", "openid"), 403);
                    call(handler, method, path, bodies.get(routeKey), Map.of("sub", user, "exp", future), 403);
                    call(handler, method, path, bodies.get(routeKey),
                            Map.of("sub", "app-backend", "exp", future, "scope", "credits/read credits/writer"), 403);
                } else {
                    call(handler, method, path, bodies.get(routeKey), Map.of("sub", "a#b", "exp", future), 401);
                    call(handler, method, path, bodies.get(routeKey), Map.of("sub", "tab\tuser", "exp", future), 401);
                }
            }
        }
    }

    private void call(ApiGatewayHandler handler, String method, String path, String body, Map<String, String> claims, int expected) {
        Events.Builder request = Events.request(method, path).claims(claims);
        if (body != null) {
            request.body(body);
        }
        APIGatewayV2HTTPResponse response = handler.handleRequest(request.build(), new TestContext("direct"));
        direct++;
        String what = "direct " + method + " " + path + " with claims " + claims.keySet() + " exp=" + claims.get("exp")
                + " scope=" + claims.get("scope");
        byRoute.merge("direct " + method + " " + path.replaceAll("ord_[a-z0-9]+", "{orderId}"), 1, Integer::sum);
        byStatus.merge(Integer.toString(response.getStatusCode()), 1, Integer::sum);
        byCategory.merge("token-claims", 1, Integer::sum);
        violations.check(response.getStatusCode() == expected, what + ": answered " + response.getStatusCode() + ", expected " + expected);
        String contentType = response.getHeaders() == null ? null : response.getHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("content-type")).map(Map.Entry::getValue).findFirst().orElse(null);
        judge(what, response.getStatusCode(), response.getBody(), contentType);
    }

    private JsonNode expect(Http.Reply reply, int status) {
        if (reply.status() != status) {
            throw new IllegalStateException("setup answered " + reply.status() + ": " + reply.body());
        }
        return reply.json();
    }

    static String excerpt(String body) {
        if (body == null) {
            return "null";
        }
        String text = BadInputCorpus.printable(body);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
