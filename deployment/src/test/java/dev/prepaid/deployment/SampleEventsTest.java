package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.out.sqs.PaymentEventJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sample events under events/&lt;module&gt;/ (also for {@code sam local invoke -e}) against the template
 * and the code: every file is strict JSON that the Lambda Java runtime's serializer reads, every function
 * has at least one, an API event targets a route its function declares in template.yaml (through the JWT
 * authorizer or, for a public route, without it), a queue event carries payment events exactly as
 * {@link PaymentEventJson} writes them, and a scheduled function's event is the EventBridge "Scheduled Event"
 * its Schedule rule delivers.
 */
class SampleEventsTest {
    /** Duplicate keys and trailing content are errors (a hand-edited fixture can have both). */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final PojoSerializer<APIGatewayV2HTTPEvent> API_EVENTS = LambdaEventSerializers.serializerFor(
            APIGatewayV2HTTPEvent.class, SampleEventsTest.class.getClassLoader());
    private static final PojoSerializer<SQSEvent> SQS_EVENTS = LambdaEventSerializers.serializerFor(
            SQSEvent.class, SampleEventsTest.class.getClassLoader());
    private static final PojoSerializer<ScheduledEvent> SCHEDULED_EVENTS = LambdaEventSerializers.serializerFor(
            ScheduledEvent.class, SampleEventsTest.class.getClassLoader());
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private static Path root;
    private static JsonNode template;

    @BeforeAll
    static void load() {
        root = Templates.root();
        template = Templates.template();
    }

    static Stream<String> eventFiles() {
        Path events = Templates.root().resolve("events");
        try (Stream<Path> walk = Files.walk(events)) {
            return walk.filter(p -> p.toString().endsWith(".json"))
                    .map(p -> events.relativize(p).toString().replace('\\', '/')).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyFunctionHasASampleEventAndEveryFolderIsAFunction() throws IOException {
        Set<String> modules = new TreeSet<>();
        for (ExpectedFunction function : ExpectedFunction.BY_LOGICAL_ID.values()) {
            modules.add(function.module());
            Path dir = root.resolve(function.eventsDir());
            assertTrue(Files.isDirectory(dir), "no sample events for " + function.module() + ": " + dir);
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.anyMatch(p -> p.toString().endsWith(".json")), "no sample event in " + dir);
            }
        }
        Set<String> folders = new TreeSet<>();
        try (Stream<Path> entries = Files.list(root.resolve("events"))) {
            entries.forEach(p -> {
                assertTrue(Files.isDirectory(p), "events/ holds one folder per function, not " + p.getFileName());
                folders.add(p.getFileName().toString());
            });
        }
        assertEquals(modules, folders, "events/<module>/ folders");
        assertTrue(eventFiles().allMatch(f -> f.indexOf('/') == f.lastIndexOf('/') && f.indexOf('/') > 0),
                "every event is events/<module>/<name>.json: " + eventFiles().toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    void everySampleEventFitsItsFunction(String file) {
        String module = file.substring(0, file.indexOf('/'));
        ExpectedFunction function = ExpectedFunction.byModule(module);
        assertNotNull(function, "events/" + module + "/ is not a function's folder");
        byte[] bytes = readBytes(root.resolve("events").resolve(file));
        JsonNode event = strictJson(bytes, file);
        checkEvent(template, function, event, file);
        if (function.isScheduled()) {
            ScheduledEvent loaded = SCHEDULED_EVENTS.fromJson(new ByteArrayInputStream(bytes));
            assertEquals(event.path("id").asText(), loaded.getId(), file + ": the runtime's ScheduledEvent");
            assertEquals(event.path("detail-type").asText(), loaded.getDetailType(), file + ": detail-type");
            assertEquals(event.path("source").asText(), loaded.getSource(), file + ": source");
            assertEquals(Templates.texts(event.path("resources")), loaded.getResources(), file + ": resources");
            assertNotNull(loaded.getTime(), file + ": time");
            assertEquals(Instant.parse(event.path("time").asText()).toEpochMilli(), loaded.getTime().getMillis(),
                    file + ": time");
        } else if (function.isQueueConsumer()) {
            SQSEvent loaded = SQS_EVENTS.fromJson(new ByteArrayInputStream(bytes));
            assertEquals(event.path("Records").size(), loaded.getRecords().size(), file + ": the runtime's SQSEvent");
            for (int i = 0; i < loaded.getRecords().size(); i++) {
                assertEquals(event.path("Records").path(i).path("body").asText(), loaded.getRecords().get(i).getBody());
                assertEquals(event.path("Records").path(i).path("messageId").asText(),
                        loaded.getRecords().get(i).getMessageId());
            }
        } else {
            APIGatewayV2HTTPEvent loaded = API_EVENTS.fromJson(new ByteArrayInputStream(bytes));
            assertEquals(event.path("routeKey").asText(), loaded.getRouteKey(), file + ": the runtime's event");
            assertEquals(event.path("rawPath").asText(), loaded.getRawPath());
            assertEquals(event.path("requestContext").path("http").path("method").asText(),
                    loaded.getRequestContext().getHttp().getMethod());
            assertEquals(event.has("body") ? event.path("body").asText() : null, loaded.getBody());
        }
    }

    static void checkEvent(JsonNode template, ExpectedFunction function, JsonNode event, String name) {
        if (function.isScheduled()) {
            checkScheduledEvent(template, function, event, name);
        } else if (function.isQueueConsumer()) {
            checkQueueEvent(function, event, name);
        } else {
            checkApiEvent(template, function, event, name);
        }
    }

    /** An HTTP API (payload 2.0) event for one of the function's routes in template.yaml. */
    static void checkApiEvent(JsonNode template, ExpectedFunction function, JsonNode event, String name) {
        String id = ExpectedFunction.logicalIdOf(function);
        assertEquals("2.0", event.path("version").asText(), name + ": payload version");
        String routeKey = event.path("routeKey").asText();
        Set<String> declared = new TreeSet<>();
        template.path("Resources").path(id).path("Properties").path("Events").forEach(e -> {
            if (e.path("Type").asText().equals("HttpApi")) {
                declared.add(Templates.routeKey(e.path("Properties")));
            }
        });
        assertTrue(declared.contains(routeKey), name + ": routeKey '" + routeKey + "' is not a route of " + id
                + " in template.yaml " + declared);
        JsonNode context = event.path("requestContext");
        assertEquals(routeKey, context.path("routeKey").asText(), name + ": requestContext.routeKey");
        String rawPath = event.path("rawPath").asText();
        assertEquals(rawPath, context.path("http").path("path").asText(), name + ": requestContext.http.path");
        if (routeKey.equals(Templates.DEFAULT_ROUTE)) {
            // the catch-all: any method, any path that no other route of the template takes
            String method = context.path("http").path("method").asText();
            assertTrue(method.matches("[A-Z]+"), name + ": requestContext.http.method");
            Set<String> others = new TreeSet<>();
            template.path("Resources").forEach(r -> r.path("Properties").path("Events").forEach(e -> {
                if (e.path("Type").asText().equals("HttpApi")) {
                    others.add(Templates.routeKey(e.path("Properties")));
                }
            }));
            for (String other : others) {
                if (!other.equals(Templates.DEFAULT_ROUTE) && other.startsWith(method + " ")) {
                    assertFalse(Pattern.compile(PATH_VARIABLE.matcher(Pattern.quote(other.substring(method.length() + 1)))
                                    .replaceAll("\\\\E[^/]+\\\\Q")).matcher(rawPath).matches(),
                            name + ": " + method + " " + rawPath + " is the route " + other + ", not " + routeKey);
                }
            }
            assertTrue(event.path("pathParameters").isMissingNode(), name + ": the $default route has no path parameters");
            assertTrue(context.path("authorizer").isMissingNode(), name + ": the $default route is public");
            return;
        }
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        String path = routeKey.substring(routeKey.indexOf(' ') + 1);
        assertEquals(method, context.path("http").path("method").asText(), name + ": requestContext.http.method");

        // the raw path is an instance of the route's path, and pathParameters name its variables
        StringBuilder regex = new StringBuilder();
        List<String> variables = new ArrayList<>();
        Matcher variable = PATH_VARIABLE.matcher(path);
        int at = 0;
        while (variable.find()) {
            regex.append(Pattern.quote(path.substring(at, variable.start()))).append("([^/]+)");
            variables.add(variable.group(1));
            at = variable.end();
        }
        regex.append(Pattern.quote(path.substring(at)));
        Matcher raw = Pattern.compile(regex.toString()).matcher(rawPath);
        assertTrue(raw.matches(), name + ": rawPath " + rawPath + " is not " + path);
        Map<String, String> expectedParameters = new TreeMap<>();
        for (int i = 0; i < variables.size(); i++) {
            expectedParameters.put(variables.get(i), raw.group(i + 1));
        }
        assertEquals(expectedParameters, textMap(event.path("pathParameters")), name + ": pathParameters");

        // the query string and its parsed form agree
        Map<String, String> query = new TreeMap<>();
        String rawQuery = event.path("rawQueryString").asText("");
        if (!rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.merge(key, value, (a, b) -> a + "," + b);
            }
        }
        assertEquals(query, textMap(event.path("queryStringParameters")), name + ": queryStringParameters");

        assertFalse(event.path("isBase64Encoded").asBoolean(), name + ": isBase64Encoded");
        String contentType = event.path("headers").path("content-type").asText("");
        if (event.has("body") && contentType.startsWith("application/json")) {
            try {
                STRICT.readTree(event.path("body").asText());
            } catch (IOException e) {
                throw new AssertionError(name + ": the body is not the JSON its content-type says", e);
            }
        }

        JsonNode authorizer = context.path("authorizer");
        if (function.isPublic(routeKey)) {
            assertTrue(authorizer.isMissingNode(), name + ": " + routeKey
                    + " is public: API Gateway runs no authorizer, so the event has no requestContext.authorizer");
        } else {
            JsonNode jwt = authorizer.path("jwt");
            assertFalse(jwt.path("claims").path("sub").asText("").isBlank(),
                    name + ": " + routeKey + " goes through the JWT authorizer: requestContext.authorizer.jwt.claims.sub");
            Set<String> scopes = new HashSet<>(Templates.texts(jwt.path("scopes")));
            List<String> required = function.scopesOf(routeKey);
            assertTrue(required.isEmpty() || required.stream().anyMatch(scopes::contains), name
                    + ": the token's scopes " + scopes + " must hold one of the route's " + required);
        }
    }

    /** An SQS batch for the consumer's queue whose bodies are payment events as the webhook enqueues them. */
    static void checkQueueEvent(ExpectedFunction function, JsonNode event, String name) {
        JsonNode records = event.path("Records");
        assertTrue(records.isArray() && records.size() > 0, name + ": an SQS event has Records");
        Set<String> ids = new HashSet<>();
        for (JsonNode record : records) {
            String messageId = record.path("messageId").asText("");
            assertTrue(!messageId.isBlank() && ids.add(messageId), name + ": messageId missing or repeated: " + messageId);
            assertEquals("aws:sqs", record.path("eventSource").asText(), name + " " + messageId + ": eventSource");
            assertTrue(record.path("eventSourceARN").asText().matches("arn:aws:sqs:[a-z0-9-]+:\\d{12}:.*"
                    + Pattern.quote(function.queue()) + ".*"), name + " " + messageId + ": eventSourceARN names "
                    + function.queue());
            assertTrue(record.path("attributes").path("ApproximateReceiveCount").asText().matches("[1-9][0-9]*"),
                    name + " " + messageId + ": attributes.ApproximateReceiveCount");
            String body = record.path("body").asText();
            String rewritten;
            if (function.queue().equals("AppEventsQueue")) {
                var message = dev.prepaid.adapter.out.sqs.SqsAppEventQueue.read(body);
                if (message == null) {
                    throw new AssertionError(name + " " + messageId + ": the body is not an app-event message");
                }
                rewritten = dev.prepaid.adapter.out.sqs.SqsAppEventQueue.write(message);
            } else if (function.queue().equals("AutoTopupQueue")) {
                // what app-webhooks forwards for a credits.low of a user with auto top-up (AutoTopupHandler.read)
                JsonNode trigger = strictJson(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), name);
                assertTrue(trigger.path("eventId").asText().matches("evt_[0-9a-f]{32}")
                        && !trigger.path("userId").asText().isBlank(), name + " " + messageId + ": an auto top-up trigger");
                rewritten = STRICT.createObjectNode().put("eventId", trigger.path("eventId").asText())
                        .put("userId", trigger.path("userId").asText()).toString();
            } else {
                try {
                    rewritten = PaymentEventJson.write(PaymentEventJson.read(body));
                } catch (RuntimeException e) {
                    throw new AssertionError(name + " " + messageId + ": the body is not a payment event: " + e, e);
                }
            }
            assertEquals(rewritten, body, name + " " + messageId + ": the body, exactly as PaymentEventJson writes it");
            assertEquals(md5(body), record.path("md5OfBody").asText(), name + " " + messageId + ": md5OfBody");
        }
    }

    /**
     * What EventBridge delivers for a Schedule rule ("Scheduled Event" from aws.events, the rule's ARN in
     * resources, an empty detail) to a function whose template declares a Schedule event.
     */
    static void checkScheduledEvent(JsonNode template, ExpectedFunction function, JsonNode event, String name) {
        String id = ExpectedFunction.logicalIdOf(function);
        boolean scheduled = false;
        for (JsonNode e : template.path("Resources").path(id).path("Properties").path("Events")) {
            scheduled |= e.path("Type").asText().equals("Schedule");
        }
        assertTrue(scheduled, name + ": " + id + " has no Schedule event in template.yaml");
        assertEquals("0", event.path("version").asText(), name + ": version");
        assertEquals("aws.events", event.path("source").asText(), name + ": source (a schedule rule's events come from aws.events)");
        assertEquals("Scheduled Event", event.path("detail-type").asText(), name + ": detail-type");
        assertFalse(event.path("id").asText("").isBlank(), name + ": id");
        String account = event.path("account").asText("");
        String region = event.path("region").asText("");
        assertTrue(account.matches("\\d{12}"), name + ": account");
        assertTrue(region.matches("[a-z]{2}(-[a-z]+)+-\\d"), name + ": region");
        try {
            Instant.parse(event.path("time").asText());
        } catch (DateTimeParseException e) {
            throw new AssertionError(name + ": time is not an ISO-8601 instant: " + event.path("time"), e);
        }
        List<String> resources = Templates.texts(event.path("resources"));
        assertEquals(1, resources.size(), name + ": resources names the one rule: " + resources);
        assertTrue(resources.get(0).matches(Pattern.quote("arn:aws:events:" + region + ":" + account + ":rule/") + "[A-Za-z0-9._-]+"),
                name + ": resources: the rule's ARN in the event's region and account: " + resources);
        assertTrue(event.path("detail").isObject() && event.path("detail").isEmpty(),
                name + ": detail is {} for a schedule: " + event.path("detail"));
    }

    // --- the checks fail on broken copies ----------------------------------------------------------------

    @Test
    void aScheduledEventThatIsNotWhatEventBridgeSendsIsReported() {
        assertFails("reconciliation/scheduled.json", "source", e -> e.put("source", "aws.s3"));
        assertFails("reconciliation/scheduled.json", "detail-type", e -> e.put("detail-type", "Object Created"));
        assertFails("reconciliation/scheduled.json", "resources", e -> e.putArray("resources")
                .add("arn:aws:events:us-east-1:999999999999:rule/other"));
        assertFails("reconciliation/scheduled.json", "detail is {}", e -> e.putObject("detail").put("bucket", "x"));
        assertFails("reconciliation/scheduled.json", "time", e -> e.put("time", "yesterday"));
    }

    @Test
    void anEventForAnUndeclaredRouteIsReported() {
        assertFails("create-order/create-order.json", "is not a route of CreateOrderFunction",
                e -> e.put("routeKey", "POST /api/payment/create-orders"));
        assertFails("deduct-credits/deduct.json", "is not a route of DeductCreditsFunction",
                e -> e.put("routeKey", "GET /api/credits/balance"));
        assertFails("create-order/get-order.json", "requestContext.routeKey",
                e -> ((ObjectNode) e.path("requestContext")).put("routeKey", "GET /api/payment/subscription"));
    }

    @Test
    void anEventThatDoesNotMatchItsRouteIsReported() {
        assertFails("create-order/get-order.json", "is not /api/payment/orders/{orderId}",
                e -> e.put("rawPath", "/api/payment/orders").withObjectProperty("requestContext")
                        .withObjectProperty("http").put("path", "/api/payment/orders"));
        assertFails("create-order/get-order.json", "pathParameters", e -> e.remove("pathParameters"));
        assertFails("callback/callback.json", "queryStringParameters", e -> e.put("rawQueryString", "orderId=x"));
        assertFails("webhook/stripe-checkout-completed.json", "not the JSON its content-type says",
                e -> e.put("body", "{\"id\":"));
    }

    @Test
    void anAuthorizerThatDoesNotFitTheRouteIsReported() {
        assertFails("credits-query/plans.json", "is public", e -> ((ObjectNode) e.path("requestContext"))
                .set("authorizer", readEvent("credits-query/balance.json").path("requestContext").path("authorizer")));
        assertFails("credits-query/balance.json", "goes through the JWT authorizer",
                e -> ((ObjectNode) e.path("requestContext")).remove("authorizer"));
        assertFails("deduct-credits/deduct.json", "must hold one of the route's",
                e -> ((ObjectNode) e.path("requestContext").path("authorizer").path("jwt")).putArray("scopes").add("openid"));
        assertFails("admin/dlq-redrive.json", "must hold one of the route's",
                e -> ((ObjectNode) e.path("requestContext").path("authorizer").path("jwt")).putArray("scopes")
                        .add("credits/write"));
    }

    @Test
    void aQueueEventThatIsNotAPaymentEventIsReported() {
        assertFails("fulfilment/sqs-batch.json", "not a payment event",
                e -> ((ObjectNode) e.path("Records").path(0)).put("body", "{\"kind\":\"Unknown\"}"));
        assertFails("fulfilment/sqs-batch.json", "exactly as PaymentEventJson writes it",
                e -> ((ObjectNode) e.path("Records").path(1)).put("body", e.path("Records").path(1).path("body").asText()
                        .replace("{\"kind\":\"PaymentRefunded\",", "{\"kind\" : \"PaymentRefunded\",")));
        assertFails("fulfilment/sqs-batch.json", "md5OfBody",
                e -> ((ObjectNode) e.path("Records").path(0)).put("md5OfBody", md5("x")));
        assertFails("fulfilment/sqs-batch.json", "messageId missing or repeated",
                e -> ((ObjectNode) e.path("Records").path(1)).put("messageId",
                        e.path("Records").path(0).path("messageId").asText()));
    }

    @Test
    void invalidJsonIsReported() {
        assertThrows(AssertionError.class, () -> strictJson("{\"a\": 1, \"a\": 2}".getBytes(StandardCharsets.UTF_8), "dup"));
        assertThrows(AssertionError.class, () -> strictJson("{\"a\": 1} {}".getBytes(StandardCharsets.UTF_8), "trailing"));
        assertThrows(AssertionError.class, () -> strictJson("{\"a\": 1,}".getBytes(StandardCharsets.UTF_8), "comma"));
    }

    /** The real file passes; the copy broken by {@code breakIt} fails, saying {@code expected}. */
    private static void assertFails(String file, String expected, Consumer<ObjectNode> breakIt) {
        String module = file.substring(0, file.indexOf('/'));
        ExpectedFunction function = ExpectedFunction.byModule(module);
        checkEvent(template, function, readEvent(file), file);
        ObjectNode broken = readEvent(file);
        breakIt.accept(broken);
        AssertionError error = assertThrows(AssertionError.class, () -> checkEvent(template, function, broken, file),
                file + ": the broken copy passed (expected: " + expected + ")");
        assertTrue(String.valueOf(error.getMessage()).contains(expected),
                "expected a failure saying '" + expected + "', got: " + error.getMessage());
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private static ObjectNode readEvent(String file) {
        return (ObjectNode) strictJson(readBytes(Templates.root().resolve("events").resolve(file)), file);
    }

    private static JsonNode strictJson(byte[] bytes, String name) {
        try {
            JsonNode node = STRICT.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new AssertionError(name + ": not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new AssertionError(name + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> textMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return new TreeMap<>(map);
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
