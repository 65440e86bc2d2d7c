package dev.prepaid.adapter.in.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object request body, read strictly: the right content type, at most 64 KiB, valid UTF-8 JSON,
 * an object, no unknown fields, and every field of the type it must be. Each refusal is a 4xx naming
 * the field, so the caller can fix the request without guessing.
 */
public final class JsonBody {
    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    public static JsonBody parse(HttpRequest request, Set<String> allowedFields) {
        String contentType = request.header("content-type");
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        byte[] bytes = request.body();
        if (bytes.length > HttpRequest.MAX_BODY_BYTES) {
            throw new ApiException(413, "payload_too_large", "the body is larger than 64 KiB");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("invalid_json", "a JSON object body is required");
        }
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid_json", "the body is not valid JSON");
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the body could not be read");
        }
        if (parsed == null || !parsed.isObject()) {
            throw ApiException.badRequest("invalid_json", "the body must be a JSON object");
        }
        for (Iterator<String> names = parsed.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw ApiException.badRequest("unknown_field", "unknown field: " + printable(name));
            }
        }
        return new JsonBody((ObjectNode) parsed);
    }

    public boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    public String requiredString(String field) {
        String value = optionalString(field);
        if (value == null) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " is required");
        }
        return value;
    }

    /** A required array of strings ({@code invalid_<field>} otherwise), in order, at most {@code max} of them. */
    public java.util.List<String> requiredStringArray(String field, int max) {
        JsonNode value = node.get(field);
        String code = "invalid_" + snake(field);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest(code, field + " is required");
        }
        if (!value.isArray() || value.isEmpty() || value.size() > max) {
            throw ApiException.badRequest(code, field + " must be an array of 1 to " + max + " strings");
        }
        java.util.List<String> items = new java.util.ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw ApiException.badRequest(code, field + " must hold strings only");
            }
            items.add(item.textValue());
        }
        return items;
    }

    public String optionalString(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " must be a string");
        }
        return value.textValue();
    }

    public BigDecimal requiredNumber(String field) {
        BigDecimal value = optionalNumber(field);
        if (value == null) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " is required");
        }
        return value;
    }

    public BigDecimal optionalNumber(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " must be a number");
        }
        return value.decimalValue();
    }

    public Boolean optionalBoolean(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " must be true or false");
        }
        return value.booleanValue();
    }

    /** An object of string values (entry metadata). */
    public Map<String, String> optionalStringMap(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " must be an object of strings");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw ApiException.badRequest("invalid_" + snake(field), field + " values must be strings");
            }
            result.put(e.getKey(), e.getValue().textValue());
        }
        return result;
    }

    /** An object of string or number values (operation params); numbers stay exact decimals. */
    public Map<String, Object> optionalScalarMap(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " must be an object");
        }
        if (value.size() > 20) {
            throw ApiException.badRequest("invalid_" + snake(field), field + " has more than 20 entries");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                result.put(e.getKey(), v.textValue());
            } else if (v.isNumber()) {
                result.put(e.getKey(), v.decimalValue());
            } else {
                throw ApiException.badRequest("invalid_" + snake(field),
                        field + "." + printable(e.getKey()) + " must be a string or a number");
            }
        }
        return result;
    }

    private static String snake(String field) {
        return field.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Echo at most 64 printable characters of caller-supplied text in an error message. */
    public static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 64; i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return sb.toString();
    }
}
