package dev.prepaid.local.template;

import dev.prepaid.local.template.FunctionSpec.HttpRoute;
import dev.prepaid.local.template.FunctionSpec.QueueTrigger;
import dev.prepaid.local.template.FunctionSpec.ScheduleTrigger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads what the local stack runs from a SAM template: the tables, the queues and every function with its
 * handler, environment (Globals merged with its own, intrinsics resolved, local overrides applied), HTTP
 * routes (method, path, authorizer or public, scopes), SQS triggers and schedules. Resources whose Condition
 * is false are left out, as CloudFormation would.
 */
public final class LocalTemplate {
    public static final String FUNCTION = "AWS::Serverless::Function";
    public static final String TABLE = "AWS::DynamoDB::Table";
    public static final String QUEUE = "AWS::SQS::Queue";

    private final SamTemplate template;
    private final Intrinsics intrinsics;

    public LocalTemplate(SamTemplate template, Intrinsics intrinsics) {
        this.template = Objects.requireNonNull(template, "template");
        this.intrinsics = Objects.requireNonNull(intrinsics, "intrinsics");
    }

    public SamTemplate template() {
        return template;
    }

    public Intrinsics intrinsics() {
        return intrinsics;
    }

    /** Every table, properties resolved. */
    @SuppressWarnings("unchecked")
    public List<TableSpec> tables() {
        List<TableSpec> tables = new ArrayList<>();
        present(TABLE).forEach((id, resource) -> {
            Map<String, Object> properties = (Map<String, Object>) intrinsics.resolve(SamTemplate.mapOf(resource.get("Properties")));
            Object name = properties.get("TableName");
            tables.add(new TableSpec(id, name == null || String.valueOf(name).isBlank() ? id : String.valueOf(name), properties));
        });
        return tables;
    }

    /** Every queue, each after the queues it refers to (its dead-letter queue first). */
    public List<QueueSpec> queues() {
        Map<String, Map<String, Object>> queues = present(QUEUE);
        Map<String, QueueSpec> specs = new LinkedHashMap<>();
        queues.forEach((id, resource) -> {
            Map<String, Object> properties = SamTemplate.mapOf(resource.get("Properties"));
            Set<String> refs = new LinkedHashSet<>();
            references(properties, refs);
            refs.retainAll(queues.keySet());
            refs.remove(id);
            specs.put(id, new QueueSpec(id, properties, refs));
        });
        List<QueueSpec> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (ordered.size() < specs.size()) {
            boolean progress = false;
            for (QueueSpec spec : specs.values()) {
                if (!done.contains(spec.logicalId()) && done.containsAll(spec.dependsOn())) {
                    ordered.add(spec);
                    done.add(spec.logicalId());
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalStateException("queues refer to each other in a cycle: " + specs.keySet());
            }
        }
        return ordered;
    }

    /**
     * Every function, in template order. A function that cannot be read completely is still listed, with
     * its {@link FunctionSpec#problems()}.
     */
    public List<FunctionSpec> functions(LocalOverrides overrides) {
        List<FunctionSpec> functions = new ArrayList<>();
        present(FUNCTION).forEach((id, resource) -> functions.add(function(id, resource, overrides)));
        return functions;
    }

    private FunctionSpec function(String id, Map<String, Object> resource, LocalOverrides overrides) {
        Map<String, Object> properties = SamTemplate.mapOf(resource.get("Properties"));
        Map<String, Object> globals = template.globals("Function");
        List<String> problems = new ArrayList<>();

        String handler = null;
        Object rawHandler = properties.containsKey("Handler") ? properties.get("Handler") : globals.get("Handler");
        if (rawHandler == null) {
            problems.add("no Handler");
        } else {
            try {
                handler = intrinsics.resolveString(rawHandler);
            } catch (RuntimeException e) {
                problems.add("Handler: " + message(e));
            }
        }

        Map<String, Object> declared = new LinkedHashMap<>();
        declared.putAll(SamTemplate.mapOf(SamTemplate.path(globals, "Environment", "Variables")));
        declared.putAll(SamTemplate.mapOf(SamTemplate.path(properties, "Environment", "Variables")));
        Map<String, String> environment = new LinkedHashMap<>();
        declared.forEach((name, value) -> {
            try {
                String text = intrinsics.resolveString(value);
                if (text != null) {
                    environment.put(name, text);
                }
            } catch (RuntimeException e) {
                problems.add("environment variable " + name + ": " + message(e));
            }
        });

        List<HttpRoute> routes = new ArrayList<>();
        List<QueueTrigger> queues = new ArrayList<>();
        List<ScheduleTrigger> schedules = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        SamTemplate.mapsOf(properties.get("Events")).forEach((name, event) -> {
            String type = String.valueOf(event.get("Type"));
            Map<String, Object> eventProperties = SamTemplate.mapOf(event.get("Properties"));
            try {
                switch (type) {
                    case "HttpApi" -> {
                        HttpRoute route = route(name, eventProperties);
                        if (route == null) {
                            ignored.add(name + " (HttpApi with a method but no path, or a path but no method)");
                        } else {
                            routes.add(route);
                        }
                    }
                    case "SQS" -> {
                        String queue = logicalIdOf(eventProperties.get("Queue"));
                        if (queue == null || !QUEUE.equals(template.type(queue))) {
                            ignored.add(name + " (SQS queue not declared in this template)");
                        } else {
                            queues.add(new QueueTrigger(name, queue,
                                    Integer.parseInt(intrinsics.resolveString(eventProperties.getOrDefault("BatchSize", 10))),
                                    !"false".equalsIgnoreCase(intrinsics.resolveString(eventProperties.getOrDefault("Enabled", true)))));
                        }
                    }
                    case "Schedule", "ScheduleV2" -> {
                        Object expression = eventProperties.containsKey("Schedule") ? eventProperties.get("Schedule")
                                : eventProperties.get("ScheduleExpression");
                        Object input = eventProperties.get("Input");
                        String state = eventProperties.containsKey("State")
                                ? intrinsics.resolveString(eventProperties.get("State")) : null;
                        boolean enabled = state != null ? state.equalsIgnoreCase("ENABLED")
                                : !"false".equalsIgnoreCase(intrinsics.resolveString(eventProperties.getOrDefault("Enabled", true)));
                        schedules.add(new ScheduleTrigger(name, expression == null ? null : intrinsics.resolveString(expression),
                                input == null ? null : intrinsics.resolveString(input), enabled));
                    }
                    default -> ignored.add(name + " (" + type + ")");
                }
            } catch (RuntimeException e) {
                problems.add("event " + name + ": " + message(e));
            }
        });
        return new FunctionSpec(id, handler, environment, overrides.apply(environment), routes, queues, schedules,
                ignored, problems);
    }

    /**
     * An HttpApi event as a route ({@code ANY $default} for the event without Path and Method). The authorizer is the event's Auth.Authorizer, else the API's
     * DefaultAuthorizer; NONE (or neither) is public. Scopes: the event's AuthorizationScopes, else the
     * authorizer's own.
     */
    private HttpRoute route(String name, Map<String, Object> properties) {
        Object method = properties.get("Method");
        Object path = properties.get("Path");
        if (method == null && path == null) {
            // SAM: neither Path nor Method is the API's $default route, which takes what no other route matches
            method = "ANY";
            path = HttpRoute.DEFAULT;
        } else if (method == null || path == null) {
            return null;
        }
        String api = properties.containsKey("ApiId") ? logicalIdOf(properties.get("ApiId")) : "ServerlessHttpApi";
        Map<String, Object> apiAuth = new LinkedHashMap<>(SamTemplate.mapOf(template.globals("HttpApi").get("Auth")));
        if (api != null && template.resources().containsKey(api)) {
            Map<String, Object> own = SamTemplate.mapOf(SamTemplate.path(template.resources().get(api), "Properties", "Auth"));
            if (!own.isEmpty()) {
                apiAuth = new LinkedHashMap<>(own);
            }
        }
        Map<String, Object> auth = SamTemplate.mapOf(properties.get("Auth"));
        String authorizer = auth.containsKey("Authorizer") ? intrinsics.resolveString(auth.get("Authorizer"))
                : apiAuth.containsKey("DefaultAuthorizer") ? intrinsics.resolveString(apiAuth.get("DefaultAuthorizer")) : null;
        if (authorizer != null && (authorizer.isBlank() || authorizer.equals("NONE"))) {
            authorizer = null;
        }
        List<String> scopes = new ArrayList<>();
        Object declaredScopes = auth.containsKey("AuthorizationScopes") ? auth.get("AuthorizationScopes")
                : authorizer == null ? null : SamTemplate.path(apiAuth, "Authorizers", authorizer, "AuthorizationScopes");
        if (authorizer != null && declaredScopes != null) {
            Object resolved = intrinsics.resolve(declaredScopes);
            if (resolved instanceof List<?> list) {
                list.forEach(scope -> scopes.add(Intrinsics.text(scope)));
            } else {
                scopes.add(Intrinsics.text(resolved));
            }
        }
        return new HttpRoute(name, intrinsics.resolveString(method).toUpperCase(Locale.ROOT),
                intrinsics.resolveString(path), authorizer, scopes);
    }

    /** The logical id an intrinsic names: {@code Ref X}, {@code Fn::GetAtt [X, ...]}; or a plain id of this template. */
    static String logicalIdOf(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Object ref = map.get("Ref");
            if (ref instanceof String s) {
                return s;
            }
            Object getAtt = map.get("Fn::GetAtt");
            if (getAtt instanceof List<?> list && !list.isEmpty()) {
                return String.valueOf(list.get(0));
            }
            if (getAtt instanceof String s && s.contains(".")) {
                return s.substring(0, s.indexOf('.'));
            }
            return null;
        }
        return value instanceof String s ? s : null;
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** The resources of {@code type} whose Condition (if any) holds. */
    private Map<String, Map<String, Object>> present(String type) {
        Map<String, Map<String, Object>> present = new LinkedHashMap<>();
        template.resources(type).forEach((id, resource) -> {
            Object condition = resource.get("Condition");
            if (condition == null || intrinsics.condition(String.valueOf(condition))) {
                present.put(id, resource);
            }
        });
        return present;
    }

    /** Logical ids named by Ref / Fn::GetAtt / ${...} anywhere in {@code node}. */
    private static void references(Object node, Set<String> into) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String id = logicalIdOf(node);
                if (id != null && (map.containsKey("Ref") || map.containsKey("Fn::GetAtt"))) {
                    into.add(id);
                }
            }
            map.values().forEach(v -> references(v, into));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> references(v, into));
        } else if (node instanceof String s && s.contains("${")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9]+)").matcher(s);
            while (m.find()) {
                into.add(m.group(1));
            }
        }
    }
}
