package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.adapter.out.sqs.SqsDeadLetterQueue;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.function.reconciliation.ReconciliationHandler;
import dev.prepaid.local.template.CloudFormationYaml;
import dev.prepaid.testing.FunctionScope;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.WritePrefixRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Least privilege, checked against what the code really does (issue 10 item 9). Every function of the system runs
 * its real paths here — every credit and payment route, the webhook and the fulfilment queue's consumer, the
 * scheduled reconciliation (healing an order, opening and closing a drift item) and the operator routes — on two
 * providers, while {@link WritePrefixRecorder} (an SDK interceptor on every client of this JVM, see
 * src/test/resources/software/amazon/awssdk/global/handlers) records the partition-key prefix of every item each
 * function writes, under the IAM action that authorises it. Each recorded (function, action, prefix) must be
 * allowed by that function's policy in template.yaml: a statement granting the action whose
 * {@code ForAllValues:StringLike dynamodb:LeadingKeys} list holds {@code <prefix>*}. The other system tests of this
 * JVM feed the same recorder, so whatever they exercised is checked as well when they ran first.
 *
 * <p>When this fails after a change that writes a new kind of item, the message names the function, the action and
 * the prefix: add the prefix's pattern to that function's LeadingKeys list in template.yaml (and to
 * {@code LeastPrivilegeTest}'s expectations in the deployment module if the function is public-facing).
 */
class WritePrefixesTest {

    @Test
    void everyWriteOfEveryFunctionIsAllowedByItsLeadingKeys() throws Exception {
        exercise("mock");
        exercise("stripe");
        Map<String, Map<String, Set<String>>> writes = WritePrefixRecorder.writes();
        System.out.println("WritePrefixesTest: recorded writes (function -> action -> partition-key prefixes): " + writes);
        for (String function : List.of("deduct-credits", "create-order", "callback", "webhook", "fulfilment",
                "reconciliation", "admin", "app-webhooks")) {
            assertTrue(writes.containsKey(function), function + " wrote nothing: the scenario no longer exercises it "
                    + "(recorded: " + writes.keySet() + ")");
        }
        assertTrue(writes.get("reconciliation").getOrDefault("DeleteItem", Set.of()).contains("RECON#"),
                "the scenario closes a drift item (reconciliation's only delete): " + writes.get("reconciliation"));

        JsonNode template = template();
        List<String> refused = refusedWrites(writes, template);
        if (!refused.isEmpty()) {
            fail("template.yaml's dynamodb:LeadingKeys forbid writes the code makes (add the pattern to the function's"
                    + " write statement):\n  " + String.join("\n  ", refused) + "\nrecorded: " + writes);
        }
    }

    @Test
    void theComparisonCatchesAWriteTheTemplateForbids() {
        JsonNode template = template();
        Map<String, Map<String, Set<String>>> webhookWritesAnOrder =
                Map.of("webhook", Map.of("UpdateItem", Set.of("EVENT#", "ORDER#")));
        List<String> refused = refusedWrites(webhookWritesAnOrder, template);
        assertEquals(List.of("WebhookFunction (webhook) UpdateItem on ORDER# items: no statement granting"
                + " dynamodb:UpdateItem has \"ORDER#*\" in its dynamodb:LeadingKeys (allowed: [EVENT#*, MOCK#*])"), refused);
        assertEquals(1, refusedWrites(Map.of("reconciliation", Map.of("DeleteItem", Set.of("USER#"))), template).size(),
                "reconciliation deletes RECON# items only");
        assertEquals(1, refusedWrites(Map.of("not-a-function", Map.of("PutItem", Set.of("USER#"))), template).size(),
                "a function the template does not have is reported");
    }

    /** One pass over every function's writes, on one provider. */
    private static void exercise(String provider) throws IOException {
        try (PaymentSystem system = new PaymentSystem(provider);
             Receiver receiver = new Receiver()) {
            String user = "prefixes-" + UUID.randomUUID().toString().substring(0, 8);
            String admin = "admin:ops";
            // the app's webhook endpoint (admin), so that every event below is delivered (app-webhooks)
            JsonNode endpoint = system.call("POST", "/api/admin/webhook-endpoints", admin, "{\"url\": \"http://127.0.0.1:"
                    + receiver.port() + "/hooks\", \"events\": [\"credits.granted\", \"credits.low\", "
                    + "\"credits.depleted\", \"credits.clawed_back\", \"order.completed\", \"subscription.changed\"]}",
                    Map.of()).json();
            // the credit routes: grant (both scopes), deduct, keyed and keyless refunds
            expect(200, system.call("POST", "/api/credits/grant", "service:app-backend", "{\"userId\": \"" + user
                    + "\", \"amount\": 50, \"reason\": \"welcome\", \"idempotencyKey\": \"w-" + user + "\"}", Map.of()));
            expect(200, system.call("POST", "/api/credits/grant", admin, "{\"userId\": \"" + user
                    + "\", \"amount\": -1, \"reason\": \"fix\", \"idempotencyKey\": \"f-" + user + "\"}", Map.of()));
            expect(200, system.call("POST", "/api/credits/deduct", "service:app-backend", "{\"userId\": \"" + user
                    + "\", \"amount\": 5, \"idempotencyKey\": \"d-" + user + "\"}", Map.of()));
            expect(200, system.call("POST", "/api/credits/refund", "service:app-backend", "{\"deductionId\": \"usage#d-"
                    + user + "\", \"reason\": \"part\", \"amount\": 1, \"idempotencyKey\": \"r-" + user + "\"}", Map.of()));
            expect(200, system.call("POST", "/api/credits/refund", "service:app-backend", "{\"deductionId\": \"usage#d-"
                    + user + "\", \"reason\": \"rest\", \"amount\": 4}", Map.of()));
            // holds: one captured, one released
            for (String end : List.of("capture", "release")) {
                PaymentSystem.Reply created = system.call("POST", "/api/credits/holds", "service:app-backend", "{\"userId\": \""
                        + user + "\", \"amount\": 2, \"idempotencyKey\": \"h-" + end + "-" + user + "\"}", Map.of());
                expect(200, created);
                String holdId = created.json().path("holdId").asText();
                expect(200, system.call("POST", "/api/credits/holds/" + holdId + "/" + end, "service:app-backend", "{}", Map.of()));
            }
            for (String path : List.of("/api/credits/balance", "/api/credits/transactions", "/api/credits/usage/summary",
                    "/api/credits/usage/daily")) {
                expect(200, system.call("GET", path, "user:" + user, null, Map.of()));
            }
            // a pack: order, payment, webhook, fulfilment, the browser's callback, then a refund (claw-back)
            JsonNode pack = system.createOrder(user, "trial", "pack-" + user).json();
            JsonNode packCheckout = system.payAndNotify(pack);
            system.drain();
            system.call("GET", "/api/payment/callback?orderId=" + pack.get("orderId").asText() + "&session_id="
                    + pack.get("checkoutId").asText(), null, null, Map.of());
            system.refundInFull(packCheckout, pack);
            system.drain();
            // a subscription: first period, a renewal, the portal, a plan change, a cancel
            JsonNode plan = system.createOrder(user, "basic", null).json();
            JsonNode planCheckout = system.payAndNotify(plan);
            system.drain();
            system.renew(planCheckout, plan, user, 2);
            system.drain();
            expect(200, system.call("GET", "/api/payment/subscription", "user:" + user, null, Map.of()));
            system.call("POST", "/api/payment/billing-portal", "user:" + user,
                    "{\"returnUrl\": \"https://app.test/account\"}", Map.of());
            // an upgrade through the route: create-order itself posts the difference (a posting path)
            expect(200, system.call("POST", "/api/payment/subscription/change-plan", "user:" + user,
                    "{\"productId\": \"pro\"}", Map.of()));
            system.drain();
            system.call("POST", "/api/payment/subscription/cancel", "user:" + user, "{\"atPeriodEnd\": true}", Map.of());
            expect(200, system.call("GET", "/api/payment/orders/" + pack.get("orderId").asText(), "user:" + user, null,
                    Map.of()));
            // orders paid at the provider whose webhook never came: the operator's reconcile, then the schedule's
            if (!provider.equals("mock")) {
                JsonNode byOperator = system.createOrder(user, "trial", null).json();
                system.payQuietly(byOperator);
                expect(200, system.call("POST", "/api/admin/orders/" + byOperator.get("orderId").asText() + "/reconcile",
                        admin, "{}", Map.of()));
                // the browser's return before the webhook: the callback confirms with the provider and fulfils
                JsonNode byCallback = system.createOrder(user, "trial", null).json();
                system.payQuietly(byCallback);
                expect(302, system.call("GET", "/api/payment/callback?orderId=" + byCallback.get("orderId").asText()
                        + "&session_id=" + byCallback.get("checkoutId").asText(), null, null, Map.of()));
                JsonNode bySchedule = system.createOrder(user, "trial", null).json();
                system.payQuietly(bySchedule);
            } else {
                JsonNode open = system.createOrder(user, "trial", null).json();
                system.call("POST", "/api/admin/orders/" + open.get("orderId").asText() + "/reconcile", admin, "{}", Map.of());
            }
            // the schedule: heals the quietly paid order; a balance edited behind the ledger opens a drift item, and
            // once put back the next run deletes it
            ReconciliationHandler reconciliation = reconciliation(system);
            runSchedule(reconciliation);
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("USER#" + user),
                    "sk", AttributeValue.fromS("BALANCE"));
            String balance = system.dynamo.getItem(b -> b.tableName(system.table).key(key).consistentRead(true))
                    .item().get("balance").n();
            editBalance(system, key, Long.toString(Long.parseLong(balance) + 700));
            runSchedule(reconciliation);
            editBalance(system, key, balance);
            runSchedule(reconciliation);
            expect(200, system.call("GET", "/api/admin/reports/drift", admin, null, Map.of()));
            expect(200, system.call("GET", "/api/admin/dlq", admin, null, Map.of()));
            expect(200, system.call("POST", "/api/admin/dlq/redrive", admin, "{\"max\": 10}", Map.of()));
            // the app's events: delivered, one redelivered, then the endpoint deleted
            assertTrue(system.drainAppEvents() > 0, "the postings above produced app events");
            String granted = dev.prepaid.domain.events.AppEvent.idFor("adjustment#w-" + user,
                    dev.prepaid.domain.events.AppEventType.CREDITS_GRANTED);
            expect(202, system.call("POST", "/api/admin/webhook-deliveries/" + granted + "/redeliver", admin, null, Map.of()));
            system.drainAppEvents();
            expect(200, system.call("GET", "/api/admin/webhook-endpoints", admin, null, Map.of()));
            expect(200, system.call("DELETE", "/api/admin/webhook-endpoints/" + endpoint.get("id").asText(), admin, null,
                    Map.of()));
        }
    }

    /** The app's receiver: answers 200 to every delivery. */
    private static final class Receiver implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer server;

        Receiver() throws IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static void editBalance(PaymentSystem system, Map<String, AttributeValue> key, String hundredths) {
        // the operator's hand edit the runbook warns about; no function does this, so it runs outside any scope
        system.dynamo.updateItem(b -> b.tableName(system.table).key(key).updateExpression("SET balance = :b")
                .expressionAttributeValues(Map.of(":b", AttributeValue.fromN(hundredths))));
    }

    private static void runSchedule(ReconciliationHandler handler) {
        FunctionScope.call("reconciliation", () -> handler.handleRequest(new ScheduledEvent(), new TestContext("reconciliation")));
    }

    /** The scheduled function as ReconciliationHandler wires it, without its waits (every order and change now). */
    private static ReconciliationHandler reconciliation(PaymentSystem system) {
        Clock clock = Clock.systemUTC();
        var dynamo = dev.prepaid.adapter.config.AwsClients.dynamo(system.env);
        var sqs = dev.prepaid.adapter.config.AwsClients.sqs(system.env);
        PaymentWiring wiring = new PaymentWiring(system.env, clock, dynamo, () -> sqs, null);
        ReconciliationService.Settings settings = ReconciliationService.Settings.defaults()
                .withPendingAfter(Duration.ZERO).withSettleLag(Duration.ZERO);
        ReconciliationService service = new ReconciliationService(wiring.orders(), wiring.ledger(),
                new DynamoReconciliationStore(dynamo, system.table), wiring.providers(), wiring.fulfilment(),
                new SqsDeadLetterQueue(sqs, system.dlqUrl, system.queueUrl), settings, clock);
        return new ReconciliationHandler(service,
                dev.prepaid.adapter.out.metrics.MetricsPublisher.writingTo("prepaid", line -> { }), clock, null);
    }

    private static void expect(int status, PaymentSystem.Reply reply) {
        assertEquals(status, reply.status(), reply.body());
    }

    // --- the comparison -----------------------------------------------------------------------------------

    /** Every recorded write no statement of its function allows, as one line each. */
    static List<String> refusedWrites(Map<String, Map<String, Set<String>>> writes, JsonNode template) {
        Map<String, String> byModule = functionsByModule(template);
        List<String> refused = new ArrayList<>();
        writes.forEach((module, actions) -> {
            String logicalId = byModule.get(module);
            if (logicalId == null) {
                refused.add(module + ": no function in template.yaml has CodeUri functions/" + module);
                return;
            }
            List<JsonNode> statements = statements(template.path("Resources").path(logicalId));
            actions.forEach((action, prefixes) -> {
                for (String prefix : prefixes) {
                    Set<String> allowed = new TreeSet<>();
                    boolean granted = false;
                    boolean unconditioned = false;
                    for (JsonNode statement : statements) {
                        if (!"Allow".equals(statement.path("Effect").asText()) || !actions(statement).contains("dynamodb:" + action)) {
                            continue;
                        }
                        granted = true;
                        List<String> patterns = leadingKeys(statement);
                        if (patterns == null) {
                            unconditioned = true;
                        } else {
                            allowed.addAll(patterns);
                        }
                    }
                    if (!granted) {
                        refused.add(logicalId + " (" + module + ") " + action + " on " + prefix
                                + " items: no statement grants dynamodb:" + action);
                    } else if (!unconditioned && !allowed.contains(prefix + "*")) {
                        refused.add(logicalId + " (" + module + ") " + action + " on " + prefix + " items: no statement"
                                + " granting dynamodb:" + action + " has \"" + prefix + "*\" in its dynamodb:LeadingKeys"
                                + " (allowed: " + allowed + ")");
                    }
                }
            });
        });
        return refused;
    }

    private static Map<String, String> functionsByModule(JsonNode template) {
        Map<String, String> byModule = new TreeMap<>();
        template.path("Resources").properties().forEach(resource -> {
            String codeUri = resource.getValue().path("Properties").path("CodeUri").asText("");
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")
                    && codeUri.startsWith("functions/")) {
                byModule.put(codeUri.substring("functions/".length()), resource.getKey());
            }
        });
        return byModule;
    }

    private static List<JsonNode> statements(JsonNode function) {
        List<JsonNode> statements = new ArrayList<>();
        function.path("Properties").path("Policies").forEach(policy -> policy.path("Statement").forEach(statements::add));
        return statements;
    }

    private static List<String> actions(JsonNode statement) {
        JsonNode action = statement.path("Action");
        List<String> actions = new ArrayList<>();
        if (action.isTextual()) {
            actions.add(action.asText());
        } else {
            action.forEach(a -> actions.add(a.asText()));
        }
        return actions;
    }

    /** The statement's ForAllValues:StringLike dynamodb:LeadingKeys patterns, or null when it has none. */
    private static List<String> leadingKeys(JsonNode statement) {
        JsonNode keys = statement.path("Condition").path("ForAllValues:StringLike").path("dynamodb:LeadingKeys");
        if (keys.isMissingNode()) {
            return null;
        }
        List<String> patterns = new ArrayList<>();
        if (keys.isTextual()) {
            patterns.add(keys.asText());
        } else {
            keys.forEach(k -> patterns.add(k.asText()));
        }
        return patterns;
    }

    static JsonNode template() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("functions"))) {
                try {
                    Object loaded = CloudFormationYaml.load(Files.readString(candidate));
                    return dev.prepaid.adapter.in.http.Json.MAPPER.valueToTree(loaded);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no template.yaml beside functions/ above " + Path.of("").toAbsolutePath());
    }
}
