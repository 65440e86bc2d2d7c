package dev.prepaid.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.prepaid.local.template.FunctionSpec;
import dev.prepaid.local.template.Intrinsics;
import dev.prepaid.local.template.LocalOverrides;
import dev.prepaid.local.template.LocalTemplate;
import dev.prepaid.local.template.QueueSpec;
import dev.prepaid.local.template.SamTemplate;
import dev.prepaid.local.template.TableSpec;
import dev.prepaid.testing.ApiGatewayStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * template.yaml read the way the local runner reads it, for the harnesses that run the stack in one JVM
 * (system-tests, bench): the template's table and queues created under a unique prefix, every function with its
 * own environment (Globals and its own variables, intrinsics resolved, {@link LocalOverrides} applied) and its
 * routes. A function the template cannot give a complete environment fails here (its problems), and one missing a
 * variable its code requires fails when its handler is built from {@link FunctionSpec#environment()}.
 */
public final class TemplateStack {
    private static final List<String> ANY_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    private final LocalTemplate template;
    private final LocalResources resources;
    private final Map<String, String> tables;
    private final Map<String, String> queueUrls;
    private final Map<String, FunctionSpec> functions;

    private TemplateStack(LocalTemplate template, LocalResources resources, Map<String, String> tables,
                          Map<String, String> queueUrls, Map<String, FunctionSpec> functions) {
        this.template = template;
        this.resources = resources;
        this.tables = tables;
        this.queueUrls = queueUrls;
        this.functions = functions;
    }

    /** The repository's template.yaml: the first one beside a functions/ directory above the working directory. */
    public static Path repositoryTemplate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("functions"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no template.yaml beside functions/ above " + Path.of("").toAbsolutePath());
    }

    /**
     * Creates the template's tables and queues (names prefixed with {@code prefix}, visibility timeouts at most
     * {@code maxVisibilitySeconds}) and reads its functions.
     *
     * @param parameters template parameter values ({@link LocalOverrides#parameters} adds the API URL and JWT ones)
     * @throws IllegalStateException a function the template cannot give a complete environment or handler
     */
    public static TemplateStack create(Path templateFile, Map<String, String> parameters, String baseUrl,
                                       DynamoDbClient dynamo, SqsClient sqs, String prefix, int maxVisibilitySeconds,
                                       LocalOverrides overrides) {
        SamTemplate template = SamTemplate.read(templateFile);
        LocalResources resources = new LocalResources(template, baseUrl);
        Intrinsics intrinsics = new Intrinsics(template, LocalOverrides.parameters(template, baseUrl, parameters),
                resources, baseUrl);
        LocalTemplate local = new LocalTemplate(template, intrinsics);
        Map<String, String> tables = new LinkedHashMap<>();
        for (TableSpec spec : local.tables()) {
            TableSpec table = new TableSpec(spec.logicalId(), prefix + spec.name(), spec.properties());
            dynamo.createTable(table.createTableRequest());
            resources.table(table.logicalId(), table.name());
            tables.put(table.logicalId(), table.name());
        }
        Map<String, String> queueUrls = new LinkedHashMap<>();
        for (QueueSpec spec : local.queues()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> resolved = (Map<String, Object>) intrinsics.resolve(spec.properties());
            String name = prefix + QueueSpec.name(spec.logicalId(), resolved);
            Map<String, String> attributes = QueueSpec.attributes(resolved, maxVisibilitySeconds);
            String url = sqs.createQueue(b -> b.queueName(name).attributesWithStrings(attributes)).queueUrl();
            String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("QueueArn"))
                    .attributesAsStrings().get("QueueArn");
            resources.queue(spec.logicalId(), name, url, arn);
            queueUrls.put(spec.logicalId(), url);
        }
        Map<String, FunctionSpec> functions = new LinkedHashMap<>();
        for (FunctionSpec spec : local.functions(overrides)) {
            if (!spec.problems().isEmpty()) {
                throw new IllegalStateException(spec.logicalId() + " in " + templateFile + ": " + String.join("; ", spec.problems()));
            }
            functions.put(spec.logicalId(), spec);
        }
        return new TemplateStack(local, resources, tables, queueUrls, functions);
    }

    public LocalTemplate template() {
        return template;
    }

    /** The local name of the table {@code logicalId}. */
    public String table(String logicalId) {
        return require(tables, logicalId, "table");
    }

    /** The URL of the queue {@code logicalId}. */
    public String queueUrl(String logicalId) {
        return require(queueUrls, logicalId, "queue");
    }

    /** Every function, in template order. */
    public List<FunctionSpec> functions() {
        return List.copyOf(functions.values());
    }

    /** The function whose Handler is {@code handlerClass}. */
    public FunctionSpec function(Class<?> handlerClass) {
        return functions.values().stream().filter(f -> handlerClass.getName().equals(f.handlerClass())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no function in the template runs " + handlerClass.getName()));
    }

    /** The queue (logical id) {@code function}'s first SQS event consumes. */
    public String consumedQueue(FunctionSpec function) {
        return function.queues().stream().findFirst().map(FunctionSpec.QueueTrigger::queue)
                .orElseThrow(() -> new IllegalStateException(function.logicalId() + " has no SQS event"));
    }

    /** Every variable of every function (one value each: they come from the same parameters). */
    public Map<String, String> unionEnvironment() {
        Map<String, String> union = new LinkedHashMap<>();
        functions.values().forEach(f -> union.putAll(f.environment()));
        return union;
    }

    /**
     * Routes every HttpApi event of {@code functions} on {@code gateway} as API Gateway would: each method of an
     * ANY route, the literal paths before those with {parameters}, the $default route as the catch-all; protected
     * routes through {@code authorizer} with the event's scopes (any one of them); {@code names} is the name each
     * function runs under (its logical id, or {@link #moduleName}).
     */
    public static void route(ApiGatewayStandIn gateway, List<FunctionSpec> functions,
                             Function<FunctionSpec, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> handlers,
                             ApiGatewayStandIn.Authorizer authorizer, Function<FunctionSpec, String> names) {
        record Routed(String method, FunctionSpec.HttpRoute route, FunctionSpec function) {
        }
        List<Routed> routed = new ArrayList<>();
        for (FunctionSpec f : functions) {
            for (FunctionSpec.HttpRoute route : f.routes()) {
                if (route.isDefault()) {
                    gateway.defaultRoute(handlers.apply(f), names.apply(f), route.isPublic() ? null : authorizer, route.scopes());
                    continue;
                }
                for (String method : route.method().equals("ANY") ? ANY_METHODS : List.of(route.method())) {
                    routed.add(new Routed(method, route, f));
                }
            }
        }
        // API Gateway picks the most specific route: literal segments before {parameters}.
        routed.sort(Comparator.comparingLong((Routed r) -> r.route().path().chars().filter(c -> c == '{').count()));
        for (Routed r : routed) {
            gateway.route(r.method(), r.route().path(), handlers.apply(r.function()), names.apply(r.function()),
                    r.route().isPublic() ? null : authorizer, r.route().scopes());
        }
    }

    /** The function's module name, as the build and the logs name it: DeductCreditsFunction is deduct-credits. */
    public static String moduleName(FunctionSpec function) {
        String id = function.logicalId().endsWith("Function")
                ? function.logicalId().substring(0, function.logicalId().length() - "Function".length()) : function.logicalId();
        return id.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String require(Map<String, String> map, String logicalId, String what) {
        String value = map.get(logicalId);
        if (value == null) {
            throw new IllegalStateException("no " + what + " " + logicalId + " in the template (" + map.keySet() + ")");
        }
        return value;
    }
}
