package dev.prepaid.local.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@code AWS::SQS::Queue}. Its properties are resolved only when it is created, because its
 * RedrivePolicy names another queue's ARN: {@link #dependsOn} says which queues must exist first.
 *
 * @param properties the template's properties, intrinsics not yet resolved
 * @param dependsOn  the queues of this template its properties refer to (its dead-letter queue)
 */
public record QueueSpec(String logicalId, Map<String, Object> properties, Set<String> dependsOn) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NUMBERS = List.of("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
            "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout");

    public QueueSpec {
        properties = Map.copyOf(properties);
        dependsOn = Set.copyOf(dependsOn);
    }

    /** The queue's local name: its QueueName, else its logical id (with .fifo for a FIFO queue). */
    public static String name(String logicalId, Map<String, Object> resolved) {
        Object name = resolved.get("QueueName");
        if (name != null && !String.valueOf(name).isBlank()) {
            return String.valueOf(name);
        }
        boolean fifo = "true".equalsIgnoreCase(String.valueOf(resolved.get("FifoQueue")));
        return logicalId + (fifo ? ".fifo" : "");
    }

    /**
     * SQS attributes from the resolved properties. The visibility timeout is at most
     * {@code maxVisibilitySeconds}, so a failed message comes back quickly on a laptop.
     */
    public static Map<String, String> attributes(Map<String, Object> resolved, int maxVisibilitySeconds) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String name : NUMBERS) {
            if (resolved.get(name) != null) {
                attributes.put(name, Intrinsics.text(resolved.get(name)));
            }
        }
        int visibility = attributes.containsKey("VisibilityTimeout")
                ? Math.min(Integer.parseInt(attributes.get("VisibilityTimeout")), maxVisibilitySeconds) : maxVisibilitySeconds;
        attributes.put("VisibilityTimeout", Integer.toString(visibility));
        for (String name : List.of("FifoQueue", "ContentBasedDeduplication")) {
            if (resolved.get(name) != null) {
                attributes.put(name, String.valueOf(resolved.get(name)).toLowerCase(java.util.Locale.ROOT));
            }
        }
        Object redrive = resolved.get("RedrivePolicy");
        if (redrive instanceof Map<?, ?> policy) {
            Map<String, String> json = new LinkedHashMap<>();
            json.put("deadLetterTargetArn", Intrinsics.text(policy.get("deadLetterTargetArn")));
            json.put("maxReceiveCount", Intrinsics.text(policy.get("maxReceiveCount")));
            attributes.put("RedrivePolicy", json(json));
        } else if (redrive instanceof String text) {
            attributes.put("RedrivePolicy", text);
        }
        return attributes;
    }

    /** The dead-letter queue's ARN and maxReceiveCount from resolved properties, or null. */
    public static String[] redrive(Map<String, Object> resolved) {
        if (resolved.get("RedrivePolicy") instanceof Map<?, ?> policy) {
            return new String[] {Intrinsics.text(policy.get("deadLetterTargetArn")), Intrinsics.text(policy.get("maxReceiveCount"))};
        }
        return null;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
