package dev.prepaid.local.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions locally: {@code Ref}, {@code Fn::Sub}, {@code Fn::GetAtt},
 * {@code Fn::If} with the template's conditions ({@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And},
 * {@code Fn::Or}, {@code Condition}), {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split},
 * {@code Fn::FindInMap}, {@code Fn::Base64}, {@code Fn::GetAZs}, and the pseudo parameters. What a resource
 * is locally (a table's name, a queue's URL, an ARN) comes from {@link Resources}; a parameter is its
 * override, else its default. {@code Fn::ImportValue} and {@code Fn::Cidr} have no local meaning and fail.
 *
 * <p>The API's own URL ({@code https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}} in a
 * {@code Fn::Sub}, or {@code Fn::GetAtt HttpApi.ApiEndpoint}) is the local base URL.
 */
public final class Intrinsics {
    /** {@code AWS::NoValue}: the property is removed. */
    public static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    /** The local meaning of the template's resources. */
    public interface Resources {
        /** {@code Ref} of a resource of the template. */
        Object ref(String logicalId);

        /** {@code Fn::GetAtt [logicalId, attribute]}. */
        Object getAtt(String logicalId, String attribute);
    }

    /** A value the local stack cannot produce. */
    public static final class UnresolvableException extends RuntimeException {
        public UnresolvableException(String message) {
            super(message);
        }
    }

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    private static final Set<String> INTRINSICS = Set.of("Ref", "Condition", "Fn::Sub", "Fn::GetAtt", "Fn::If",
            "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::FindInMap",
            "Fn::ImportValue", "Fn::Base64", "Fn::Cidr", "Fn::GetAZs");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final SamTemplate template;
    private final Map<String, String> parameterOverrides;
    private final Resources resources;
    private final String apiBaseUrl;
    private final Map<String, Boolean> conditions = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();

    /**
     * @param parameterOverrides parameter values to use instead of the defaults
     * @param apiBaseUrl         the local URL of the template's API, without a trailing slash
     */
    public Intrinsics(SamTemplate template, Map<String, String> parameterOverrides, Resources resources, String apiBaseUrl) {
        this.template = Objects.requireNonNull(template, "template");
        this.parameterOverrides = Map.copyOf(parameterOverrides);
        this.resources = Objects.requireNonNull(resources, "resources");
        this.apiBaseUrl = stripSlash(Objects.requireNonNull(apiBaseUrl, "apiBaseUrl"));
    }

    /** Parameters that had neither an override nor a default (they resolved to ""). */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    public String apiBaseUrl() {
        return apiBaseUrl;
    }

    /** Resolves every intrinsic inside {@code value}; {@link #NO_VALUE} entries are dropped from maps and lists. */
    public Object resolve(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Object key = map.keySet().iterator().next();
                if (key instanceof String name && INTRINSICS.contains(name)) {
                    return function(name, map.get(key));
                }
            }
            Map<String, Object> resolved = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object v = resolve(e.getValue());
                if (v != NO_VALUE) {
                    resolved.put(String.valueOf(e.getKey()), v);
                }
            }
            return resolved;
        }
        if (value instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            for (Object item : list) {
                Object v = resolve(item);
                if (v != NO_VALUE) {
                    resolved.add(v);
                }
            }
            return resolved;
        }
        return value;
    }

    /**
     * As a string, the way an environment variable or a property receives it: a list is joined with commas
     * (a CommaDelimitedList parameter), null is "". Null when the value is {@link #NO_VALUE}.
     */
    public String resolveString(Object value) {
        return text(resolve(value));
    }

    static String text(Object value) {
        if (value == NO_VALUE) {
            return null;
        }
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(item -> parts.add(text(item)));
            return String.join(",", parts);
        }
        if (value instanceof Map) {
            throw new UnresolvableException("expected a scalar, got a mapping: " + value);
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return value.toString();
    }

    /** The template's condition {@code name}. */
    public synchronized boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known != null) {
            return known;
        }
        Object definition = template.conditions().get(name);
        if (definition == null) {
            throw new UnresolvableException("unknown condition " + name);
        }
        conditions.put(name, false); // a cycle evaluates to false instead of overflowing the stack
        boolean value = bool(resolve(definition), "condition " + name);
        conditions.put(name, value);
        return value;
    }

    /** The parameter's local value: its override, else its default; a list for list types. */
    public Object parameter(String name) {
        Map<String, Object> definition = template.parameters().get(name);
        if (definition == null) {
            throw new UnresolvableException("unknown parameter " + name);
        }
        String value = parameterOverrides.get(name);
        if (value == null) {
            Object fallback = definition.get("Default");
            if (fallback == null) {
                synchronized (this) {
                    String warning = "parameter " + name + " has no default and no local value: using \"\"";
                    if (!warnings.contains(warning)) {
                        warnings.add(warning);
                    }
                }
                value = "";
            } else {
                value = text(fallback);
            }
        }
        String type = String.valueOf(definition.getOrDefault("Type", "String"));
        if (type.equals("CommaDelimitedList") || type.startsWith("List<")) {
            List<String> items = new ArrayList<>();
            if (!value.isEmpty()) {
                for (String item : value.split(",", -1)) {
                    items.add(item.trim());
                }
            }
            return items;
        }
        return value;
    }

    private Object function(String name, Object argument) {
        switch (name) {
            case "Ref":
                return ref(text(resolve(argument)));
            case "Condition":
                return condition(text(resolve(argument)));
            case "Fn::GetAtt": {
                List<?> args;
                if (argument instanceof String s) {
                    int dot = s.indexOf('.');
                    if (dot <= 0) {
                        throw new UnresolvableException("Fn::GetAtt needs Resource.Attribute, got " + s);
                    }
                    args = List.of(s.substring(0, dot), s.substring(dot + 1));
                } else {
                    args = list(argument, 2, name);
                }
                return getAtt(text(resolve(args.get(0))), text(resolve(args.get(1))));
            }
            case "Fn::Sub":
                return sub(argument);
            case "Fn::If": {
                List<?> args = list(argument, 3, name);
                return condition(text(args.get(0))) ? resolve(args.get(1)) : resolve(args.get(2));
            }
            case "Fn::Equals": {
                List<?> args = list(argument, 2, name);
                return Objects.equals(text(resolve(args.get(0))), text(resolve(args.get(1))));
            }
            case "Fn::Not": {
                List<?> args = list(argument, 1, name);
                return !bool(resolve(args.get(0)), name);
            }
            case "Fn::And":
            case "Fn::Or": {
                List<?> args = list(argument, -1, name);
                boolean and = name.equals("Fn::And");
                boolean result = and;
                for (Object arg : args) {
                    boolean b = bool(resolve(arg), name);
                    result = and ? result && b : result || b;
                }
                return result;
            }
            case "Fn::Join": {
                List<?> args = list(argument, 2, name);
                Object items = resolve(args.get(1));
                if (!(items instanceof List<?> parts)) {
                    throw new UnresolvableException("Fn::Join needs a list, got " + items);
                }
                List<String> texts = new ArrayList<>();
                parts.forEach(part -> texts.add(text(part)));
                return String.join(text(resolve(args.get(0))), texts);
            }
            case "Fn::Select": {
                List<?> args = list(argument, 2, name);
                int index = Integer.parseInt(text(resolve(args.get(0))).trim());
                Object items = resolve(args.get(1));
                if (!(items instanceof List<?> choices) || index < 0 || index >= choices.size()) {
                    throw new UnresolvableException("Fn::Select index " + index + " out of " + items);
                }
                return choices.get(index);
            }
            case "Fn::Split": {
                List<?> args = list(argument, 2, name);
                String delimiter = text(resolve(args.get(0)));
                String source = text(resolve(args.get(1)));
                return new ArrayList<>(List.of(source.split(Pattern.quote(delimiter), -1)));
            }
            case "Fn::FindInMap": {
                List<?> args = list(argument, -1, name);
                if (args.size() < 3) {
                    throw new UnresolvableException("Fn::FindInMap needs [map, key, key]");
                }
                String map = text(resolve(args.get(0)));
                String top = text(resolve(args.get(1)));
                String second = text(resolve(args.get(2)));
                Object found = SamTemplate.path(template.mappings(), map, top, second);
                if (found == null) {
                    if (args.size() > 3 && args.get(3) instanceof Map<?, ?> options && options.containsKey("DefaultValue")) {
                        return resolve(options.get("DefaultValue"));
                    }
                    throw new UnresolvableException("Fn::FindInMap: no " + map + "." + top + "." + second);
                }
                return resolve(found);
            }
            case "Fn::Base64":
                return Base64.getEncoder().encodeToString(text(resolve(argument)).getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs":
                return new ArrayList<>(List.of(REGION + "a", REGION + "b", REGION + "c"));
            case "Fn::ImportValue":
            case "Fn::Cidr":
            default:
                throw new UnresolvableException(name + " has no local value");
        }
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::StackName":
                return "prepaid-local";
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/prepaid-local/local";
            case "AWS::NotificationARNs":
                return new ArrayList<>();
            case "AWS::NoValue":
                return NO_VALUE;
            default:
                break;
        }
        if (template.parameters().containsKey(name)) {
            return parameter(name);
        }
        if (template.resources().containsKey(name) || template.isImplicitApi(name)) {
            return resources.ref(name);
        }
        throw new UnresolvableException("Ref to unknown " + name);
    }

    private Object getAtt(String logicalId, String attribute) {
        if (template.isApi(logicalId) && attribute.equals("ApiEndpoint")) {
            return apiBaseUrl;
        }
        if (!template.resources().containsKey(logicalId) && !template.isImplicitApi(logicalId)) {
            throw new UnresolvableException("Fn::GetAtt of unknown " + logicalId);
        }
        return resources.getAtt(logicalId, attribute);
    }

    private String sub(Object argument) {
        String text;
        Map<String, Object> variables = new HashMap<>();
        if (argument instanceof String s) {
            text = s;
        } else {
            List<?> args = list(argument, 2, "Fn::Sub");
            text = text(resolve(args.get(0)));
            if (!(args.get(1) instanceof Map<?, ?> vars)) {
                throw new UnresolvableException("Fn::Sub variables must be a mapping");
            }
            vars.forEach((k, v) -> variables.put(String.valueOf(k), v));
        }
        text = localApiUrls(text);
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1).trim();
            String replacement;
            if (variable.startsWith("!")) {
                replacement = "${" + variable.substring(1) + "}";
            } else if (variables.containsKey(variable)) {
                replacement = text(resolve(variables.get(variable)));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                int dot = variable.indexOf('.');
                replacement = text(getAtt(variable.substring(0, dot), variable.substring(dot + 1)));
            } else {
                replacement = text(ref(variable));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? "" : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code https://${Api}.execute-api.<anything>} (an API of this template) is the local base URL. */
    private String localApiUrls(String text) {
        Matcher m = Pattern.compile("https?://\\$\\{([A-Za-z0-9]+)}\\.execute-api\\.[^/\\s\"']*").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = template.isApi(m.group(1)) ? apiBaseUrl : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<?> list(Object argument, int size, String function) {
        if (!(argument instanceof List<?> list) || size >= 0 && list.size() != size) {
            throw new UnresolvableException(function + " needs a list" + (size >= 0 ? " of " + size : "") + ", got " + argument);
        }
        return list;
    }

    private static boolean bool(Object value, String what) {
        if (value instanceof Boolean b) {
            return b;
        }
        if ("true".equalsIgnoreCase(String.valueOf(value)) || "false".equalsIgnoreCase(String.valueOf(value))) {
            return Boolean.parseBoolean(String.valueOf(value));
        }
        throw new UnresolvableException(what + " is not a boolean: " + value);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
