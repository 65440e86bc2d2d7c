package dev.prepaid.deployment;

import static dev.prepaid.deployment.Templates.fieldNames;
import static dev.prepaid.deployment.Templates.fn;
import static dev.prepaid.deployment.Templates.oneOrMany;
import static dev.prepaid.deployment.Templates.ref;
import static dev.prepaid.deployment.Templates.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.out.dynamodb.LedgerTable;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.function.notfound.NotFoundHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * template.yaml against the code: routes, scopes, public routes, runtime, environment, IAM, the fulfilment
 * queue, the reconciliation's schedule, the alarms and the table. The checks that guard a rule someone could plausibly break are static methods over
 * a template, and each is also run on a deliberately broken copy that must fail.
 */
class TemplateContentTest {
    private static final String FUNCTION = "AWS::Serverless::Function";

    // --- environment variables the code reads that the template legitimately does not set ---------------
    /** Set by Lambda itself (reserved names: a template cannot set them). */
    static final Set<String> RUNTIME_ENV = Set.of("AWS_REGION", "AWS_ACCESS_KEY_ID");
    /**
     * Local and test overrides: they point the code at DynamoDB Local, ElasticMQ, the fake Stripe and Creem
     * APIs and the mock provider's loopback pages. On AWS they stay unset, so the real endpoints are used.
     */
    static final Set<String> LOCAL_OVERRIDE_ENV = Set.of("STRIPE_API_BASE", "CREEM_API_BASE", "MOCK_CHECKOUT_URL",
            "MOCK_WEBHOOK_URL", "SQS_ENDPOINT", "DYNAMODB_ENDPOINT", "CATALOG_FILE",
            // the local runner lets a local app register http://localhost endpoints; deployed stacks take https only
            "APP_WEBHOOKS_ALLOW_HTTP_LOOPBACK");
    /**
     * The provider keys: from the environment locally; on AWS from the ProviderSecrets secret, which the code
     * lays over the environment on first use and every SECRETS_TTL_SECONDS (PROVIDER_SECRETS_ARN). Never plain in
     * the template.
     */
    static final Set<String> PROVIDER_SECRET_ENV = Set.of("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
            "CREEM_API_KEY", "CREEM_WEBHOOK_SECRET", "MOCK_WEBHOOK_SECRET");

    /**
     * Overrides of the catalog file's provider ids (STRIPE_PRICE_&lt;PRODUCT&gt;[_&lt;PAYMENT_ENV&gt;],
     * CREEM_PRODUCT_&lt;PRODUCT&gt;...): read by ProviderIds, set locally or through the provider secret, never by the
     * template (the catalog file carries the ids per environment).
     */
    static final Set<String> PROVIDER_ID_OVERRIDE_ENV = providerIdOverrides();

    private static Set<String> providerIdOverrides() {
        Set<String> names = new TreeSet<>();
        for (Product product : ProductCatalog.defaults().all()) {
            for (String provider : List.of("stripe", "creem")) {
                names.add(ProductCatalog.providerIdVariable(provider, product.id()));
            }
        }
        return names;
    }

    /**
     * The functions built on prepaid-providers (the payment wiring): the purchase functions, and reconciliation and
     * admin, which re-check orders with their provider. Their poms must say the same.
     */
    static final Set<String> PROVIDER_FUNCTIONS = Set.of("CreateOrderFunction", "CallbackFunction", "WebhookFunction",
            "ReconciliationFunction", "AdminFunction", "AutoTopupFunction");

    /** env.required("X") / env.optional("X", ...), or a helper handed the environment and a name: url(env, "X", ...). */
    private static final Pattern ENV_READ = Pattern.compile(
            "\\b(?:required|optional)\\(\\s*\"([A-Za-z0-9_]+)\"|\\b\\w+\\(\\s*env\\s*,\\s*\"([A-Z][A-Z0-9_]*)\"");
    /** A provider reads ProductCatalog.providerIdVariable(NAME, product) for every catalog product. */
    private static final Pattern PROVIDER_ID_VARIABLE = Pattern.compile(
            "(?:providerIdVariable|ProviderIds\\.fromEnv)\\(\\s*(?:env\\s*,\\s*)?NAME\\s*,");
    private static final Pattern PROVIDER_NAME = Pattern.compile("static final String NAME\\s*=\\s*\"([a-z]+)\"");
    private static final Pattern ROUTE = Pattern.compile("\\.route\\(\\s*\"([A-Z]+)\"\\s*,\\s*\"([^\"]+)\"");

    private static final JsonNode TABLE = fn("Fn::GetAtt", List.of("LedgerTable", "Arn"));
    private static final JsonNode INDEXES = fn("Fn::Sub", "${LedgerTable.Arn}/index/*");

    private static ObjectNode template;
    private static Path root;

    @BeforeAll
    static void load() {
        root = Templates.root();
        template = Templates.template();
    }

    private static Map<String, JsonNode> functions(JsonNode template) {
        return Templates.resources(template, FUNCTION);
    }

    private static JsonNode function(JsonNode template, String logicalId) {
        JsonNode function = functions(template).get(logicalId);
        assertTrue(function != null, "template.yaml has no " + FUNCTION + " " + logicalId);
        return function;
    }

    private static JsonNode function(String logicalId) {
        return function(template, logicalId);
    }

    /** The function's own environment variables (not Globals). */
    private static JsonNode ownVariables(JsonNode function) {
        return function.path("Properties").path("Environment").path("Variables");
    }

    // --- functions, globals, parameters ------------------------------------------------------------------

    @Test
    void declaresExactlyTheExpectedFunctions() {
        assertEquals(ExpectedFunction.BY_LOGICAL_ID.keySet(), functions(template).keySet());
        ExpectedFunction.BY_LOGICAL_ID.forEach((id, expected) ->
                assertEquals(expected.handler(), function(id).path("Properties").path("Handler").asText(), id));
    }

    @Test
    void everyFunctionRunsJava21OnArm64() {
        functions(template).forEach((id, function) -> {
            assertEquals("java21", Templates.functionProperty(template, function, "Runtime").asText(),
                    id + " Runtime (own or Globals.Function)");
            assertEquals(List.of("arm64"), Templates.texts(Templates.functionProperty(template, function, "Architectures")),
                    id + " Architectures (own or Globals.Function)");
        });
    }

    @Test
    void globalsAsSpecified() {
        JsonNode globals = template.path("Globals").path("Function");
        assertEquals(1024, globals.path("MemorySize").asInt());
        assertEquals(10, globals.path("Timeout").asInt());
        assertEquals("Active", globals.path("Tracing").asText());
        assertEquals("live", globals.path("AutoPublishAlias").asText(), "SnapStart only applies to published versions");
        assertEquals("PublishedVersions", globals.path("SnapStart").path("ApplyOn").asText());
        JsonNode env = globals.path("Environment").path("Variables");
        assertEquals("prepaid", env.path("POWERTOOLS_SERVICE_NAME").asText());
        assertEquals("INFO", env.path("POWERTOOLS_LOG_LEVEL").asText());
        assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1", env.path("JAVA_TOOL_OPTIONS").asText());
        assertEquals(ref("LedgerTable"), env.path("TABLE_NAME"));
    }

    @Test
    void parametersConditionsAndOutputs() {
        JsonNode parameters = template.path("Parameters");
        assertEquals(List.of("dev", "prod"), Templates.texts(parameters.path("Stage").path("AllowedValues")));
        assertEquals("String", parameters.path("JwtIssuer").path("Type").asText());
        assertEquals("CommaDelimitedList", parameters.path("JwtAudience").path("Type").asText());
        assertEquals(dev.prepaid.adapter.catalog.CatalogFile.DEFAULT_NAME, parameters.path("Catalog").path("Default").asText(),
                "the template's default catalog is the code's");
        Pattern catalogName = Pattern.compile(parameters.path("Catalog").path("AllowedPattern").asText());
        for (String shipped : List.of("aiasmr", "smartspec", "personalink", "audiobook")) {
            assertTrue(catalogName.matcher(shipped).matches(), shipped);
            assertEquals(shipped, dev.prepaid.adapter.catalog.CatalogFile.shipped(shipped).name(), "shipped in the jar");
        }
        assertFalse(catalogName.matcher("../x").matches());
        for (String gone : List.of("PricingCatalog", "ProductCatalog", "StripePriceTrial", "CreemProductPro")) {
            assertFalse(parameters.has(gone), gone + ": the catalog file carries it now");
        }
        assertEquals(fn("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")), template.path("Conditions").path("IsProd"));
        assertEquals("", parameters.path("AlarmTopicArn").path("Default").asText("missing"), "alarms need no topic");
        Pattern topic = Pattern.compile(parameters.path("AlarmTopicArn").path("AllowedPattern").asText());
        assertTrue(topic.matcher("").matches() && topic.matcher("arn:aws:sns:us-east-1:123456789012:prepaid-alarms").matches());
        assertFalse(topic.matcher("prepaid-alarms").matches(), "a topic name is not an ARN");
        assertTrue(template.path("Outputs").has("ApiUrl"), "Outputs.ApiUrl");
        assertEquals(ref("LedgerTable"), template.path("Outputs").path("LedgerTableName").path("Value"));
    }

    @Test
    void paymentParametersMatchTheCode() {
        JsonNode parameters = template.path("Parameters");
        assertEquals(PaymentWiring.PROVIDERS, Templates.texts(parameters.path("PaymentProvider").path("AllowedValues")),
                "PaymentProvider: the providers PaymentWiring can build");
        assertEquals("stripe", parameters.path("PaymentProvider").path("Default").asText());
        assertEquals(List.of("test", "production"), Templates.texts(parameters.path("PaymentEnv").path("AllowedValues")));
        assertEquals("test", parameters.path("PaymentEnv").path("Default").asText(), "never production by default");
        assertEquals(Arrays.stream(ClawbackPolicy.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList(),
                Templates.texts(parameters.path("ClawbackPolicy").path("AllowedValues")), "ClawbackPolicy.parse's values");
        for (String name : List.of("SuccessUrl", "CancelUrl")) {
            assertTrue(parameters.path(name).path("Default").asText().startsWith("https://"), name + " default");
        }
        List<String> emptyByDefault = new ArrayList<>(List.of("ReturnUrlOrigins"));
        for (String name : emptyByDefault) {
            assertEquals("String", parameters.path(name).path("Type").asText(), name + " Type");
            assertEquals("", parameters.path(name).path("Default").asText("missing"), name + " Default");
        }
        assertFalse(parameters.path("PublicApiUrl").has("Default"), "PublicApiUrl has no sensible default");
        Pattern publicApiUrl = Pattern.compile(parameters.path("PublicApiUrl").path("AllowedPattern").asText());
        assertTrue(publicApiUrl.matcher("https://api.example.com").matches());
        assertTrue(publicApiUrl.matcher("https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com").matches());
        assertFalse(publicApiUrl.matcher("https://api.example.com/").matches(), "a trailing slash would double it");
        assertFalse(publicApiUrl.matcher("http://api.example.com").matches(), "https only");
    }

    @Test
    void everyParameterIsUsed() {
        Set<String> used = Templates.references(template.path("Resources"));
        used.addAll(Templates.references(template.path("Globals")));
        used.addAll(Templates.references(template.path("Conditions")));
        used.addAll(Templates.references(template.path("Outputs")));
        Set<String> unused = new TreeSet<>(fieldNames(template.path("Parameters")));
        unused.removeAll(used);
        assertEquals(Set.of(), unused, "parameters nothing refers to");
    }

    @Test
    void outputsNameTheWebhookEndpointsAndTheDlq() {
        JsonNode outputs = template.path("Outputs");
        String apiUrl = outputs.path("ApiUrl").path("Value").path("Fn::Sub").asText();
        assertTrue(apiUrl.startsWith("https://${HttpApi}.execute-api.") && apiUrl.endsWith("/"), "ApiUrl: " + apiUrl);
        String webhookRoute = "POST /api/payment/webhook/{provider}";
        assertTrue(ExpectedFunction.BY_LOGICAL_ID.get("WebhookFunction").routes().contains(webhookRoute));
        for (String provider : List.of("stripe", "creem")) {
            assertTrue(PaymentWiring.PROVIDERS.contains(provider));
            String name = Character.toUpperCase(provider.charAt(0)) + provider.substring(1) + "WebhookUrl";
            assertEquals(fn("Fn::Sub", apiUrl + "api/payment/webhook/" + provider), outputs.path(name).path("Value"),
                    name + ": the webhook route with {provider} = " + provider);
        }
        assertEquals(ref("FulfilmentDLQ"), outputs.path("FulfilmentDlqUrl").path("Value"), "Ref of a queue is its URL");
        assertEquals(ref("ProviderSecrets"), outputs.path("ProviderSecretsArn").path("Value"));
        assertEquals(ref("LedgerTable"), outputs.path("LedgerTableName").path("Value"));
        assertEquals(ref("ReconciliationFunction"), outputs.path("ReconciliationFunctionName").path("Value"),
                "Ref of a function is its name");
        String adminBase = apiUrl + "api/admin";
        assertTrue(ExpectedFunction.BY_LOGICAL_ID.get("AdminFunction").routes().stream()
                .allMatch(r -> r.substring(r.indexOf(' ') + 1).startsWith("/api/admin/")), "admin routes under /api/admin");
        assertEquals(fn("Fn::Sub", adminBase), outputs.path("AdminApiBase").path("Value"), "AdminApiBase");
    }

    // --- routes and authorization ------------------------------------------------------------------------

    @Test
    void templateRoutesAreExactlyTheRoutesEachHandlerServes() throws IOException {
        ExpectedFunction.BY_LOGICAL_ID.forEach((id, expected) -> {
            assertEquals(new TreeSet<>(expected.routes()), new TreeSet<>(routes(function(id)).keySet()),
                    id + ": HttpApi events in template.yaml");
        });
        for (ExpectedFunction expected : ExpectedFunction.BY_LOGICAL_ID.values()) {
            if (expected.routes().contains(Templates.DEFAULT_ROUTE)) {
                continue; // the catch-all serves no route of its own (theDefaultRouteKnowsEveryRouteOfTheTemplate)
            }
            Path source = root.resolve(expected.handlerSource());
            assertTrue(Files.isRegularFile(source), "handler source not found: " + source);
            Set<String> served = new TreeSet<>();
            Matcher route = ROUTE.matcher(Files.readString(source));
            while (route.find()) {
                served.add(route.group(1) + " " + route.group(2));
            }
            assertEquals(new TreeSet<>(expected.routes()), served,
                    "routes registered in " + expected.handlerSource() + " (update template.yaml and ExpectedFunction)");
        }
        Set<String> all = new HashSet<>();
        ExpectedFunction.BY_LOGICAL_ID.values().forEach(f -> f.routes().forEach(r ->
                assertTrue(all.add(r), "two functions serve " + r)));
    }

    @Test
    void apiFunctionsHaveOnlyHttpApiEventsConsumersOnlyTheirQueueAndScheduledOnlyTheirSchedule() {
        ExpectedFunction.BY_LOGICAL_ID.forEach((id, expected) -> {
            Map<String, Long> types = new TreeMap<>(function(id).path("Properties").path("Events").properties().stream()
                    .collect(Collectors.groupingBy(e -> e.getValue().path("Type").asText(), Collectors.counting())));
            if (expected.isQueueConsumer()) {
                assertEquals(Map.of("SQS", 1L), types, id + ": exactly one SQS event");
            } else if (expected.isScheduled()) {
                assertEquals(Map.of("Schedule", 1L), types, id + ": exactly one Schedule event");
            } else {
                assertEquals(Set.of("HttpApi"), types.keySet(), id + ": event types");
            }
        });
    }

    @Test
    void everyRouteGoesThroughTheJwtAuthorizerUnlessDeclaredPublic() {
        checkRouteAuthorization(template);
    }

    @Test
    void aBrokenRouteAuthorizationIsReported() {
        assertFails("GET /api/credits/plans: public", copy -> event(copy, "CreditsQueryFunction", "Plans")
                .withObjectProperty("Auth").put("Authorizer", "OAuth2Authorizer"));
        assertFails("GET /api/credits/balance: Auth.Authorizer", copy -> event(copy, "CreditsQueryFunction", "Balance")
                .withObjectProperty("Auth").put("Authorizer", "NONE"));
        assertFails("POST /api/credits/deduct: Auth.Authorizer", copy -> event(copy, "DeductCreditsFunction", "Deduct")
                .remove("Auth"));
        assertFails("GET /api/payment/callback: a public route has no scopes", copy ->
                event(copy, "CallbackFunction", "Callback").withObjectProperty("Auth").putArray("AuthorizationScopes").add("credits/write"));
        assertFails("POST /api/credits/grant: Auth.AuthorizationScopes", copy ->
                event(copy, "DeductCreditsFunction", "Grant").withObjectProperty("Auth").remove("AuthorizationScopes"));
    }

    static void checkRouteAuthorization(JsonNode template) {
        Map<String, JsonNode> apis = Templates.resources(template, "AWS::Serverless::HttpApi");
        assertEquals(1, apis.size(), "one AWS::Serverless::HttpApi");
        String apiId = apis.keySet().iterator().next();
        JsonNode auth = apis.get(apiId).path("Properties").path("Auth");
        String authorizerName = auth.path("DefaultAuthorizer").asText();
        JsonNode authorizer = auth.path("Authorizers").path(authorizerName);
        assertFalse(authorizer.isMissingNode(), "DefaultAuthorizer '" + authorizerName + "' is not in Auth.Authorizers");
        assertEquals("$request.header.Authorization", authorizer.path("IdentitySource").asText());
        assertEquals(ref("JwtIssuer"), authorizer.path("JwtConfiguration").path("issuer"));
        assertEquals(ref("JwtAudience"), authorizer.path("JwtConfiguration").path("audience"));
        assertFalse(authorizer.has("AuthorizationScopes"), "scopes belong on the routes, not on every route at once");

        ExpectedFunction.BY_LOGICAL_ID.forEach((id, expected) -> routes(function(template, id)).forEach((route, event) -> {
            JsonNode properties = event.path("Properties");
            assertEquals(ref(apiId), properties.path("ApiId"), id + " " + route + ": ApiId");
            List<String> scopes = Templates.texts(properties.path("Auth").path("AuthorizationScopes"));
            if (expected.isPublic(route)) {
                assertEquals("NONE", properties.path("Auth").path("Authorizer").asText(),
                        id + " " + route + ": public, so Auth.Authorizer NONE (else the default authorizer applies)");
                assertEquals(List.of(), scopes, id + " " + route + ": a public route has no scopes");
            } else {
                assertEquals(authorizerName, properties.path("Auth").path("Authorizer").asText(),
                        id + " " + route + ": Auth.Authorizer");
                assertEquals(expected.scopesOf(route), scopes, id + " " + route + ": Auth.AuthorizationScopes");
            }
        }));
    }

    /**
     * The API has one {@code $default} route, public, and its function knows every other route of the template
     * (NotFoundHandler.ROUTE_KEYS): it answers 405 with Allow for a known path, 404 for the rest. A route added to
     * the template and not to that list would answer 404 to a wrong method instead of 405 (and the other way round).
     */
    @Test
    void theDefaultRouteKnowsEveryRouteOfTheTemplate() {
        checkDefaultRoute(template, NotFoundHandler.ROUTE_KEYS);
    }

    @Test
    void aDefaultRouteThatDoesNotKnowTheTemplatesRoutesIsReported() {
        List<String> known = NotFoundHandler.ROUTE_KEYS;
        ObjectNode added = Templates.template();
        ObjectNode export = ((ObjectNode) function(added, "CreditsQueryFunction").path("Properties").path("Events"))
                .putObject("Export").put("Type", "HttpApi");
        export.set("Properties", event(added, "CreditsQueryFunction", "Balance").deepCopy().put("Path", "/api/credits/export"));
        assertDefaultRouteFails("not in NotFoundHandler.ROUTE_KEYS: [GET /api/credits/export]", added, known);
        List<String> extra = new ArrayList<>(known);
        extra.add("DELETE /api/credits/balance");
        assertDefaultRouteFails("not routes of template.yaml: [DELETE /api/credits/balance]", template, extra);
        ObjectNode secured = Templates.template();
        event(secured, "NotFoundFunction", "DefaultRoute").withObjectProperty("Auth").put("Authorizer", "OAuth2Authorizer");
        assertDefaultRouteFails("$default: public", secured, known);
        ObjectNode none = Templates.template();
        ((ObjectNode) function(none, "NotFoundFunction").path("Properties").path("Events")).remove("DefaultRoute");
        assertDefaultRouteFails("one $default route", none, known);
    }

    private static void assertDefaultRouteFails(String expected, JsonNode broken, List<String> known) {
        AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> checkDefaultRoute(broken, known));
        assertTrue(String.valueOf(error.getMessage()).contains(expected), "expected '" + expected + "', got: " + error.getMessage());
    }

    static void checkDefaultRoute(JsonNode template, List<String> known) {
        Set<String> others = new TreeSet<>();
        List<String> defaults = new ArrayList<>();
        functions(template).forEach((id, function) -> routes(function).forEach((route, event) -> {
            if (route.equals(Templates.DEFAULT_ROUTE)) {
                defaults.add(id);
                assertEquals("NONE", event.path("Properties").path("Auth").path("Authorizer").asText(),
                        id + " $default: public (Auth.Authorizer NONE), else an unknown route is a 401");
            } else {
                others.add(route);
            }
        }));
        assertEquals(List.of("NotFoundFunction"), defaults, "one $default route, on NotFoundFunction");
        assertEquals(known.size(), new TreeSet<>(known).size(), "NotFoundHandler.ROUTE_KEYS lists a route twice");
        Set<String> missing = new TreeSet<>(others);
        missing.removeAll(known);
        assertEquals(Set.of(), missing, "routes of template.yaml not in NotFoundHandler.ROUTE_KEYS: " + missing);
        Set<String> stale = new TreeSet<>(known);
        stale.removeAll(others);
        assertEquals(Set.of(), stale, "NotFoundHandler.ROUTE_KEYS has entries that are not routes of template.yaml: " + stale);
    }

    /**
     * SAM turns the HttpApi's routes into an API whose body names each target function, so a function whose
     * properties name that API (CALLBACK_URL = !Sub "https://${HttpApi}...") makes a circular dependency that
     * CloudFormation rejects at deploy time, long after every other check passed.
     */
    @Test
    void noFunctionDependsOnTheApiThatRoutesToIt() {
        checkNoApiCycle(template);
    }

    @Test
    void aFunctionNamingItsOwnApiIsReported() {
        assertFails("circular dependency", copy -> ((ObjectNode) ownVariables(function(copy, "CreateOrderFunction")))
                .set("CALLBACK_URL", fn("Fn::Sub",
                        "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/payment/callback")));
        assertFails("circular dependency", copy -> ((ObjectNode) copy.path("Globals").path("Function")
                .path("Environment").path("Variables")).set("API_ID", ref("HttpApi")));
    }

    static void checkNoApiCycle(JsonNode template) {
        JsonNode resources = template.path("Resources");
        functions(template).forEach((id, function) -> {
            Set<String> apis = new TreeSet<>();
            function.path("Properties").path("Events").forEach(event -> {
                if (event.path("Type").asText().equals("HttpApi")) {
                    apis.addAll(Templates.references(event.path("Properties").path("ApiId")));
                }
            });
            if (apis.isEmpty()) {
                return;
            }
            // everything the function depends on, directly or through other resources
            Deque<String> pending = new ArrayDeque<>(Templates.references(ownDependencies(function)));
            pending.addAll(Templates.references(template.path("Globals").path("Function")));
            Templates.oneOrMany(function.path("DependsOn")).forEach(d -> pending.add(d.asText()));
            Set<String> seen = new HashSet<>();
            while (!pending.isEmpty()) {
                String name = pending.pop();
                if (!seen.add(name) || !resources.has(name)) {
                    continue;
                }
                assertFalse(apis.contains(name), id + " depends on " + name + ", which routes to " + id
                        + ": a circular dependency CloudFormation rejects");
                JsonNode resource = resources.get(name);
                pending.addAll(Templates.references(resource.path("Type").asText().equals(FUNCTION)
                        ? ownDependencies(resource) : resource));
                Templates.oneOrMany(resource.path("DependsOn")).forEach(d -> pending.add(d.asText()));
            }
        });
    }

    /**
     * A function without what SAM turns into resources that depend on the function, not the other way round:
     * its Events (routes, permissions, event source mappings) and its DeploymentPreference (a CodeDeploy
     * deployment group, which names the rollback alarms, which name the function).
     */
    private static JsonNode ownDependencies(JsonNode function) {
        ObjectNode own = function.deepCopy();
        if (own.path("Properties").isObject()) {
            ((ObjectNode) own.path("Properties")).remove(List.of("Events", "DeploymentPreference"));
        }
        return own;
    }

    @Test
    void callbackUrlIsThePublicCallbackRoute() {
        String route = "GET /api/payment/callback";
        ExpectedFunction callback = ExpectedFunction.BY_LOGICAL_ID.get("CallbackFunction");
        assertTrue(callback.routes().contains(route) && callback.isPublic(route), route + " is the public callback");
        JsonNode expected = fn("Fn::Sub", "${PublicApiUrl}" + route.substring(route.indexOf(' ') + 1));
        int set = 0;
        for (Map.Entry<String, JsonNode> function : functions(template).entrySet()) {
            JsonNode value = ownVariables(function.getValue()).path("CALLBACK_URL");
            if (!value.isMissingNode()) {
                assertEquals(expected, value, function.getKey() + " CALLBACK_URL");
                set++;
            }
        }
        assertTrue(set > 0, "no function sets CALLBACK_URL");
    }

    // --- the reconciliation ----------------------------------------------------------------------------

    @Test
    void reconciliationRunsOnItsScheduleOneAtATime() {
        checkReconciliation(template);
    }

    @Test
    void aReconciliationThatCouldOverlapOrRunOffScheduleIsReported() {
        assertFails("ReservedConcurrentExecutions", copy -> ((ObjectNode) function(copy, "ReconciliationFunction")
                .path("Properties")).remove("ReservedConcurrentExecutions"));
        assertFails("ReservedConcurrentExecutions", copy -> ((ObjectNode) function(copy, "ReconciliationFunction")
                .path("Properties")).put("ReservedConcurrentExecutions", 2));
        assertFails("Timeout", copy -> ((ObjectNode) function(copy, "ReconciliationFunction").path("Properties"))
                .remove("Timeout"));
        assertFails("Schedule: the ReconcileSchedule parameter", copy -> event(copy, "ReconciliationFunction", "Reconcile")
                .put("Schedule", "rate(1 hour)"));
        assertFails("ReconcileSchedule default", copy -> ((ObjectNode) copy.path("Parameters").path("ReconcileSchedule"))
                .put("Default", "rate(1 day)"));
        assertFails("disabled", copy -> event(copy, "ReconciliationFunction", "Reconcile").put("State", "DISABLED"));
    }

    static void checkReconciliation(JsonNode template) {
        String id = "ReconciliationFunction";
        ExpectedFunction expected = ExpectedFunction.BY_LOGICAL_ID.get(id);
        assertTrue(expected.isScheduled(), id + " is the scheduled function");
        JsonNode properties = function(template, id).path("Properties");
        assertEquals(300, properties.path("Timeout").asInt(), id + " Timeout: a bounded run that saves its checkpoint");
        assertEquals(1, properties.path("ReservedConcurrentExecutions").asInt(),
                id + " ReservedConcurrentExecutions: runs must not overlap");
        JsonNode events = properties.path("Events");
        assertEquals(1, events.size(), id + ": exactly one event");
        JsonNode schedule = events.elements().next();
        assertEquals("Schedule", schedule.path("Type").asText(), id + ": an EventBridge Schedule event");
        assertEquals(ref(expected.schedule()), schedule.path("Properties").path("Schedule"),
                id + " Schedule: the " + expected.schedule() + " parameter");
        assertTrue(schedule.path("Properties").path("State").asText("ENABLED").equals("ENABLED")
                        && schedule.path("Properties").path("Enabled").asBoolean(true),
                id + ": the schedule is disabled");
        assertEquals("rate(15 minutes)", template.path("Parameters").path(expected.schedule()).path("Default").asText(),
                expected.schedule() + " default: every 15 minutes (the SOP's schedule, and the alarms' periods)");
    }

    /**
     * The grant cap: the credits/grant scope creates at most MaxGrant per grant (the handler's MAX_GRANT; its default
     * without the variable is the same 1000).
     */
    @Test
    void theGrantCapIsAParameterOfTheDeductFunction() {
        JsonNode maxGrant = template.path("Parameters").path("MaxGrant");
        assertEquals("Number", maxGrant.path("Type").asText(), "MaxGrant Type");
        assertEquals(1000, maxGrant.path("Default").asInt(-1), "MaxGrant Default (GrantAuthority.DEFAULT_MAX_GRANT)");
        assertEquals(ref("MaxGrant"), function(template, "DeductCreditsFunction").path("Properties").path("Environment")
                .path("Variables").path("MAX_GRANT"), "DeductCreditsFunction MAX_GRANT");
    }

    /** The reconciliation's tuning parameters default to what the code does without them. */
    @Test
    void reconciliationParametersDefaultToTheCodesDefaults() {
        JsonNode parameters = template.path("Parameters");
        ReconciliationService.Settings defaults = ReconciliationService.Settings.defaults();
        Map<String, Long> expected = new TreeMap<>(Map.of(
                "ReconcileMaxUsers", (long) defaults.maxUsers(),
                "ReconcilePendingAfterMinutes", defaults.pendingAfter().toMinutes(),
                "ReconcileSettleSeconds", defaults.settleLag().toSeconds(),
                "ReconcileFullSumDays", defaults.fullResumAfter().toDays()));
        expected.forEach((name, value) -> {
            assertEquals("Number", parameters.path(name).path("Type").asText(), name + " Type");
            assertEquals(value.longValue(), parameters.path(name).path("Default").asLong(-1), name + " Default");
            assertEquals(1_000_000, parameters.path(name).path("MaxValue").asLong(), name + " MaxValue (the code's)");
        });
        assertEquals(1, parameters.path("ReconcileMaxUsers").path("MinValue").asInt(), "the code refuses 0");
        assertEquals(1, parameters.path("ReconcilePendingAfterMinutes").path("MinValue").asInt(), "the code refuses 0");
        assertEquals(0, parameters.path("ReconcileSettleSeconds").path("MinValue").asInt(-1));
        assertEquals(0, parameters.path("ReconcileFullSumDays").path("MinValue").asInt(-1));
        // CHECKOUT_LIFETIME_MINUTES: the template's range is exactly what the code accepts at start-up
        JsonNode lifetime = parameters.path("CheckoutLifetimeMinutes");
        assertEquals("Number", lifetime.path("Type").asText(), "CheckoutLifetimeMinutes Type");
        assertEquals(CheckoutLifetime.DEFAULT_MINUTES, lifetime.path("Default").asLong(-1), "CheckoutLifetimeMinutes Default");
        assertEquals(CheckoutLifetime.MIN_MINUTES, lifetime.path("MinValue").asLong(-1), "CheckoutLifetimeMinutes MinValue");
        assertEquals(CheckoutLifetime.MAX_MINUTES, lifetime.path("MaxValue").asLong(-1), "CheckoutLifetimeMinutes MaxValue");
        assertEquals(CheckoutLifetime.DEFAULT, defaults.checkoutLifetime(), "the reconciliation's default lifetime");
        Pattern schedule = Pattern.compile(parameters.path("ReconcileSchedule").path("AllowedPattern").asText());
        assertTrue(schedule.matcher("rate(15 minutes)").matches() && schedule.matcher("cron(0/15 * * * ? *)").matches());
        assertFalse(schedule.matcher("15 minutes").matches());
    }

    // --- the fulfilment queue --------------------------------------------------------------------------

    @Test
    void fulfilmentConsumesItsQueueWithPartialBatchResponses() {
        ExpectedFunction expected = ExpectedFunction.BY_LOGICAL_ID.get("FulfilmentFunction");
        JsonNode events = function("FulfilmentFunction").path("Properties").path("Events");
        assertEquals(1, events.size(), "FulfilmentFunction: exactly one event");
        JsonNode sqs = events.elements().next();
        assertEquals("SQS", sqs.path("Type").asText());
        JsonNode properties = sqs.path("Properties");
        assertEquals(fn("Fn::GetAtt", List.of(expected.queue(), "Arn")), properties.path("Queue"));
        assertEquals(List.of("ReportBatchItemFailures"), Templates.texts(properties.path("FunctionResponseTypes")),
                "each message is reported on its own: one failure must not replay the batch");
        assertEquals(10, properties.path("BatchSize").asInt());
        assertEquals(1, properties.path("MaximumBatchingWindowInSeconds").asInt());
        assertEquals(10, properties.path("ScalingConfig").path("MaximumConcurrency").asInt(),
                "bounded write pressure on hot balances");
        assertEquals(30, function("FulfilmentFunction").path("Properties").path("Timeout").asInt(), "own Timeout");

        functions(template).forEach((id, function) -> {
            if (!id.equals("FulfilmentFunction")) {
                function.path("Properties").path("Events").forEach(event -> assertFalse(
                        Templates.references(event.path("Properties")).contains(expected.queue()),
                        id + " consumes " + expected.queue() + " too"));
            }
        });
    }

    @Test
    void queueVisibilityTimeoutCoversItsConsumerAndTheDlqTakesOverAfterFiveReceives() {
        checkFulfilmentQueue(template);
    }

    @Test
    void aQueueThatDoesNotFitItsConsumerIsReported() {
        assertFails("VisibilityTimeout", copy -> queueProperties(copy, "FulfilmentQueue").put("VisibilityTimeout", 179));
        assertFails("VisibilityTimeout", copy -> ((ObjectNode) function(copy, "FulfilmentFunction").path("Properties"))
                .put("Timeout", 31));
        assertFails("maxReceiveCount", copy -> ((ObjectNode) queueProperties(copy, "FulfilmentQueue").path("RedrivePolicy"))
                .put("maxReceiveCount", 3));
        assertFails("deadLetterTargetArn", copy -> ((ObjectNode) queueProperties(copy, "FulfilmentQueue")
                .path("RedrivePolicy")).set("deadLetterTargetArn", fn("Fn::GetAtt", List.of("FulfilmentQueue", "Arn"))));
        assertFails("retention", copy -> queueProperties(copy, "FulfilmentDLQ").put("MessageRetentionPeriod", 345600));
    }

    static void checkFulfilmentQueue(JsonNode template) {
        String consumerId = "FulfilmentFunction";
        String queueId = ExpectedFunction.BY_LOGICAL_ID.get(consumerId).queue();
        JsonNode queue = template.path("Resources").path(queueId);
        assertEquals("AWS::SQS::Queue", queue.path("Type").asText(), queueId);
        JsonNode properties = queue.path("Properties");
        int timeout = Templates.functionProperty(template, function(template, consumerId), "Timeout").asInt();
        assertTrue(timeout > 0, consumerId + " Timeout");
        // Lambda's rule for an SQS event source: at least 6 x the function's timeout.
        assertTrue(properties.path("VisibilityTimeout").asInt() >= 6 * timeout, queueId + " VisibilityTimeout "
                + properties.path("VisibilityTimeout") + " must be >= 6 x " + consumerId + "'s Timeout " + timeout);
        assertTrue(properties.path("SqsManagedSseEnabled").asBoolean(), queueId + " SqsManagedSseEnabled");
        assertEquals(4 * 24 * 3600, properties.path("MessageRetentionPeriod").asInt(), queueId + " retention");

        JsonNode redrive = properties.path("RedrivePolicy");
        assertEquals(5, redrive.path("maxReceiveCount").asInt(), queueId + " RedrivePolicy.maxReceiveCount");
        JsonNode target = redrive.path("deadLetterTargetArn");
        assertEquals(1, Templates.references(target).size(), "deadLetterTargetArn: " + target);
        String dlqId = Templates.references(target).iterator().next();
        assertEquals(fn("Fn::GetAtt", List.of("FulfilmentDLQ", "Arn")), target, queueId + " deadLetterTargetArn");
        JsonNode dlq = template.path("Resources").path(dlqId).path("Properties");
        assertEquals("AWS::SQS::Queue", template.path("Resources").path(dlqId).path("Type").asText(), dlqId);
        assertTrue(dlq.path("SqsManagedSseEnabled").asBoolean(), dlqId + " SqsManagedSseEnabled");
        assertEquals(14 * 24 * 3600, dlq.path("MessageRetentionPeriod").asInt(), dlqId + " retention");
        assertTrue(dlq.path("MessageRetentionPeriod").asInt() > properties.path("MessageRetentionPeriod").asInt(),
                dlqId + " retention must outlast " + queueId + "'s: a message's age counts from its first enqueue");
    }

    // --- IAM ---------------------------------------------------------------------------------------------

    @Test
    void noStatementGrantsByExclusionOrEveryAction() {
        checkNoBroadStatements(template);
    }

    @Test
    void aStatementGrantingByExclusionOrEveryActionIsReported() {
        assertFails("NotAction/NotResource", copy -> policies(copy, "CreateOrderFunction").addObject()
                .put("Version", "2012-10-17").putArray("Statement").addObject()
                .put("Effect", "Allow").put("NotAction", "iam:*").put("Resource", "*"));
        assertFails("a wildcard action", copy -> ((ObjectNode) statement(copy, "CreditsQueryFunction", "LedgerRead"))
                .putArray("Action").add("dynamodb:*"));
    }

    static void checkNoBroadStatements(JsonNode template) {
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(template, statements);
        for (JsonNode statement : statements) {
            assertFalse(statement.has("NotAction") || statement.has("NotResource"), "NotAction/NotResource: " + statement);
            assertFalse(Templates.texts(statement.path("Action")).stream().anyMatch(a -> a.equals("*") || a.endsWith(":*")),
                    "a wildcard action: " + statement);
        }
    }

    /**
     * The only actions that may be granted on {@code Resource: "*"}: those IAM cannot scope to a resource (CloudWatch
     * metrics, X-Ray segments and sampling). Everything else names its resource.
     */
    static final Set<String> ACTIONS_WITHOUT_RESOURCES = Set.of("cloudwatch:PutMetricData", "xray:PutTraceSegments",
            "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
            "xray:GetSamplingStatisticSummaries");

    @Test
    void noStatementAllowsAnyResourceExceptForActionsThatRequireIt() {
        checkNoStarResources(template);
    }

    @Test
    void aStarResourceIsReported() {
        assertFails("Resource \"*\" for actions that can name their resource: [sqs:SendMessage]",
                copy -> ((ObjectNode) statement(copy, "WebhookFunction", "FulfilmentEnqueue")).put("Resource", "*"));
        assertFails("Resource \"*\" for actions that can name their resource: [secretsmanager:GetSecretValue]",
                copy -> ((ObjectNode) statement(copy, "AdminFunction", "ProviderSecretsRead")).putArray("Resource")
                        .add(ref("ProviderSecrets")).add("*"));
        assertFails("Resource \"*\" for actions that can name their resource: [logs:PutLogEvents]",
                copy -> policies(copy, "DeductCreditsFunction").addObject().put("Version", "2012-10-17").putArray("Statement")
                        .addObject().put("Effect", "Allow").put("Resource", "*").putArray("Action")
                        .add("cloudwatch:PutMetricData").add("logs:PutLogEvents"));
        assertFails("Resource \"*\" for actions that can name their resource: [s3:GetObject]",
                copy -> policies(copy, "CreditsQueryFunction").addObject().put("Version", "2012-10-17").putArray("Statement")
                        .addObject().put("Effect", "Allow").put("Action", "s3:GetObject")
                        .set("Resource", fn("Fn::Sub", "*")));
        // the allowed ones pass
        ObjectNode metrics = Templates.template();
        policies(metrics, "ReconciliationFunction").addObject().put("Version", "2012-10-17").putArray("Statement").addObject()
                .put("Effect", "Allow").put("Action", "cloudwatch:PutMetricData").put("Resource", "*");
        checkNoStarResources(metrics);
    }

    static void checkNoStarResources(JsonNode template) {
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(template, statements);
        for (JsonNode statement : statements) {
            boolean anyResource = oneOrMany(statement.path("Resource")).map(TemplateContentTest::arnText)
                    .anyMatch(arn -> arn.equals("*"));
            if (!anyResource) {
                continue;
            }
            Set<String> scopable = new TreeSet<>(Templates.texts(statement.path("Action")));
            scopable.removeAll(ACTIONS_WITHOUT_RESOURCES);
            assertEquals(Set.of(), scopable, "Resource \"*\" for actions that can name their resource: " + scopable
                    + " (only " + new TreeSet<>(ACTIONS_WITHOUT_RESOURCES) + " may use \"*\"): " + statement);
        }
    }

    @Test
    void noDynamoDbActionIsAllowedOnAnyResource() {
        checkNoDynamoWildcards(template);
    }

    static void checkNoDynamoWildcards(JsonNode template) {
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(template, statements);
        int dynamo = 0;
        for (JsonNode statement : statements) {
            List<String> actions = Templates.texts(statement.path("Action"));
            boolean touchesDynamo = actions.stream()
                    .anyMatch(a -> a.equals("*") || a.toLowerCase().startsWith("dynamodb:"));
            if (!touchesDynamo) {
                continue;
            }
            dynamo++;
            assertFalse(statement.has("NotAction") || statement.has("NotResource"), "NotAction/NotResource: " + statement);
            assertFalse(statement.path("Resource").isMissingNode(), "no Resource: " + statement);
            oneOrMany(statement.path("Resource")).map(TemplateContentTest::arnText)
                    .forEach(arn -> assertFalse(arn.equals("*") || arn.endsWith(":table/*") || arn.endsWith(":*"),
                            "DynamoDB actions on a wildcard resource: " + statement));
        }
        assertTrue(dynamo >= ExpectedFunction.BY_LOGICAL_ID.size(),
                "expected every function's DynamoDB statements, found " + dynamo);
        functions(template).forEach((id, function) -> policyNames(function).forEach(named ->
                assertFalse(named.toLowerCase().contains("dynamodb"),
                        id + " uses a SAM policy template or managed policy for DynamoDB (" + named
                                + "); those grant Scan/DeleteItem/BatchWrite. Use an explicit Statement.")));
    }

    @Test
    void aWildcardDynamoDbResourceIsReported() {
        assertFails("DynamoDB actions on a wildcard resource", copy -> ((ObjectNode) statement(copy, "WebhookFunction",
                "WebhookInbox")).put("Resource", "*"));
        assertFails("SAM policy template or managed policy for DynamoDB", copy -> policies(copy, "CallbackFunction")
                .addObject().putObject("DynamoDBCrudPolicy").put("TableName", "x"));
    }

    @Test
    void eachFunctionGetsOnlyTheDynamoDbActionsItUses() {
        Map<String, Map<String, Set<JsonNode>>> expected = new LinkedHashMap<>();
        // Query on gsi2 only: a user's active holds (the lazy expiry of a write); no other index
        Map<String, Set<JsonNode>> deduct = new TreeMap<>(dynamo(List.of("GetItem", "PutItem", "UpdateItem",
                "ConditionCheckItem"), false));
        deduct.put("dynamodb:Query", Set.of(fn("Fn::Sub", "${LedgerTable.Arn}/index/gsi2")));
        expected.put("DeductCreditsFunction", deduct);
        expected.put("CreditsQueryFunction", dynamo(List.of("GetItem"), true));
        // DeleteItem: the auto top-up opt-out (AUTOTOPUP# only)
        expected.put("CreateOrderFunction", dynamo(List.of("GetItem", "PutItem", "UpdateItem", "DeleteItem"), true));
        expected.put("CallbackFunction", dynamo(List.of("GetItem", "PutItem", "UpdateItem", "ConditionCheckItem"), true));
        expected.put("WebhookFunction", dynamo(List.of("GetItem", "PutItem", "UpdateItem", "DeleteItem"), false));
        expected.put("FulfilmentFunction", dynamo(List.of("GetItem", "PutItem", "UpdateItem", "ConditionCheckItem"), true));
        // re-checked orders are fulfilled through the ledger; checkpoint, report and drift items (a resolved drift
        // item is deleted: DynamoReconciliationStore.resolveDrift); work lists on the indexes
        expected.put("ReconciliationFunction", dynamo(List.of("GetItem", "PutItem", "UpdateItem", "ConditionCheckItem",
                "DeleteItem"), true));
        // DeleteItem: an app webhook endpoint (APPHOOK# only)
        expected.put("AdminFunction", dynamo(List.of("GetItem", "PutItem", "UpdateItem", "ConditionCheckItem",
                "DeleteItem"), true));
        // an outbox event with its deliveries and the endpoints (Query of the table, no index); delivery records
        Map<String, Set<JsonNode>> appWebhooks = new TreeMap<>(dynamo(List.of("UpdateItem"), false));
        appWebhooks.put("dynamodb:Query", Set.of(TABLE));
        expected.put("AppWebhooksFunction", appWebhooks);
        // the settings' compare-and-set, the attempt's order, the failure events' outbox items
        expected.put("AutoTopupFunction", dynamo(List.of("GetItem", "PutItem", "UpdateItem"), false));
        expected.put("NotFoundFunction", dynamo(List.of(), false)); // routing only
        assertEquals(ExpectedFunction.BY_LOGICAL_ID.keySet(), expected.keySet(), "an expectation for every function");
        expected.forEach(TemplateContentTest::assertDynamoAccess);
    }

    /** Item actions on the table; with {@code query}, Query on the table and its indexes. */
    private static Map<String, Set<JsonNode>> dynamo(List<String> itemActions, boolean query) {
        Map<String, Set<JsonNode>> access = new TreeMap<>();
        itemActions.forEach(a -> access.put("dynamodb:" + a, Set.of(TABLE)));
        if (query) {
            access.put("dynamodb:Query", Set.of(TABLE, INDEXES));
        }
        return access;
    }

    private static void assertDynamoAccess(String id, Map<String, Set<JsonNode>> expected) {
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(function(id).path("Properties").path("Policies"), statements);
        Map<String, Set<JsonNode>> granted = new TreeMap<>();
        for (JsonNode statement : statements) {
            List<String> dynamo = Templates.texts(statement.path("Action")).stream()
                    .filter(a -> a.toLowerCase().startsWith("dynamodb:")).toList();
            if (!dynamo.isEmpty() && "Deny".equals(statement.path("Effect").asText())) {
                continue; // a Deny only narrows (LeastPrivilegeTest checks the one there is)
            }
            if (!dynamo.isEmpty()) {
                assertEquals("Allow", statement.path("Effect").asText(), id + ": " + statement);
                for (String action : dynamo) {
                    oneOrMany(statement.path("Resource")).forEach(r ->
                            granted.computeIfAbsent(action, a -> new HashSet<>()).add(r));
                }
            }
        }
        assertEquals(expected, granted, id + ": DynamoDB actions and the resources of each");
    }

    private static final JsonNode QUEUE = fn("Fn::GetAtt", List.of("FulfilmentQueue", "Arn"));
    private static final JsonNode DLQ = fn("Fn::GetAtt", List.of("FulfilmentDLQ", "Arn"));
    private static final JsonNode SECRET = ref("ProviderSecrets");
    private static final JsonNode APP_EVENTS = fn("Fn::GetAtt", List.of("AppEventsQueue", "Arn"));
    /** What every posting function holds: it announces the app events its postings wrote (docs/app-webhooks.md). */
    private static final Grant ANNOUNCE = new Grant("sqs:SendMessage", "AppEventsQueue", APP_EVENTS);

    /** One IAM action on one resource (named for messages). */
    record Grant(String action, String resourceName, JsonNode resource) {
        @Override
        public String toString() {
            return action + " on " + resourceName;
        }
    }

    /**
     * Every SQS permission in the template: sending to the fulfilment queue (the webhook enqueues, the admin
     * redrive moves DLQ messages back), and the DLQ's own actions only on the DLQ.
     */
    static final Map<String, Set<Grant>> SQS_GRANTS = Map.of(
            "WebhookFunction", Set.of(new Grant("sqs:SendMessage", "FulfilmentQueue", QUEUE)),
            "ReconciliationFunction", Set.of(new Grant("sqs:GetQueueAttributes", "FulfilmentDLQ", DLQ), ANNOUNCE),
            "AdminFunction", Set.of(new Grant("sqs:SendMessage", "FulfilmentQueue", QUEUE),
                    new Grant("sqs:ReceiveMessage", "FulfilmentDLQ", DLQ),
                    new Grant("sqs:DeleteMessage", "FulfilmentDLQ", DLQ),
                    new Grant("sqs:GetQueueAttributes", "FulfilmentDLQ", DLQ), ANNOUNCE),
            "DeductCreditsFunction", Set.of(ANNOUNCE),
            "CreateOrderFunction", Set.of(ANNOUNCE),
            "CallbackFunction", Set.of(ANNOUNCE),
            "FulfilmentFunction", Set.of(ANNOUNCE),
            // a failed delivery's retry delay; Lambda's event source mapping receives and deletes
            // ...and the auto top-up trigger of each credits.low event (docs/auto-topup.md)
            "AppWebhooksFunction", Set.of(new Grant("sqs:ChangeMessageVisibility", "AppEventsQueue", APP_EVENTS),
                    new Grant("sqs:SendMessage", "AutoTopupQueue", fn("Fn::GetAtt", List.of("AutoTopupQueue", "Arn")))),
            // the failure events it writes (auto_topup.failed / disabled)
            "AutoTopupFunction", Set.of(ANNOUNCE));

    @Test
    void sqsActionsAreGrantedOnlyWhereTheCodeUsesThem() {
        checkSqsGrants(template);
    }

    @Test
    void aBroaderSqsGrantIsReported() {
        assertFails("sqs:SendMessage only on", copy -> ((ObjectNode) statement(copy, "WebhookFunction",
                "FulfilmentEnqueue")).put("Resource", "*"));
        assertFails("sqs actions", copy -> ((ObjectNode) statement(copy, "WebhookFunction", "FulfilmentEnqueue"))
                .putArray("Action").add("sqs:SendMessage").add("sqs:DeleteQueue"));
        // (every posting function announces app events: a function without any SQS right must be the one tried)
        assertFails("sqs:SendMessage is held only by", copy -> ((ArrayNode)
                policies(copy, "CreditsQueryFunction").path(0).path("Statement"))
                .add(statement(copy, "WebhookFunction", "FulfilmentEnqueue").deepCopy()));
        assertFails("policy template or managed policy for SQS", copy -> policies(copy, "CallbackFunction")
                .addObject().putObject("SQSSendMessagePolicy").put("QueueName", "x"));
        // the DLQ's actions stay on the DLQ, and only the admin function moves messages
        assertFails("sqs:SendMessage only on", copy -> ((ObjectNode) statement(copy, "AdminFunction",
                "FulfilmentEnqueue")).set("Resource", DLQ));
        assertFails("sqs:ReceiveMessage only on FulfilmentDLQ", copy -> ((ObjectNode) statement(copy, "AdminFunction",
                "DlqRedrive")).putArray("Resource").add(DLQ).add(QUEUE));
        assertFails("sqs:ReceiveMessage is held only by", copy -> ((ObjectNode) statement(copy, "ReconciliationFunction",
                "DlqDepth")).putArray("Action").add("sqs:GetQueueAttributes").add("sqs:ReceiveMessage"));
        assertFails("ReconciliationFunction: sqs grants", copy -> removeStatement(copy, "ReconciliationFunction", "DlqDepth"));
    }

    private static void removeStatement(ObjectNode copy, String function, String sid) {
        ArrayNode statements = (ArrayNode) policies(copy, function).path(0).path("Statement");
        for (int i = 0; i < statements.size(); i++) {
            if (sid.equals(statements.get(i).path("Sid").asText())) {
                statements.remove(i);
                return;
            }
        }
        throw new AssertionError(function + " has no statement " + sid);
    }

    static void checkSqsGrants(JsonNode template) {
        checkGrants(template, "sqs", SQS_GRANTS, null);
    }

    @Test
    void getSecretValueIsGrantedOnlyOnTheProviderSecret() {
        checkSecretGrants(template);
    }

    @Test
    void aBroaderSecretGrantIsReported() {
        assertFails("secretsmanager:GetSecretValue only on ProviderSecrets", copy -> ((ObjectNode) statement(copy,
                "CallbackFunction", "ProviderSecretsRead")).put("Resource", "*"));
        assertFails("secretsmanager actions", copy -> ((ObjectNode) statement(copy, "CallbackFunction",
                "ProviderSecretsRead")).putArray("Action").add("secretsmanager:GetSecretValue")
                .add("secretsmanager:PutSecretValue"));
        assertFails("secretsmanager:GetSecretValue is held only by", copy -> policies(copy, "FulfilmentFunction")
                .addObject().putObject("AWSSecretsManagerGetSecretValuePolicy").set("SecretArn", ref("ProviderSecrets")));
        assertFails("SecretArn", copy -> policies(copy, "WebhookFunction")
                .addObject().putObject("AWSSecretsManagerGetSecretValuePolicy").put("SecretArn", "*"));
        assertFails("AdminFunction: secretsmanager grants", copy -> removeStatement(copy, "AdminFunction", "ProviderSecretsRead"));
    }

    /** The functions on the payment wiring read the provider secret at start; nobody else reads it. */
    static void checkSecretGrants(JsonNode template) {
        Map<String, Set<Grant>> expected = new TreeMap<>();
        PROVIDER_FUNCTIONS.forEach(id -> expected.put(id,
                Set.of(new Grant("secretsmanager:GetSecretValue", "ProviderSecrets", SECRET))));
        checkGrants(template, "secretsmanager", expected, "AWSSecretsManagerGetSecretValuePolicy");
    }

    /**
     * Every statement in the template with a {@code service:} action sits in a function's Policies and allows only
     * the grants of {@code expected}: each action only on the resources it is expected on, held only by the
     * functions expected to hold it, and each function holds exactly its expected grants (none when not listed).
     * {@code policyTemplate}, when not null, is the one SAM policy template allowed instead of a statement (its
     * single argument names the resource, and it counts as a grant of the expected action); any other policy
     * template or managed policy naming the service fails.
     */
    private static void checkGrants(JsonNode template, String service, Map<String, Set<Grant>> expected,
                                    String policyTemplate) {
        Map<String, Map<JsonNode, String>> resourcesOf = new TreeMap<>();
        Map<String, Set<String>> holdersOf = new TreeMap<>();
        expected.forEach((id, grants) -> grants.forEach(g -> {
            resourcesOf.computeIfAbsent(g.action(), a -> new LinkedHashMap<>()).put(g.resource(), g.resourceName());
            holdersOf.computeIfAbsent(g.action(), a -> new TreeSet<>()).add(id);
        }));
        List<JsonNode> all = new ArrayList<>();
        collectStatements(template, all);
        long anywhere = all.stream().filter(s -> touches(s, service)).count();
        long inFunctions = 0;
        Map<String, Set<Grant>> granted = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : functions(template).entrySet()) {
            String id = entry.getKey();
            Set<Grant> holds = granted.computeIfAbsent(id, k -> new HashSet<>());
            List<JsonNode> statements = new ArrayList<>();
            collectStatements(entry.getValue().path("Properties").path("Policies"), statements);
            for (JsonNode statement : statements) {
                if (!touches(statement, service)) {
                    continue;
                }
                inFunctions++;
                assertEquals("Allow", statement.path("Effect").asText(), id + ": " + statement);
                List<String> actions = Templates.texts(statement.path("Action"));
                for (String action : actions) {
                    assertTrue(resourcesOf.containsKey(action), id + ": " + service + " actions must be among "
                            + resourcesOf.keySet() + ": " + statement);
                }
                List<JsonNode> resources = oneOrMany(statement.path("Resource")).toList();
                assertFalse(resources.isEmpty(), id + ": no Resource: " + statement);
                for (String action : actions) {
                    for (JsonNode resource : resources) {
                        holds.add(grant(id, action, resource, resourcesOf, holdersOf, statement));
                    }
                }
            }
            for (JsonNode policy : entry.getValue().path("Properties").path("Policies")) {
                if (policy.isObject() && policy.has("Statement")) {
                    continue;
                }
                String named = policy.isTextual() ? policy.asText() : String.join(",", fieldNames(policy));
                if (policyTemplate != null && policy.isObject() && policy.size() == 1 && policy.has(policyTemplate)) {
                    JsonNode arguments = policy.get(policyTemplate);
                    assertEquals(1, arguments.size(), id + " " + policyTemplate + ": " + arguments);
                    assertEquals(1, resourcesOf.size(), policyTemplate + " stands for one action");
                    String action = resourcesOf.keySet().iterator().next();
                    JsonNode resource = arguments.elements().next();
                    assertTrue(resourcesOf.get(action).containsKey(resource), id + " " + policyTemplate + " SecretArn: "
                            + action + " only on " + resourcesOf.get(action).values() + ": " + arguments);
                    holds.add(grant(id, action, resource, resourcesOf, holdersOf, policy));
                } else {
                    assertFalse(named.toLowerCase(Locale.ROOT).contains(service.replace("secretsmanager", "secret")),
                            id + " uses a policy template or managed policy for " + service.toUpperCase(Locale.ROOT)
                                    + " (" + named + "); grant with an explicit Statement");
                }
            }
        }
        assertEquals(anywhere, inFunctions, service + " statements outside a function's Policies");
        for (String id : functions(template).keySet()) {
            assertEquals(new TreeSet<>(expected.getOrDefault(id, Set.of()).stream().map(Grant::toString).toList()),
                    new TreeSet<>(granted.get(id).stream().map(Grant::toString).toList()), id + ": " + service + " grants");
        }
    }

    /** {@code action} on {@code resource} for {@code id}, if the expectations allow it there and to that function. */
    private static Grant grant(String id, String action, JsonNode resource, Map<String, Map<JsonNode, String>> resourcesOf,
                               Map<String, Set<String>> holdersOf, JsonNode where) {
        Map<JsonNode, String> allowed = resourcesOf.get(action);
        assertTrue(allowed.containsKey(resource), id + ": " + action + " only on " + String.join(", ", allowed.values())
                + ": " + where);
        assertTrue(holdersOf.get(action).contains(id), action + " is held only by " + holdersOf.get(action) + ", not by "
                + id + ": " + where);
        return new Grant(action, allowed.get(resource), resource);
    }

    private static boolean touches(JsonNode statement, String service) {
        return Templates.texts(statement.path("Action")).stream()
                .anyMatch(a -> a.equals("*") || a.toLowerCase(Locale.ROOT).startsWith(service + ":"));
    }

    // --- alarms ------------------------------------------------------------------------------------------

    /** What one alarm watches and when it fires. {@code datapointsToAlarm} 0: not set (= evaluationPeriods). */
    record ExpectedAlarm(String namespace, String metric, Map<String, JsonNode> dimensions, String statistic,
                         int period, int evaluationPeriods, int datapointsToAlarm, double threshold, String comparison,
                         String treatMissingData) {
    }

    private static final String RECONCILIATION_SOURCE =
            "functions/reconciliation/src/main/java/dev/prepaid/function/reconciliation/ReconciliationHandler.java";
    private static final String FULFILMENT_HANDLER_SOURCE =
            "functions/fulfilment/src/main/java/dev/prepaid/function/fulfilment/FulfilmentHandler.java";
    private static final String FULFILMENT_SERVICE_SOURCE =
            "shared/core/src/main/java/dev/prepaid/application/FulfilmentService.java";
    private static final String WEBHOOK_SOURCE =
            "functions/webhook/src/main/java/dev/prepaid/function/webhook/WebhookHandler.java";
    private static final Pattern EMF_METRIC = Pattern.compile("metric\\(metrics,\\s*\"([A-Za-z]+)\",\\s*\"([A-Za-z]+)\"\\)");
    private static final Pattern EMF_CONSTANT = Pattern.compile("static final String (NAMESPACE|SERVICE)\\s*=\\s*\"([^\"]+)\"");
    /** Through shared/aws's MetricsPublisher (Powertools metrics): line.metric("Name", value, Unit.COUNT). */
    private static final Pattern PUBLISHED_METRIC = Pattern.compile(
            "\\.metric\\(\\s*(?:\"([A-Za-z]+)\"|metric),[^;]*?Unit\\.([A-Z]+)\\)");
    private static final Pattern PUBLISHER_CONSTANT = Pattern.compile(
            "static final String (?:DEFAULT_)?(NAMESPACE|SERVICE)\\s*=\\s*\"([^\"]+)\"");
    private static final String METRICS_PUBLISHER_SOURCE =
            "shared/aws/src/main/java/dev/prepaid/adapter/out/metrics/MetricsPublisher.java";

    /** The metrics a handler publishes through MetricsPublisher, name to EMF unit. */
    private static Map<String, String> publishedMetrics(String source) {
        Map<String, String> units = new TreeMap<>();
        Matcher metric = PUBLISHED_METRIC.matcher(source);
        while (metric.find()) {
            String unit = switch (metric.group(2)) {
                case "COUNT" -> "Count";
                case "PERCENT" -> "Percent";
                default -> metric.group(2);
            };
            units.put(metric.group(1) != null ? metric.group(1) : "(named by the caller)", unit);
        }
        return units;
    }

    /**
     * The SOP's thresholds (payment success rate under 90%, any drift, a non-empty DLQ, any fulfilment error,
     * orders stuck in two consecutive runs) and the watchdog of the reconciliation that publishes most of them.
     * TreatMissingData is part of the expectation: each was chosen for what a missing value means for that metric.
     */
    static Map<String, ExpectedAlarm> expectedAlarms() {
        Map<String, JsonNode> service = Map.of("Service", Templates.JSON.getNodeFactory().textNode("prepaid"));
        Map<String, ExpectedAlarm> alarms = new TreeMap<>();
        alarms.put("PaymentSuccessRateAlarm", new ExpectedAlarm("prepaid", "PaymentSuccessRate", service, "Minimum",
                3600, 1, 0, 90, "LessThanThreshold", "notBreaching"));
        alarms.put("CreditDriftAlarm", new ExpectedAlarm("prepaid", "CreditDrift", service, "Maximum",
                900, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("DlqDepthAlarm", new ExpectedAlarm("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                Map.of("QueueName", fn("Fn::GetAtt", List.of("FulfilmentDLQ", "QueueName"))), "Maximum",
                300, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("AppEventsDlqDepthAlarm", new ExpectedAlarm("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                Map.of("QueueName", fn("Fn::GetAtt", List.of("AppEventsDLQ", "QueueName"))), "Maximum",
                300, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("AppWebhooksErrorsAlarm", new ExpectedAlarm("AWS/Lambda", "Errors",
                Map.of("FunctionName", ref("AppWebhooksFunction")), "Sum", 300, 1, 0, 0, "GreaterThanThreshold",
                "notBreaching"));
        alarms.put("FulfilmentErrorsAlarm", new ExpectedAlarm("AWS/Lambda", "Errors",
                Map.of("FunctionName", ref("FulfilmentFunction")), "Sum", 300, 1, 0, 0, "GreaterThanThreshold",
                "notBreaching"));
        alarms.put("StuckOrdersAlarm", new ExpectedAlarm("prepaid", "StuckOrders", service, "Maximum",
                900, 2, 2, 0, "GreaterThanThreshold", "missing"));
        alarms.put("ReconciliationErrorsAlarm", new ExpectedAlarm("AWS/Lambda", "Errors",
                Map.of("FunctionName", ref("ReconciliationFunction")), "Sum", 900, 1, 0, 0, "GreaterThanThreshold",
                "notBreaching"));
        alarms.put("MissingEntriesAlarm", new ExpectedAlarm("prepaid", "MissingEntries", service, "Maximum",
                900, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("OrphanEntriesAlarm", new ExpectedAlarm("prepaid", "OrphanEntries", service, "Maximum",
                900, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("ReconciliationCheckErrorsAlarm", new ExpectedAlarm("prepaid", "ReconciliationErrors", service,
                "Maximum", 900, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("DeductCreditsErrorsAlarm", new ExpectedAlarm("AWS/Lambda", "Errors",
                Map.of("FunctionName", ref("DeductCreditsFunction")), "Sum", 300, 1, 0, 0, "GreaterThanThreshold",
                "notBreaching"));
        alarms.put("WebhookErrorsAlarm", new ExpectedAlarm("AWS/Lambda", "Errors",
                Map.of("FunctionName", ref("WebhookFunction")), "Sum", 300, 1, 0, 0, "GreaterThanThreshold",
                "notBreaching"));
        alarms.put("WebhookInvalidSignatureAlarm", new ExpectedAlarm("prepaid", "WebhookRejected",
                Map.of("Service", Templates.JSON.getNodeFactory().textNode("prepaid"),
                        "Reason", Templates.JSON.getNodeFactory().textNode("invalid_signature")),
                "Sum", 900, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("PaymentMismatchAlarm", new ExpectedAlarm("prepaid", "PaymentMismatch", service, "Sum",
                900, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        alarms.put("RefundCurrencyMismatchAlarm", new ExpectedAlarm("prepaid", "RefundCurrencyMismatch", service, "Sum",
                900, 1, 0, 0, "GreaterThanThreshold", "notBreaching"));
        return alarms;
    }

    @Test
    void theSopThresholdsAreAlarms() {
        checkAlarms(template);
    }

    /** The custom metrics the alarms watch are the ones the reconciliation publishes, in its namespace and dimension. */
    @Test
    void theReconciliationAlarmsWatchMetricsTheCodePublishes() {
        String source = Templates.read(root.resolve(RECONCILIATION_SOURCE));
        String publisher = Templates.read(root.resolve(METRICS_PUBLISHER_SOURCE));
        Map<String, String> constants = new TreeMap<>();
        Matcher constant = PUBLISHER_CONSTANT.matcher(publisher);
        while (constant.find()) {
            constants.put(constant.group(1), constant.group(2));
        }
        assertEquals(Set.of("NAMESPACE", "SERVICE"), constants.keySet(), METRICS_PUBLISHER_SOURCE + ": " + constants);
        assertEquals(constants.get("NAMESPACE"), template.path("Globals").path("Function").path("Environment")
                .path("Variables").path("POWERTOOLS_METRICS_NAMESPACE").asText(),
                "the metrics' namespace (Globals POWERTOOLS_METRICS_NAMESPACE) is the code's default and the alarms'");
        assertTrue(publisher.contains("DimensionSet.of(\"Service\", SERVICE)"),
                METRICS_PUBLISHER_SOURCE + ": the metrics' only dimension is Service");
        Map<String, String> units = publishedMetrics(source);
        assertTrue(units.keySet().containsAll(Set.of("StuckOrders", "CreditDrift", "PaymentSuccessRate")),
                RECONCILIATION_SOURCE + ": the scan for .metric(\"Name\", value, Unit.X) is broken: " + units);
        assertEquals("Percent", units.get("PaymentSuccessRate"), "the 90 threshold is a percentage");
        assertTrue(source.contains("MetricsPublisher"), RECONCILIATION_SOURCE + ": publishes through MetricsPublisher");
        assertTrue(units.keySet().containsAll(Set.of("MissingEntries", "OrphanEntries", "ReconciliationErrors")),
                RECONCILIATION_SOURCE + ": publishes its findings as metrics: " + units);
        // The webhook's refusals: their own EMF line, dimensions Service and Reason.
        String webhook = Templates.read(root.resolve(WEBHOOK_SOURCE));
        Matcher webhookMetric = EMF_METRIC.matcher(webhook);
        Map<String, String> webhookUnits = new TreeMap<>();
        while (webhookMetric.find()) {
            webhookUnits.put(webhookMetric.group(1), webhookMetric.group(2));
        }
        assertEquals(Map.of("WebhookRejected", "Count"), webhookUnits, WEBHOOK_SOURCE + ": its metrics");
        assertTrue(webhook.contains("directive.putArray(\"Dimensions\").addArray().add(\"Service\").add(\"Reason\")"),
                WEBHOOK_SOURCE + ": WebhookRejected's dimensions are Service and Reason");
        Map<String, String> webhookConstants = new TreeMap<>();
        Matcher webhookConstant = EMF_CONSTANT.matcher(webhook);
        while (webhookConstant.find()) {
            webhookConstants.put(webhookConstant.group(1), webhookConstant.group(2));
        }
        assertEquals(constants, webhookConstants, WEBHOOK_SOURCE + ": the same namespace and Service as reconciliation");
        // the fulfilment consumer counts refused payment events under the metric names FulfilmentService declares
        String fulfilmentHandler = Templates.read(root.resolve(FULFILMENT_HANDLER_SOURCE));
        assertTrue(fulfilmentHandler.contains("MetricsPublisher"),
                FULFILMENT_HANDLER_SOURCE + ": the same namespace and Service (MetricsPublisher)");
        assertEquals(Map.of("(named by the caller)", "Count"), publishedMetrics(fulfilmentHandler),
                FULFILMENT_HANDLER_SOURCE + ": one Count per refused event");
        Set<String> fulfilmentMetrics = new java.util.TreeSet<>();
        Matcher declared = Pattern.compile("static final String [A-Z_]+ = \"([A-Za-z]+)\";")
                .matcher(Templates.read(root.resolve(FULFILMENT_SERVICE_SOURCE)));
        while (declared.find()) {
            fulfilmentMetrics.add(declared.group(1));
        }
        int custom = 0;
        for (Map.Entry<String, ExpectedAlarm> alarm : expectedAlarms().entrySet()) {
            ExpectedAlarm expected = alarm.getValue();
            if (expected.namespace().startsWith("AWS/")) {
                continue;
            }
            custom++;
            if (Set.of("PaymentMismatch", "RefundCurrencyMismatch").contains(expected.metric())) {
                assertTrue(fulfilmentMetrics.contains(expected.metric()), alarm.getKey() + ": " + expected.metric()
                        + " is not a metric fulfilment publishes " + fulfilmentMetrics);
                assertEquals(Map.of("Service", constants.get("SERVICE")), Map.of("Service",
                        expected.dimensions().get("Service").asText()), alarm.getKey() + ": the code's dimension");
                continue;
            }
            if (webhookUnits.containsKey(expected.metric())) {
                assertEquals(Set.of("Service", "Reason"), expected.dimensions().keySet(), alarm.getKey());
                assertEquals(constants.get("SERVICE"), expected.dimensions().get("Service").asText(), alarm.getKey());
                continue;
            }
            assertEquals(constants.get("NAMESPACE"), expected.namespace(), alarm.getKey() + ": the code's namespace");
            assertEquals(Map.of("Service", constants.get("SERVICE")), Map.of("Service",
                    expected.dimensions().get("Service").asText()), alarm.getKey() + ": the code's dimension");
            assertTrue(units.containsKey(expected.metric()), alarm.getKey() + ": " + expected.metric()
                    + " is not a metric the reconciliation publishes " + units.keySet());
        }
        assertEquals(9, custom, "alarms on the reconciliation's, the webhook's and fulfilment's own metrics");
    }

    @Test
    void aWrongOrMissingAlarmIsReported() {
        assertFails("PaymentSuccessRateAlarm Threshold", copy -> alarm(copy, "PaymentSuccessRateAlarm").put("Threshold", 0.9));
        assertFails("PaymentSuccessRateAlarm ComparisonOperator", copy -> alarm(copy, "PaymentSuccessRateAlarm")
                .put("ComparisonOperator", "LessThanOrEqualToThreshold"));
        assertFails("CreditDriftAlarm MetricName", copy -> alarm(copy, "CreditDriftAlarm").put("MetricName", "CreditDrifts"));
        assertFails("StuckOrdersAlarm Dimensions", copy -> alarm(copy, "StuckOrdersAlarm").putArray("Dimensions")
                .addObject().put("Name", "Service").put("Value", "prepaid-dev"));
        assertFails("StuckOrdersAlarm DatapointsToAlarm", copy -> alarm(copy, "StuckOrdersAlarm").remove("DatapointsToAlarm"));
        assertFails("DlqDepthAlarm Dimensions", copy -> alarm(copy, "DlqDepthAlarm").putArray("Dimensions").addObject()
                .put("Name", "QueueName").set("Value", fn("Fn::GetAtt", List.of("FulfilmentQueue", "QueueName"))));
        assertFails("FulfilmentErrorsAlarm Namespace", copy -> alarm(copy, "FulfilmentErrorsAlarm").put("Namespace", "prepaid"));
        assertFails("FulfilmentErrorsAlarm TreatMissingData", copy -> alarm(copy, "FulfilmentErrorsAlarm")
                .remove("TreatMissingData"));
        assertFails("CreditDriftAlarm AlarmActions", copy -> alarm(copy, "CreditDriftAlarm").putArray("AlarmActions")
                .add(ref("AlarmTopicArn")));
        assertFails("no AWS::CloudWatch::Alarm DlqDepthAlarm", copy -> ((ObjectNode) copy.path("Resources")).remove("DlqDepthAlarm"));
        assertFails("HasAlarmTopic", copy -> ((ObjectNode) copy.path("Conditions")).set("HasAlarmTopic",
                fn("Fn::Equals", List.of(Map.of("Ref", "AlarmTopicArn"), ""))));
    }

    static void checkAlarms(JsonNode template) {
        assertEquals(fn("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "AlarmTopicArn"), "")))),
                template.path("Conditions").path("HasAlarmTopic"), "HasAlarmTopic: AlarmTopicArn is not empty");
        JsonNode actions = fn("Fn::If", List.of("HasAlarmTopic", List.of(Map.of("Ref", "AlarmTopicArn")),
                Map.of("Ref", "AWS::NoValue")));
        Map<String, JsonNode> alarms = Templates.resources(template, "AWS::CloudWatch::Alarm");
        Map<String, ExpectedAlarm> expectedAlarms = expectedAlarms();
        for (Map.Entry<String, ExpectedAlarm> entry : expectedAlarms.entrySet()) {
            String id = entry.getKey();
            ExpectedAlarm expected = entry.getValue();
            assertTrue(alarms.containsKey(id), "no AWS::CloudWatch::Alarm " + id);
            JsonNode alarm = alarms.get(id).path("Properties");
            assertFalse(alarm.has("Metrics"), id + ": one metric, no metric math");
            assertEquals(expected.namespace(), alarm.path("Namespace").asText(), id + " Namespace");
            assertEquals(expected.metric(), alarm.path("MetricName").asText(), id + " MetricName");
            Map<String, JsonNode> dimensions = new TreeMap<>();
            alarm.path("Dimensions").forEach(d -> dimensions.put(d.path("Name").asText(), d.path("Value")));
            assertEquals(alarm.path("Dimensions").size(), dimensions.size(), id + " Dimensions: a name twice");
            assertEquals(new TreeMap<>(expected.dimensions()), dimensions, id + " Dimensions");
            assertEquals(expected.statistic(), alarm.path("Statistic").asText(), id + " Statistic");
            assertEquals(expected.period(), alarm.path("Period").asInt(), id + " Period");
            assertEquals(expected.evaluationPeriods(), alarm.path("EvaluationPeriods").asInt(), id + " EvaluationPeriods");
            if (expected.datapointsToAlarm() == 0) {
                assertFalse(alarm.has("DatapointsToAlarm"), id + " DatapointsToAlarm");
            } else {
                assertEquals(expected.datapointsToAlarm(), alarm.path("DatapointsToAlarm").asInt(), id + " DatapointsToAlarm");
            }
            assertTrue(alarm.path("Threshold").isNumber(), id + " Threshold: a number");
            assertEquals(expected.threshold(), alarm.path("Threshold").asDouble(), id + " Threshold");
            assertEquals(expected.comparison(), alarm.path("ComparisonOperator").asText(), id + " ComparisonOperator");
            assertEquals(expected.treatMissingData(), alarm.path("TreatMissingData").asText("(not set)"),
                    id + " TreatMissingData: chosen for what a missing value means for this metric");
            assertEquals(actions, alarm.path("AlarmActions"), id + " AlarmActions: the topic, when HasAlarmTopic");
            assertEquals(actions, alarm.path("OKActions"), id + " OKActions: the topic, when HasAlarmTopic");
            assertFalse(alarm.has("InsufficientDataActions"), id + ": no InsufficientDataActions");
        }
        assertEquals(new TreeSet<>(expectedAlarms.keySet()), new TreeSet<>(alarms.keySet()), "the template's alarms");
    }

    private static ObjectNode alarm(ObjectNode template, String id) {
        JsonNode properties = template.path("Resources").path(id).path("Properties");
        assertTrue(properties.isObject(), "no alarm " + id);
        return (ObjectNode) properties;
    }

    // --- operations: logs, the API's limits, what outlives the stack, deployments --------------------------

    /** The retentions CloudWatch Logs accepts (RetentionInDays). */
    static final List<Integer> CLOUDWATCH_RETENTIONS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,
            545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);
    /** The functions that move money: a bad deploy of one of them is rolled out to a canary first. */
    static final Set<String> MONEY_FUNCTIONS = Set.of("DeductCreditsFunction", "FulfilmentFunction", "WebhookFunction");
    /** What a stack deletion or replacement must not take with it: the ledger, payments in flight, the keys. */
    static final Set<String> RETAINED = Set.of("LedgerTable", "FulfilmentQueue", "FulfilmentDLQ", "ProviderSecrets");

    @Test
    void everyFunctionLogsToItsOwnGroupWithARetention() {
        checkLogGroups(template);
        JsonNode retention = template.path("Parameters").path("LogRetentionDays");
        assertEquals("Number", retention.path("Type").asText());
        assertEquals(30, retention.path("Default").asInt());
        assertEquals(CLOUDWATCH_RETENTIONS, Templates.stream(retention.path("AllowedValues")).map(JsonNode::asInt).toList(),
                "LogRetentionDays: exactly the values CloudWatch accepts");
    }

    @Test
    void aFunctionWithoutItsLogGroupOrRetentionIsReported() {
        assertFails("NotFoundFunction: LoggingConfig.LogGroup", t -> ((ObjectNode) function(t, "NotFoundFunction")
                .path("Properties")).remove("LoggingConfig"));
        assertFails("AdminFunction and ReconciliationFunction log to the same group", t -> ((ObjectNode) function(t,
                "AdminFunction").path("Properties").path("LoggingConfig")).set("LogGroup", ref("ReconciliationLogGroup")));
        assertFails("WebhookLogGroup: RetentionInDays", t -> ((ObjectNode) t.path("Resources").path("WebhookLogGroup")
                .path("Properties")).remove("RetentionInDays"));
        assertFails("HttpApi: AccessLogSettings.DestinationArn", t -> ((ObjectNode) t.path("Resources").path("HttpApi")
                .path("Properties")).remove("AccessLogSettings"));
        assertFails("HttpApi access log Format: not one JSON object", t -> ((ObjectNode) t.path("Resources")
                .path("HttpApi").path("Properties").path("AccessLogSettings")).put("Format", "$context.requestId"));
    }

    static void checkLogGroups(JsonNode template) {
        Map<String, JsonNode> groups = Templates.resources(template, "AWS::Logs::LogGroup");
        Map<String, String> owner = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : functions(template).entrySet()) {
            String id = entry.getKey();
            JsonNode group = entry.getValue().path("Properties").path("LoggingConfig").path("LogGroup");
            assertTrue(group.path("Ref").isTextual() && groups.containsKey(group.path("Ref").asText()),
                    id + ": LoggingConfig.LogGroup must be a Ref to an AWS::Logs::LogGroup of the template, got " + group);
            String previous = owner.put(group.path("Ref").asText(), id);
            assertTrue(previous == null, new TreeSet<>(List.of(id, String.valueOf(previous))).stream()
                    .reduce((a, b) -> a + " and " + b).orElseThrow() + " log to the same group");
        }
        JsonNode access = template.path("Resources").path("HttpApi").path("Properties").path("AccessLogSettings");
        JsonNode destination = access.path("DestinationArn").path("Fn::GetAtt");
        assertTrue(destination.isArray() && groups.containsKey(destination.path(0).asText())
                        && destination.path(1).asText().equals("Arn"),
                "HttpApi: AccessLogSettings.DestinationArn must be the Arn of a log group of the template, got " + access);
        String format = access.path("Format").asText();
        try {
            JsonNode line = Templates.JSON.readTree(format);
            assertTrue(line.isObject(), "HttpApi access log Format: not one JSON object");
            for (String field : List.of("$context.requestId", "$context.routeKey", "$context.status",
                    "$context.identity.sourceIp", "$context.integrationErrorMessage")) {
                assertTrue(format.contains("\"" + field + "\""), "HttpApi access log Format: no " + field);
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("HttpApi access log Format: not one JSON object: " + format, e);
        }
        groups.forEach((id, group) -> assertEquals(ref("LogRetentionDays"), group.path("Properties").path("RetentionInDays"),
                id + ": RetentionInDays must be the LogRetentionDays parameter"));
    }

    @Test
    void everyRouteIsThrottled() {
        checkThrottling(template);
        JsonNode parameters = template.path("Parameters");
        assertTrue(parameters.path("ApiRateLimit").path("Default").asInt() > 0);
        assertTrue(parameters.path("ApiBurstLimit").path("Default").asInt()
                >= parameters.path("ApiRateLimit").path("Default").asInt(), "a burst of at least one second's rate");
    }

    @Test
    void anUnthrottledApiIsReported() {
        assertFails("HttpApi: DefaultRouteSettings.ThrottlingRateLimit", t -> ((ObjectNode) t.path("Resources")
                .path("HttpApi").path("Properties")).remove("DefaultRouteSettings"));
        assertFails("HttpApi: DefaultRouteSettings.ThrottlingBurstLimit", t -> ((ObjectNode) t.path("Resources")
                .path("HttpApi").path("Properties").path("DefaultRouteSettings")).remove("ThrottlingBurstLimit"));
    }

    static void checkThrottling(JsonNode template) {
        JsonNode settings = template.path("Resources").path("HttpApi").path("Properties").path("DefaultRouteSettings");
        assertEquals(ref("ApiRateLimit"), settings.path("ThrottlingRateLimit"),
                "HttpApi: DefaultRouteSettings.ThrottlingRateLimit must be the ApiRateLimit parameter");
        assertEquals(ref("ApiBurstLimit"), settings.path("ThrottlingBurstLimit"),
                "HttpApi: DefaultRouteSettings.ThrottlingBurstLimit must be the ApiBurstLimit parameter");
    }

    @Test
    void theLedgerThePaymentsInFlightAndTheKeysOutliveTheStack() {
        checkRetained(template);
    }

    @Test
    void aQueueThatWouldBeDeletedWithTheStackIsReported() {
        assertFails("FulfilmentDLQ: DeletionPolicy", t -> ((ObjectNode) t.path("Resources").path("FulfilmentDLQ"))
                .remove("DeletionPolicy"));
        assertFails("FulfilmentQueue: UpdateReplacePolicy", t -> ((ObjectNode) t.path("Resources").path("FulfilmentQueue"))
                .put("UpdateReplacePolicy", "Delete"));
    }

    static void checkRetained(JsonNode template) {
        for (String id : new TreeSet<>(RETAINED)) {
            JsonNode resource = template.path("Resources").path(id);
            assertEquals("Retain", resource.path("DeletionPolicy").asText(), id + ": DeletionPolicy");
            assertEquals("Retain", resource.path("UpdateReplacePolicy").asText(), id + ": UpdateReplacePolicy");
        }
    }

    @Test
    void theMoneyFunctionsDeployToACanaryThatRollsBackOnTheirErrors() {
        checkDeployments(template);
        assertEquals("live", template.path("Globals").path("Function").path("AutoPublishAlias").asText(),
                "DeploymentPreference shifts the alias AutoPublishAlias publishes");
    }

    @Test
    void aMoneyFunctionDeployedAllAtOnceOrWithoutItsAlarmIsReported() {
        assertFails("DeductCreditsFunction: DeploymentPreference.Type", t -> ((ObjectNode) function(t,
                "DeductCreditsFunction").path("Properties")).remove("DeploymentPreference"));
        assertFails("WebhookFunction: DeploymentPreference.Type", t -> ((ObjectNode) function(t, "WebhookFunction")
                .path("Properties").path("DeploymentPreference")).put("Type", "AllAtOnce"));
        assertFails("FulfilmentFunction: DeploymentPreference.Alarms must include an alarm on its own Errors",
                t -> ((ObjectNode) function(t, "FulfilmentFunction").path("Properties").path("DeploymentPreference"))
                        .set("Alarms", Templates.JSON.createArrayNode().add(ref("WebhookErrorsAlarm"))));
        assertFails("DeductCreditsFunction: AutoPublishAlias", t -> ((ObjectNode) t.path("Globals").path("Function"))
                .remove("AutoPublishAlias"));
    }

    static void checkDeployments(JsonNode template) {
        Map<String, JsonNode> alarms = Templates.resources(template, "AWS::CloudWatch::Alarm");
        for (String id : new TreeSet<>(MONEY_FUNCTIONS)) {
            JsonNode function = function(template, id);
            assertTrue(Templates.functionProperty(template, function, "AutoPublishAlias").isTextual(),
                    id + ": AutoPublishAlias (own or Globals): a canary shifts an alias between versions");
            JsonNode preference = function.path("Properties").path("DeploymentPreference");
            assertTrue(preference.path("Type").asText().startsWith("Canary"),
                    id + ": DeploymentPreference.Type must be a canary, got " + preference.path("Type"));
            boolean watched = Templates.stream(preference.path("Alarms")).anyMatch(alarm -> {
                JsonNode properties = alarms.getOrDefault(alarm.path("Ref").asText(), Templates.JSON.missingNode())
                        .path("Properties");
                return properties.path("Namespace").asText().equals("AWS/Lambda")
                        && properties.path("MetricName").asText().equals("Errors")
                        && Templates.stream(properties.path("Dimensions")).anyMatch(d ->
                                d.path("Name").asText().equals("FunctionName") && d.path("Value").equals(ref(id)));
            });
            assertTrue(watched, id + ": DeploymentPreference.Alarms must include an alarm on its own Errors, got "
                    + preference.path("Alarms"));
        }
    }

    // --- environment ---------------------------------------------------------------------------------------

    @Test
    void everyEnvironmentVariableTheCodeReadsIsSet() {
        JsonNode globalVariables = template.path("Globals").path("Function").path("Environment").path("Variables");
        for (Map.Entry<String, ExpectedFunction> entry : ExpectedFunction.BY_LOGICAL_ID.entrySet()) {
            String id = entry.getKey();
            Set<String> read = codeReads(entry.getValue());
            if (!entry.getValue().routes().contains(Templates.DEFAULT_ROUTE)) { // the catch-all reads no data
                assertTrue(read.contains("TABLE_NAME"), id + ": the source scan found no TABLE_NAME, so it is broken: " + read);
            }
            if (PROVIDER_FUNCTIONS.contains(id)) {
                assertTrue(read.containsAll(Set.of("PAYMENT_PROVIDER", "PROVIDER_SECRETS_ARN", "STRIPE_SECRET_KEY",
                        "MOCK_CHECKOUT_URL", "STRIPE_PRICE_TRIAL", "CREEM_PRODUCT_PRO")),
                        id + ": the scan of the payment wiring and providers is broken: " + read);
            }

            JsonNode ownVariables = ownVariables(function(id));
            Set<String> defined = new TreeSet<>(fieldNames(globalVariables));
            defined.addAll(fieldNames(ownVariables));
            Set<String> missing = new TreeSet<>(read);
            missing.removeAll(defined);
            missing.removeAll(RUNTIME_ENV);
            missing.removeAll(LOCAL_OVERRIDE_ENV);
            missing.removeAll(PROVIDER_SECRET_ENV);
            missing.removeAll(PROVIDER_ID_OVERRIDE_ENV);
            assertEquals(Set.of(), missing, id + ": read by the code but not set in template.yaml");

            Set<String> unused = new TreeSet<>(fieldNames(ownVariables));
            unused.removeAll(read);
            assertEquals(Set.of(), unused, id + ": set on the function but never read (a typo?)");
        }
    }

    @Test
    void theVariablesLeftUnsetAreReadByTheCodeAndNeverSet() {
        Set<String> readAnywhere = new TreeSet<>();
        ExpectedFunction.BY_LOGICAL_ID.values().forEach(f -> readAnywhere.addAll(codeReads(f)));
        Set<String> exempt = new TreeSet<>(RUNTIME_ENV);
        exempt.addAll(LOCAL_OVERRIDE_ENV);
        exempt.addAll(PROVIDER_SECRET_ENV);
        exempt.addAll(PROVIDER_ID_OVERRIDE_ENV);
        Set<String> stale = new TreeSet<>(exempt);
        stale.removeAll(readAnywhere);
        assertEquals(Set.of(), stale, "listed as legitimately unset, but no code reads them (remove from the lists)");

        Map<String, JsonNode> scopes = new LinkedHashMap<>();
        scopes.put("Globals.Function", template.path("Globals").path("Function"));
        scopes.putAll(functions(template));
        scopes.forEach((where, node) -> {
            Set<String> set = new TreeSet<>(fieldNames(node.path("Properties").isMissingNode()
                    ? node.path("Environment").path("Variables") : ownVariables(node)));
            set.retainAll(exempt);
            assertEquals(Set.of(), set, where + ": runtime-reserved, local-only or secret variables in template.yaml");
        });
    }

    @Test
    void theProviderKeysComeFromTheProviderSecret() throws IOException {
        JsonNode secret = template.path("Resources").path("ProviderSecrets");
        assertEquals("AWS::SecretsManager::Secret", secret.path("Type").asText());
        assertFalse(secret.path("Properties").has("GenerateSecretString"),
                "the secret holds the provider's keys, not a generated password");
        JsonNode placeholder = Templates.JSON.readTree(secret.path("Properties").path("SecretString").asText());
        assertTrue(placeholder.isObject() && placeholder.size() > 0, "SecretString: a JSON object of variables");
        placeholder.properties().forEach(e -> {
            assertTrue(PROVIDER_SECRET_ENV.contains(e.getKey()), "not a provider key: " + e.getKey());
            assertTrue(e.getValue().isTextual() && e.getValue().asText().contains("replace_me"),
                    e.getKey() + ": only a placeholder belongs in the template");
        });
        assertEquals("Retain", secret.path("DeletionPolicy").asText(), "deleting the stack must not lose the keys");

        Set<String> withArn = new TreeSet<>();
        for (Map.Entry<String, ExpectedFunction> entry : ExpectedFunction.BY_LOGICAL_ID.entrySet()) {
            Set<String> keys = new TreeSet<>(codeReads(entry.getValue()));
            keys.retainAll(PROVIDER_SECRET_ENV);
            JsonNode arn = ownVariables(function(entry.getKey())).path("PROVIDER_SECRETS_ARN");
            if (!keys.isEmpty()) {
                assertEquals(ref("ProviderSecrets"), arn, entry.getKey() + " reads " + keys);
            }
            if (!arn.isMissingNode()) {
                withArn.add(entry.getKey());
            }
        }
        assertEquals(new TreeSet<>(PROVIDER_FUNCTIONS), withArn, "PROVIDER_SECRETS_ARN");
    }

    /**
     * SnapStart on every function (Globals, no function turns it off): the functions on the payment wiring read
     * ProviderSecrets on first use after the restore and again every SECRETS_TTL_SECONDS (CachedSecret), never at
     * init, so no key is in a snapshot and a rotation needs no redeploy.
     */
    @Test
    void everyFunctionIsSnapStartedAndTheSecretReadersRereadTheSecret() {
        functions(template).forEach((id, function) -> {
            String snapStart = Templates.functionProperty(template, function, "SnapStart").path("ApplyOn").asText("None");
            assertEquals("PublishedVersions", snapStart, id + " SnapStart");
            if (PROVIDER_FUNCTIONS.contains(id)) {
                assertEquals(ref("SecretsTtlSeconds"), ownVariables(function).path("SECRETS_TTL_SECONDS"), id);
            }
        });
        JsonNode ttl = template.path("Parameters").path("SecretsTtlSeconds");
        assertEquals(300, ttl.path("Default").asInt(), "five minutes");
        assertTrue(template.path("Parameters").path("SecretsVersion").isMissingNode(), "no redeploy to rotate");
    }

    @Test
    void theFunctionsOnThePaymentWiringAreTheOnesThatDependOnIt() {
        Set<String> onProviders = new TreeSet<>();
        ExpectedFunction.BY_LOGICAL_ID.forEach((id, f) -> {
            if (dependsOnProviders(f)) {
                onProviders.add(id);
            }
        });
        assertEquals(new TreeSet<>(PROVIDER_FUNCTIONS), onProviders, "functions whose pom depends on prepaid-providers");
    }

    /**
     * A variable means the same everywhere: one value on every function that sets it, a parameter named after
     * it (STRIPE_PRICE_BASIC = !Ref StripePriceBasic), and the resources the code expects.
     */
    @Test
    void eachVariableHasOneValueAndTheParameterNamedAfterIt() {
        Map<String, JsonNode> values = new TreeMap<>();
        JsonNode parameters = template.path("Parameters");
        functions(template).forEach((id, function) -> ownVariables(function).properties().forEach(e -> {
            JsonNode first = values.putIfAbsent(e.getKey(), e.getValue());
            assertEquals(first == null ? e.getValue() : first, e.getValue(), id + " " + e.getKey()
                    + ": another function sets it differently");
            JsonNode refName = e.getValue().path("Ref");
            if (refName.isTextual() && parameters.has(refName.asText())) {
                assertEquals(parameterNameOf(e.getKey()), refName.asText(), id + " " + e.getKey());
            }
        }));
        assertEquals(ref("FulfilmentQueue"), values.get("FULFILMENT_QUEUE_URL"), "Ref of a queue is its URL");
        assertEquals(ref("FulfilmentDLQ"), values.get("FULFILMENT_DLQ_URL"), "Ref of a queue is its URL");
        assertEquals(ref("ProviderSecrets"), values.get("PROVIDER_SECRETS_ARN"), "Ref of a secret is its ARN");
        assertNotNull(values.get("CALLBACK_URL"));
    }

    /** PAYMENT_PROVIDER -> PaymentProvider, STRIPE_PRICE_TRIAL -> StripePriceTrial. */
    private static String parameterNameOf(String variable) {
        return Arrays.stream(variable.toLowerCase(Locale.ROOT).split("_"))
                .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1)).collect(Collectors.joining());
    }

    /**
     * The variables a function's code reads: its own sources and shared/aws (every function is built on it),
     * and for a function built on prepaid-providers the payment wiring and providers as well, including the
     * names the providers build (STRIPE_PRICE_&lt;PRODUCT&gt;, CREEM_PRODUCT_&lt;PRODUCT&gt; for every product of the
     * default catalog), which no literal scan can see.
     */
    private static Set<String> codeReads(ExpectedFunction function) {
        List<Path> roots = new ArrayList<>(List.of(root.resolve("functions").resolve(function.module()).resolve("src/main"),
                root.resolve("shared/aws/src/main")));
        if (dependsOnProviders(function)) {
            roots.add(root.resolve("shared/providers/src/main"));
        }
        Set<String> names = new TreeSet<>();
        Set<Path> wiring = wiringUsedBy(roots.get(0), roots.subList(1, roots.size()));
        for (Path sourceRoot : roots) {
            assertTrue(Files.isDirectory(sourceRoot), "no sources at " + sourceRoot);
            for (Path file : javaFiles(sourceRoot)) {
                if (isWiring(file) && !wiring.contains(file)) {
                    continue; // another function's wiring
                }
                String source = Templates.read(file);
                Matcher read = ENV_READ.matcher(source);
                while (read.find()) {
                    names.add(read.group(1) != null ? read.group(1) : read.group(2));
                }
                if (PROVIDER_ID_VARIABLE.matcher(source).find()) {
                    Matcher provider = PROVIDER_NAME.matcher(source);
                    assertTrue(provider.find(), file + " builds variable names from a NAME it does not declare");
                    for (Product product : ProductCatalog.defaults().all()) {
                        names.add(ProductCatalog.providerIdVariable(provider.group(1), product.id()));
                    }
                }
            }
        }
        return names;
    }

    private static final Pattern WIRING_CLASS = Pattern.compile("\\b([A-Z][A-Za-z]*Wiring)\\b");

    /** A class of the one wiring place (dev.prepaid.wiring): it reads what the functions naming it need. */
    private static boolean isWiring(Path file) {
        return file.getParent() != null && file.getParent().endsWith(Path.of("dev", "prepaid", "wiring"));
    }

    /** The wiring classes the function's own sources name, and those they name in turn. */
    private static Set<Path> wiringUsedBy(Path functionRoot, List<Path> sharedRoots) {
        Map<String, Path> wiring = new TreeMap<>();
        for (Path sharedRoot : sharedRoots) {
            for (Path file : javaFiles(sharedRoot)) {
                if (isWiring(file)) {
                    wiring.put(file.getFileName().toString().replace(".java", ""), file);
                }
            }
        }
        Set<Path> used = new java.util.LinkedHashSet<>();
        java.util.Deque<Path> todo = new java.util.ArrayDeque<>(javaFiles(functionRoot));
        Set<Path> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Path file = todo.pop();
            if (!seen.add(file)) {
                continue;
            }
            Matcher named = WIRING_CLASS.matcher(Templates.read(file));
            while (named.find()) {
                Path target = wiring.get(named.group(1));
                if (target != null && used.add(target)) {
                    todo.push(target);
                }
            }
        }
        return used;
    }

    private static List<Path> javaFiles(Path sourceRoot) {
        try (Stream<Path> walk = Files.walk(sourceRoot)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The function's pom depends on prepaid-providers outside the test scope. */
    private static boolean dependsOnProviders(ExpectedFunction function) {
        String pom = Templates.read(root.resolve("functions").resolve(function.module()).resolve("pom.xml"));
        Matcher dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        while (dependency.find()) {
            String block = dependency.group(1);
            if (block.contains("<artifactId>prepaid-providers</artifactId>") && !block.contains("<scope>test</scope>")) {
                return true;
            }
        }
        return false;
    }

    // --- the table -----------------------------------------------------------------------------------------

    @Test
    void tableMatchesLedgerTableCreateTableRequest() {
        CreateTableRequest code = LedgerTable.createTableRequest("x");
        JsonNode resource = template.path("Resources").path("LedgerTable");
        assertEquals("AWS::DynamoDB::Table", resource.path("Type").asText());
        JsonNode table = resource.path("Properties");

        assertEquals(code.billingModeAsString(), table.path("BillingMode").asText());
        assertEquals(keys(code.keySchema()), keys(table.path("KeySchema")), "KeySchema");

        Map<String, String> codeAttributes = new LinkedHashMap<>();
        for (AttributeDefinition a : code.attributeDefinitions()) {
            codeAttributes.put(a.attributeName(), a.attributeTypeAsString());
        }
        Map<String, String> templateAttributes = new LinkedHashMap<>();
        table.path("AttributeDefinitions").forEach(a ->
                templateAttributes.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
        assertEquals(table.path("AttributeDefinitions").size(), templateAttributes.size(), "duplicate AttributeDefinitions");
        assertEquals(codeAttributes, templateAttributes, "AttributeDefinitions");

        Map<String, List<String>> codeIndexes = new LinkedHashMap<>();
        for (GlobalSecondaryIndex gsi : code.globalSecondaryIndexes()) {
            List<String> shape = new ArrayList<>(keys(gsi.keySchema()));
            shape.add("projection=" + gsi.projection().projectionTypeAsString());
            shape.add("nonKey=" + gsi.projection().nonKeyAttributes());
            codeIndexes.put(gsi.indexName(), shape);
        }
        Map<String, List<String>> templateIndexes = new LinkedHashMap<>();
        table.path("GlobalSecondaryIndexes").forEach(gsi -> {
            List<String> shape = new ArrayList<>(keys(gsi.path("KeySchema")));
            shape.add("projection=" + gsi.path("Projection").path("ProjectionType").asText());
            shape.add("nonKey=" + Templates.texts(gsi.path("Projection").path("NonKeyAttributes")));
            templateIndexes.put(gsi.path("IndexName").asText(), shape);
        });
        assertEquals(table.path("GlobalSecondaryIndexes").size(), templateIndexes.size(), "duplicate index names");
        assertEquals(codeIndexes, templateIndexes, "GlobalSecondaryIndexes");
        assertEquals(code.hasLocalSecondaryIndexes(), table.has("LocalSecondaryIndexes"), "LocalSecondaryIndexes");

        assertEquals(LedgerTable.TTL, table.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(table.path("TimeToLiveSpecification").path("Enabled").asBoolean(), "TTL enabled");
        assertTrue(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(), "PITR");
        assertTrue(table.path("SSESpecification").path("SSEEnabled").asBoolean(), "SSE");
        assertEquals(fn("Fn::If", List.of("IsProd", true, false)), table.path("DeletionProtectionEnabled"));
        assertEquals("Retain", resource.path("DeletionPolicy").asText());
        assertEquals("Retain", resource.path("UpdateReplacePolicy").asText());
        assertFalse(table.has("TableName"), "let CloudFormation name the table (a fixed name blocks replacement)");
    }

    // --- helpers ---------------------------------------------------------------------------------------

    /** Runs {@code check} on a copy of the template broken by {@code breakIt}: it must fail, saying {@code expected}. */
    private static void assertFails(String expected, Consumer<ObjectNode> breakIt) {
        assertFailsWith(expected, breakIt, List.of(TemplateContentTest::checkNoBroadStatements,
                TemplateContentTest::checkNoStarResources,
                TemplateContentTest::checkRouteAuthorization,
                TemplateContentTest::checkNoApiCycle, TemplateContentTest::checkFulfilmentQueue,
                TemplateContentTest::checkNoDynamoWildcards, TemplateContentTest::checkSqsGrants,
                TemplateContentTest::checkSecretGrants, TemplateContentTest::checkReconciliation,
                TemplateContentTest::checkAlarms, TemplateContentTest::checkLogGroups,
                TemplateContentTest::checkThrottling, TemplateContentTest::checkRetained,
                TemplateContentTest::checkDeployments));
    }

    /** Every check passes on the real template; on the broken copy one of them fails with {@code expected}. */
    private static void assertFailsWith(String expected, Consumer<ObjectNode> breakIt, List<Consumer<JsonNode>> checks) {
        ObjectNode broken = Templates.template();
        breakIt.accept(broken);
        List<String> failures = new ArrayList<>();
        for (Consumer<JsonNode> check : checks) {
            check.accept(template);
            try {
                check.accept(broken);
            } catch (AssertionError e) {
                failures.add(String.valueOf(e.getMessage()));
            }
        }
        assertFalse(failures.isEmpty(), "the broken copy passed every check (expected: " + expected + ")");
        assertTrue(failures.stream().anyMatch(m -> m.contains(expected)),
                "expected a failure saying '" + expected + "', got " + failures);
    }

    private static ObjectNode event(ObjectNode template, String functionId, String eventName) {
        JsonNode event = function(template, functionId).path("Properties").path("Events").path(eventName).path("Properties");
        assertTrue(event.isObject(), functionId + " has no event " + eventName);
        return (ObjectNode) event;
    }

    private static ObjectNode queueProperties(ObjectNode template, String queueId) {
        return (ObjectNode) template.path("Resources").path(queueId).path("Properties");
    }

    private static ArrayNode policies(ObjectNode template, String functionId) {
        return (ArrayNode) function(template, functionId).path("Properties").path("Policies");
    }

    private static JsonNode statement(ObjectNode template, String functionId, String sid) {
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(policies(template, functionId), statements);
        return statements.stream().filter(s -> s.path("Sid").asText().equals(sid)).findFirst()
                .orElseThrow(() -> new AssertionError(functionId + " has no statement " + sid));
    }

    /** Names of a function's policies that are not inline statements (SAM policy templates, managed policies). */
    private static List<String> policyNames(JsonNode function) {
        List<String> names = new ArrayList<>();
        function.path("Properties").path("Policies").forEach(policy -> {
            if (!(policy.isObject() && policy.has("Statement"))) {
                names.add(policy.isTextual() ? policy.asText() : String.join(",", fieldNames(policy)));
            }
        });
        return names;
    }

    /** "METHOD /path" to event, for a function's HttpApi events. */
    private static Map<String, JsonNode> routes(JsonNode function) {
        Map<String, JsonNode> routes = new LinkedHashMap<>();
        function.path("Properties").path("Events").properties().forEach(e -> {
            JsonNode event = e.getValue();
            if (!event.path("Type").asText().equals("HttpApi")) {
                return; // apiFunctionsHaveOnlyHttpApiEventsAndConsumersOnlyTheirQueue checks the types
            }
            String key = Templates.routeKey(event.path("Properties"));
            assertTrue(routes.put(key, event) == null, "route declared twice: " + key);
        });
        return routes;
    }

    private static void collectStatements(JsonNode node, List<JsonNode> statements) {
        if (node.isObject()) {
            JsonNode statement = node.get("Statement");
            if (statement != null) {
                oneOrMany(statement).forEach(statements::add);
            }
            node.elements().forEachRemaining(child -> collectStatements(child, statements));
        } else if (node.isArray()) {
            node.forEach(child -> collectStatements(child, statements));
        }
    }

    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
    }

    private static List<String> keys(JsonNode schema) {
        return stream(schema).map(k -> k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()).toList();
    }

    /** A Resource's ARN text: the string itself, or the template string of an Fn::Sub. */
    private static String arnText(JsonNode resource) {
        JsonNode sub = resource.path("Fn::Sub");
        if (sub.isArray()) {
            sub = sub.path(0);
        }
        return sub.isTextual() ? sub.asText() : resource.isTextual() ? resource.asText() : resource.toString();
    }
}
