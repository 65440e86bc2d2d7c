package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.out.dynamodb.LedgerTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/** template.yaml against the code: routes, scopes, runtime, environment, IAM and the table. */
class TemplateContentTest {
    private static final String FUNCTION = "AWS::Serverless::Function";
    /** Read by the code only when running locally (DynamoDB Local) or set by Lambda itself. */
    private static final Set<String> LOCAL_OR_RUNTIME_ENV = Set.of("DYNAMODB_ENDPOINT", "AWS_REGION", "AWS_ACCESS_KEY_ID");
    private static final Pattern ENV_READ = Pattern.compile("\\b(?:required|optional)\\(\\s*\"([A-Za-z0-9_]+)\"");
    private static final Pattern ROUTE = Pattern.compile("\\.route\\(\\s*\"([A-Z]+)\"\\s*,\\s*\"([^\"]+)\"");

    private static ObjectNode template;
    private static Path root;

    @BeforeAll
    static void load() {
        root = Templates.root();
        template = Templates.template();
    }

    private static Map<String, JsonNode> functions() {
        return Templates.resources(template, FUNCTION);
    }

    private static JsonNode function(String logicalId) {
        JsonNode function = functions().get(logicalId);
        assertTrue(function != null, "template.yaml has no " + FUNCTION + " " + logicalId);
        return function;
    }

    @Test
    void declaresExactlyTheExpectedFunctions() {
        assertEquals(ExpectedFunction.BY_LOGICAL_ID.keySet(), functions().keySet());
        ExpectedFunction.BY_LOGICAL_ID.forEach((id, expected) ->
                assertEquals(expected.handler(), function(id).path("Properties").path("Handler").asText(), id));
    }

    @Test
    void everyFunctionRunsJava21OnArm64() {
        functions().forEach((id, function) -> {
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
        assertEquals("", parameters.path("PricingCatalog").path("Default").asText("missing"));
        assertEquals(fn("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")), template.path("Conditions").path("IsProd"));
        assertTrue(template.path("Outputs").has("ApiUrl"), "Outputs.ApiUrl");
        assertEquals(ref("LedgerTable"), template.path("Outputs").path("LedgerTableName").path("Value"));
    }

    @Test
    void templateRoutesAreExactlyTheRoutesEachHandlerServes() throws IOException {
        ExpectedFunction.BY_LOGICAL_ID.forEach((id, expected) -> {
            assertEquals(new TreeSet<>(expected.routes()), new TreeSet<>(routes(function(id)).keySet()),
                    id + ": HttpApi events in template.yaml");
        });
        for (ExpectedFunction expected : ExpectedFunction.BY_LOGICAL_ID.values()) {
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
    }

    @Test
    void everyRouteGoesThroughTheJwtAuthorizerWithTheRightScopes() {
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

        ExpectedFunction.BY_LOGICAL_ID.forEach((id, expected) -> routes(function(id)).forEach((route, event) -> {
            JsonNode properties = event.path("Properties");
            assertEquals(ref(apiId), properties.path("ApiId"), id + " " + route + ": ApiId");
            assertEquals(authorizerName, properties.path("Auth").path("Authorizer").asText(),
                    id + " " + route + ": Auth.Authorizer");
            assertEquals(expected.scopes(), Templates.texts(properties.path("Auth").path("AuthorizationScopes")),
                    id + " " + route + ": Auth.AuthorizationScopes");
        }));
    }

    @Test
    void noDynamoDbActionIsAllowedOnAnyResource() {
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
            JsonNode resources = statement.path("Resource");
            (resources.isArray() ? stream(resources) : Stream.of(resources)).map(TemplateContentTest::arnText)
                    .forEach(arn -> assertFalse(arn.equals("*") || arn.endsWith(":table/*") || arn.endsWith(":*"),
                            "DynamoDB actions on a wildcard resource: " + statement));
        }
        assertTrue(dynamo >= 2, "expected the two functions' DynamoDB statements, found " + dynamo);
        functions().forEach((id, function) -> function.path("Properties").path("Policies").forEach(policy -> {
            String named = policy.isTextual() ? policy.asText() : String.join(",", fieldNames(policy));
            assertFalse(named.toLowerCase().contains("dynamodb"),
                    id + " uses a SAM policy template or managed policy for DynamoDB (" + named
                            + "); those grant Scan/DeleteItem/BatchWrite. Use an explicit Statement.");
        }));
    }

    @Test
    void eachFunctionGetsOnlyTheDynamoDbActionsItUses() {
        JsonNode table = fn("Fn::GetAtt", List.of("LedgerTable", "Arn"));
        JsonNode indexes = fn("Fn::Sub", "${LedgerTable.Arn}/index/*");
        assertDynamoAccess("DeductCreditsFunction",
                Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"),
                Set.of(table));
        assertDynamoAccess("CreditsQueryFunction", Set.of("dynamodb:GetItem", "dynamodb:Query"), Set.of(table, indexes));
    }

    private static void assertDynamoAccess(String id, Set<String> actions, Set<JsonNode> resources) {
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(function(id).path("Properties").path("Policies"), statements);
        Set<String> granted = new TreeSet<>();
        Set<JsonNode> on = new HashSet<>();
        for (JsonNode statement : statements) {
            List<String> dynamo = Templates.texts(statement.path("Action")).stream()
                    .filter(a -> a.toLowerCase().startsWith("dynamodb:")).toList();
            if (!dynamo.isEmpty()) {
                assertEquals("Allow", statement.path("Effect").asText(), id + ": " + statement);
                granted.addAll(dynamo);
                JsonNode resource = statement.path("Resource");
                (resource.isArray() ? stream(resource) : Stream.of(resource)).forEach(on::add);
            }
        }
        assertEquals(new TreeSet<>(actions), granted, id + ": DynamoDB actions");
        assertEquals(resources, on, id + ": DynamoDB resources");
    }

    @Test
    void everyEnvironmentVariableTheCodeReadsIsSet() throws IOException {
        JsonNode globalVariables = template.path("Globals").path("Function").path("Environment").path("Variables");
        for (Map.Entry<String, ExpectedFunction> entry : ExpectedFunction.BY_LOGICAL_ID.entrySet()) {
            String id = entry.getKey();
            Set<String> read = envRead(root.resolve("functions").resolve(entry.getValue().module()).resolve("src/main"),
                    root.resolve("shared/aws/src/main"));
            assertTrue(read.contains("TABLE_NAME"), id + ": the source scan found no TABLE_NAME, so it is broken: " + read);

            JsonNode ownVariables = function(id).path("Properties").path("Environment").path("Variables");
            Set<String> defined = new TreeSet<>(fieldNames(globalVariables));
            defined.addAll(fieldNames(ownVariables));
            Set<String> missing = new TreeSet<>(read);
            missing.removeAll(defined);
            missing.removeAll(LOCAL_OR_RUNTIME_ENV);
            assertEquals(Set.of(), missing, id + ": read by the code but not set in template.yaml");

            Set<String> unused = new TreeSet<>(fieldNames(ownVariables));
            unused.removeAll(read);
            assertEquals(Set.of(), unused, id + ": set on the function but never read (a typo?)");
        }
    }

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

    /** "METHOD /path" to event, for a function's HttpApi events; any other event type fails. */
    private static Map<String, JsonNode> routes(JsonNode function) {
        Map<String, JsonNode> routes = new LinkedHashMap<>();
        function.path("Properties").path("Events").properties().forEach(e -> {
            JsonNode event = e.getValue();
            assertEquals("HttpApi", event.path("Type").asText(), "event " + e.getKey());
            String key = event.path("Properties").path("Method").asText().toUpperCase() + " "
                    + event.path("Properties").path("Path").asText();
            assertTrue(routes.put(key, event) == null, "route declared twice: " + key);
        });
        return routes;
    }

    private static void collectStatements(JsonNode node, List<JsonNode> statements) {
        if (node.isObject()) {
            JsonNode statement = node.get("Statement");
            if (statement != null) {
                (statement.isArray() ? stream(statement) : Stream.of(statement)).forEach(statements::add);
            }
            node.elements().forEachRemaining(child -> collectStatements(child, statements));
        } else if (node.isArray()) {
            node.forEach(child -> collectStatements(child, statements));
        }
    }

    private static Set<String> envRead(Path... sourceRoots) throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path sourceRoot : sourceRoots) {
            assertTrue(Files.isDirectory(sourceRoot), "no sources at " + sourceRoot);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(sourceRoot)) {
                files = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path file : files) {
                Matcher read = ENV_READ.matcher(Files.readString(file));
                while (read.find()) {
                    names.add(read.group(1));
                }
            }
        }
        return names;
    }

    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
    }

    private static List<String> keys(JsonNode schema) {
        return stream(schema).map(k -> k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()).toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }

    private static JsonNode ref(String name) {
        return fn("Ref", name);
    }

    private static JsonNode fn(String name, Object value) {
        return Templates.JSON.valueToTree(Map.of(name, value));
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
