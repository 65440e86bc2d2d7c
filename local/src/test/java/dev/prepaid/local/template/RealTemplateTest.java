package dev.prepaid.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.LedgerTable;
import dev.prepaid.local.LocalResources;
import dev.prepaid.local.TestSupport;
import dev.prepaid.local.template.FunctionSpec.HttpRoute;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** The template reader on the repository's own template.yaml: what the local stack will run. */
class RealTemplateTest {
    static final String BASE = "http://127.0.0.1:3000";
    static final String DYNAMO = "http://127.0.0.1:8001";
    static final String SQS = "http://127.0.0.1:9324";
    static final String MOCK_SECRET = "mock_whsec_test_0123456789";

    static SamTemplate template;
    static LocalTemplate local;
    static Map<String, FunctionSpec> functions;

    @BeforeAll
    static void read() {
        template = SamTemplate.read(TestSupport.realTemplate());
        LocalResources resources = new LocalResources(template, BASE);
        template.resources(LocalTemplate.TABLE).keySet().forEach(id -> resources.table(id, id));
        template.resources(LocalTemplate.QUEUE).keySet().forEach(id -> resources.queue(id, id,
                SQS + "/000000000000/" + id, "arn:aws:sqs:elasticmq:000000000000:" + id));
        Intrinsics intrinsics = new Intrinsics(template, LocalOverrides.parameters(template, BASE, Map.of()), resources, BASE);
        local = new LocalTemplate(template, intrinsics);
        functions = local.functions(new LocalOverrides(BASE, DYNAMO, SQS, MOCK_SECRET)).stream()
                .collect(Collectors.toMap(FunctionSpec::logicalId, f -> f, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private static FunctionSpec function(String logicalId) {
        FunctionSpec f = functions.get(logicalId);
        assertNotNull(f, "template.yaml declares no " + logicalId + "; it has " + functions.keySet());
        return f;
    }

    private static HttpRoute route(FunctionSpec f, String method, String path) {
        return f.routes().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(f.logicalId() + " has no route " + method + " " + path + ": " + f.routes()));
    }

    @Test
    void theTableIsCreatedAsTheCodeDefinesIt() {
        List<TableSpec> tables = local.tables();
        assertEquals(1, tables.size(), "one table (single-table design)");
        CreateTableRequest fromTemplate = tables.get(0).createTableRequest();
        CreateTableRequest fromCode = LedgerTable.createTableRequest(fromTemplate.tableName());
        assertEquals(new HashSet<>(fromCode.attributeDefinitions()), new HashSet<>(fromTemplate.attributeDefinitions()));
        assertEquals(fromCode.keySchema(), fromTemplate.keySchema());
        assertEquals(fromCode.globalSecondaryIndexes().stream().map(i -> i.indexName() + i.keySchema() + i.projection().projectionType())
                        .collect(Collectors.toSet()),
                fromTemplate.globalSecondaryIndexes().stream().map(i -> i.indexName() + i.keySchema() + i.projection().projectionType())
                        .collect(Collectors.toSet()));
        assertEquals("PAY_PER_REQUEST", fromTemplate.billingModeAsString());
        assertEquals("expiresAt", tables.get(0).timeToLiveAttribute());
    }

    @Test
    void everyFunctionHasAHandlerClassOnTheClasspathWithAFromEnvFactory() throws Exception {
        assertFalse(functions.isEmpty());
        for (FunctionSpec f : functions.values()) {
            assertEquals(List.of(), f.problems(), f.logicalId());
            assertEquals("handleRequest", f.handlerMethod(), f.logicalId());
            Class<?> type;
            try {
                type = Class.forName(f.handlerClass());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(f.logicalId() + ": " + f.handlerClass() + " is not on the local runner's classpath:"
                        + " add its function module to local/pom.xml", e);
            }
            java.lang.reflect.Method fromEnv = type.getMethod("fromEnv", Env.class);
            assertTrue(java.lang.reflect.Modifier.isStatic(fromEnv.getModifiers()), f.logicalId());
            assertEquals(type, fromEnv.getReturnType(), f.logicalId());
            assertEquals(2, type.getConstructors().length, f.logicalId() + ": no-arg and services constructors only");
        }
    }

    @Test
    void globalsAreMergedWithTheFunctionsOwnEnvironment() {
        FunctionSpec deduct = function("DeductCreditsFunction");
        assertEquals("prepaid", deduct.templateEnvironment().get("POWERTOOLS_SERVICE_NAME"), "from Globals");
        assertEquals("LedgerTable", deduct.templateEnvironment().get("TABLE_NAME"), "Globals' !Ref LedgerTable");
        assertEquals("aiasmr", deduct.templateEnvironment().get("CATALOG"), "its own !Ref Catalog (default aiasmr)");
        assertEquals("LedgerTable", deduct.environment().get("TABLE_NAME"));
        assertEquals(DYNAMO, deduct.environment().get("DYNAMODB_ENDPOINT"));
        assertEquals(SQS, deduct.environment().get("SQS_ENDPOINT"));
        assertFalse(deduct.environment().containsKey("MOCK_WEBHOOK_SECRET"), "not a purchase function");
        assertFalse(deduct.environment().containsKey("PAYMENT_PROVIDER"), "not declared for it in the template");
        for (FunctionSpec f : functions.values()) {
            assertEquals("LedgerTable", f.environment().get("TABLE_NAME"), f.logicalId());
            assertTrue(f.templateEnvironment().keySet().containsAll(
                    template.globals("Function").containsKey("Environment") ? Set.of("POWERTOOLS_SERVICE_NAME", "TABLE_NAME") : Set.of()),
                    f.logicalId());
        }
    }

    @Test
    void purchaseFunctionsGetTheLocalProviderAndUrls() {
        for (String id : List.of("CreateOrderFunction", "CallbackFunction", "WebhookFunction")) {
            FunctionSpec f = function(id);
            Map<String, String> env = f.environment();
            assertEquals(BASE + "/api/payment/callback", env.get("CALLBACK_URL"), id + ": the !Sub with the API's URL");
            assertEquals("mock", env.get("PAYMENT_PROVIDER"), id);
            assertTrue(f.templateEnvironment().containsKey("PAYMENT_PROVIDER"), id + ": declared by the template");
            assertEquals("local", env.get("PAYMENT_ENV"), id);
            assertEquals(BASE + "/?purchase=success", env.get("SUCCESS_URL"), id);
            assertEquals(BASE, env.get("RETURN_URL_ORIGINS"), id);
            assertEquals(SQS + "/000000000000/FulfilmentQueue", env.get("FULFILMENT_QUEUE_URL"), id + ": !Ref FulfilmentQueue");
            assertEquals(MOCK_SECRET, env.get("MOCK_WEBHOOK_SECRET"), id);
            assertEquals(BASE + "/mock/checkout", env.get("MOCK_CHECKOUT_URL"), id);
            assertEquals(BASE + "/api/payment/webhook/mock", env.get("MOCK_WEBHOOK_URL"), id);
            assertNull(env.get("PROVIDER_SECRETS_ARN"), id + ": no Secrets Manager locally");
            assertTrue(f.templateEnvironment().get("PROVIDER_SECRETS_ARN").startsWith("arn:aws:secretsmanager:us-east-1:000000000000:secret:"),
                    id + ": " + f.templateEnvironment().get("PROVIDER_SECRETS_ARN"));
        }
        assertEquals(BASE + "/?purchase=cancel", function("CallbackFunction").environment().get("CANCEL_URL"));
    }

    @Test
    void routesAuthorizersAndScopes() {
        FunctionSpec deduct = function("DeductCreditsFunction");
        for (String path : List.of("/api/credits/deduct", "/api/credits/refund")) {
            HttpRoute r = route(deduct, "POST", path);
            assertEquals("OAuth2Authorizer", r.authorizer());
            assertEquals(List.of("credits/write"), r.scopes());
        }
        HttpRoute grant = route(deduct, "POST", "/api/credits/grant");
        assertEquals("OAuth2Authorizer", grant.authorizer());
        assertEquals(List.of("credits/grant", "credits/admin"), grant.scopes());
        FunctionSpec query = function("CreditsQueryFunction");
        assertTrue(route(query, "GET", "/api/credits/plans").isPublic(), "Authorizer: NONE");
        HttpRoute balance = route(query, "GET", "/api/credits/balance");
        assertFalse(balance.isPublic());
        assertEquals(List.of(), balance.scopes());
        assertFalse(route(function("CreateOrderFunction"), "POST", "/api/payment/create-order").isPublic());
        assertFalse(route(function("CreateOrderFunction"), "GET", "/api/payment/orders/{orderId}").isPublic());
        assertTrue(route(query, "GET", "/api/credits/prices").isPublic(), "Authorizer: NONE");
        for (String path : List.of("/api/payment/orders", "/api/payment/invoices", "/api/payment/payment-methods")) {
            assertFalse(route(function("CreateOrderFunction"), "GET", path).isPublic(), path);
        }
        assertTrue(route(function("CreateOrderFunction"), "GET", "/api/payment/config").isPublic());
        assertTrue(route(function("CallbackFunction"), "GET", "/api/payment/callback").isPublic());
        assertTrue(route(function("WebhookFunction"), "POST", "/api/payment/webhook/{provider}").isPublic());
        // The $default route (no Path, no Method): the not-found function, public.
        HttpRoute catchAll = route(function("NotFoundFunction"), "ANY", HttpRoute.DEFAULT);
        assertTrue(catchAll.isDefault() && catchAll.isPublic(), catchAll.toString());
        assertEquals(List.of(), function("NotFoundFunction").ignoredEvents());
        // No route is declared twice.
        Set<String> seen = new HashSet<>();
        for (FunctionSpec f : functions.values()) {
            for (HttpRoute r : f.routes()) {
                assertTrue(seen.add(r.method() + " " + r.path()), "declared twice: " + r.method() + " " + r.path());
            }
        }
    }

    @Test
    void theFulfilmentFunctionConsumesTheFulfilmentQueueWhichDeadLettersToItsDlq() {
        FunctionSpec fulfilment = function("FulfilmentFunction");
        assertEquals(1, fulfilment.queues().size(), fulfilment.queues().toString());
        assertEquals("FulfilmentQueue", fulfilment.queues().get(0).queue());
        assertEquals(10, fulfilment.queues().get(0).batchSize());
        assertTrue(fulfilment.queues().get(0).enabled());
        assertTrue(fulfilment.routes().isEmpty());

        List<QueueSpec> queues = local.queues();
        List<String> order = queues.stream().map(QueueSpec::logicalId).toList();
        assertTrue(order.indexOf("FulfilmentDLQ") < order.indexOf("FulfilmentQueue"), "the DLQ is created first: " + order);
        QueueSpec queue = queues.get(order.indexOf("FulfilmentQueue"));
        assertEquals(Set.of("FulfilmentDLQ"), queue.dependsOn());
        @SuppressWarnings("unchecked")
        Map<String, Object> resolved = (Map<String, Object>) local.intrinsics().resolve(queue.properties());
        Map<String, String> attributes = QueueSpec.attributes(resolved, 2);
        assertEquals("{\"deadLetterTargetArn\":\"arn:aws:sqs:elasticmq:000000000000:FulfilmentDLQ\",\"maxReceiveCount\":\"5\"}",
                attributes.get("RedrivePolicy"));
        assertEquals("2", attributes.get("VisibilityTimeout"), "180 s in the template, 2 s locally");
        assertEquals("FulfilmentQueue", QueueSpec.name("FulfilmentQueue", resolved));
    }

    @Test
    void scheduledFunctionsAreReadWhenTheTemplateHasThem() {
        // The reconciliation function (a Schedule event) may not be in the template yet; every Schedule
        // event there is must be read with its expression.
        for (FunctionSpec f : functions.values()) {
            f.schedules().forEach(s -> assertNotNull(s.expression(), f.logicalId() + " " + s.event()));
        }
    }
}
