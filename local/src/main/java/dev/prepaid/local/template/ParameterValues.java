package dev.prepaid.local.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks the {@code --parameter Name=Value} pairs against the template's Parameters section the way
 * CloudFormation does at deploy time, so a typo fails at start with the parameter's name instead of as an
 * odd value deep inside a function: the name must be declared; the value must fit the parameter's Type
 * (Number), AllowedValues, AllowedPattern (the whole value), MinLength/MaxLength and MinValue/MaxValue.
 * For list types (CommaDelimitedList, List&lt;...&gt;) AllowedValues and AllowedPattern apply to each item.
 */
public final class ParameterValues {
    private ParameterValues() {
    }

    /** Throws {@link IllegalArgumentException} naming the first parameter that is unknown or out of bounds. */
    public static void check(SamTemplate template, Map<String, String> given) {
        Map<String, Map<String, Object>> declared = template.parameters();
        for (Map.Entry<String, String> entry : given.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> definition = declared.get(name);
            if (definition == null) {
                throw new IllegalArgumentException("--parameter " + name + ": the template declares no parameter "
                        + name + " (it declares: " + String.join(", ", declared.keySet()) + ")");
            }
            String problem = problem(definition, entry.getValue());
            if (problem != null) {
                Object hint = definition.get("ConstraintDescription");
                throw new IllegalArgumentException("--parameter " + name + "=" + entry.getValue() + ": " + name
                        + " " + problem + (hint == null ? "" : " (" + Intrinsics.text(hint) + ")"));
            }
        }
    }

    /** Why {@code value} does not fit {@code definition}, or null when it does. */
    static String problem(Map<String, Object> definition, String value) {
        String type = String.valueOf(definition.getOrDefault("Type", "String"));
        boolean list = type.equals("CommaDelimitedList") || type.startsWith("List<");
        List<String> items = new ArrayList<>();
        if (list) {
            for (String item : value.split(",", -1)) {
                items.add(item.trim());
            }
        } else {
            items.add(value);
        }
        if (type.equals("Number")) {
            BigDecimal number = number(value);
            if (number == null) {
                return "must be a number";
            }
            BigDecimal min = number(definition.get("MinValue"));
            BigDecimal max = number(definition.get("MaxValue"));
            if (min != null && number.compareTo(min) < 0 || max != null && number.compareTo(max) > 0) {
                return "must be between " + bound(min, "-inf") + " and " + bound(max, "inf");
            }
        }
        if (!list) {
            Integer minLength = whole(definition.get("MinLength"));
            Integer maxLength = whole(definition.get("MaxLength"));
            if (minLength != null && value.length() < minLength || maxLength != null && value.length() > maxLength) {
                return "must be " + (minLength == null ? 0 : minLength) + " to "
                        + (maxLength == null ? "any number of" : maxLength.toString()) + " characters long";
            }
        }
        if (definition.get("AllowedValues") instanceof List<?> allowed) {
            List<String> texts = allowed.stream().map(Intrinsics::text).toList();
            for (String item : items) {
                if (!texts.contains(item)) {
                    return "must be one of " + String.join(", ", texts) + (list ? " (each item)" : "");
                }
            }
        }
        Object pattern = definition.get("AllowedPattern");
        if (pattern != null) {
            Pattern compiled;
            try {
                compiled = Pattern.compile(Intrinsics.text(pattern));
            } catch (PatternSyntaxException e) {
                return "has an AllowedPattern this runner cannot read: " + e.getDescription();
            }
            for (String item : items) {
                if (!compiled.matcher(item).matches()) {
                    return "must match " + Intrinsics.text(pattern);
                }
            }
        }
        return null;
    }

    private static String bound(BigDecimal value, String none) {
        return value == null ? none : value.toPlainString();
    }

    private static BigDecimal number(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return new BigDecimal(Intrinsics.text(value).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer whole(Object value) {
        BigDecimal number = number(value);
        return number == null ? null : number.intValue();
    }
}
