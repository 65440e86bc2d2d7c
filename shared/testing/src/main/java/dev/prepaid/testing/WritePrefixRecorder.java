package dev.prepaid.testing;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Records, per function ({@link FunctionScope}), the partition-key prefix of every item a DynamoDB write names,
 * under the IAM action that authorises it: {@code PutItem}, {@code UpdateItem}, {@code DeleteItem}, and for each
 * part of a {@code TransactWriteItems} (authorised per item) the same or {@code ConditionCheckItem}. A prefix is the
 * key up to and including its first '#' ({@code USER#}, {@code RECON#}): what {@code dynamodb:LeadingKeys} patterns
 * in template.yaml name. Registered on every SDK client of a test JVM through the SDK's global interceptor file
 * ({@code software/amazon/awssdk/global/handlers/execution.interceptors}), so the functions' own clients, built from
 * their environment as in Lambda, are observed without a hook in production code. Calls outside a function scope
 * (the tests' own set-up and assertions) are not recorded.
 */
public final class WritePrefixRecorder implements ExecutionInterceptor {
    /** function -> IAM action -> partition-key prefixes. */
    private static final Map<String, Map<String, Set<String>>> WRITES = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String function = FunctionScope.current();
        if (function == null) {
            return;
        }
        SdkRequest request = context.request();
        if (request instanceof PutItemRequest put) {
            record(function, "PutItem", put.item());
        } else if (request instanceof UpdateItemRequest update) {
            record(function, "UpdateItem", update.key());
        } else if (request instanceof DeleteItemRequest delete) {
            record(function, "DeleteItem", delete.key());
        } else if (request instanceof TransactWriteItemsRequest transaction) {
            for (TransactWriteItem item : transaction.transactItems()) {
                if (item.put() != null) {
                    record(function, "PutItem", item.put().item());
                } else if (item.update() != null) {
                    record(function, "UpdateItem", item.update().key());
                } else if (item.delete() != null) {
                    record(function, "DeleteItem", item.delete().key());
                } else if (item.conditionCheck() != null) {
                    record(function, "ConditionCheckItem", item.conditionCheck().key());
                }
            }
        } else if (request instanceof BatchWriteItemRequest batch) {
            batch.requestItems().values().forEach(writes -> writes.forEach(write -> {
                if (write.putRequest() != null) {
                    record(function, "PutItem", write.putRequest().item());
                } else if (write.deleteRequest() != null) {
                    record(function, "DeleteItem", write.deleteRequest().key());
                }
            }));
        }
    }

    private static void record(String function, String action, Map<String, AttributeValue> key) {
        AttributeValue pk = key == null ? null : key.get("pk");
        String value = pk == null || pk.s() == null ? "<no pk>" : pk.s();
        int hash = value.indexOf('#');
        String prefix = hash < 0 ? value : value.substring(0, hash + 1);
        WRITES.computeIfAbsent(function, f -> new ConcurrentHashMap<>())
                .computeIfAbsent(action, a -> ConcurrentHashMap.newKeySet()).add(prefix);
    }

    /** What was recorded so far: function -> action -> prefixes, sorted. */
    public static Map<String, Map<String, Set<String>>> writes() {
        Map<String, Map<String, Set<String>>> copy = new TreeMap<>();
        WRITES.forEach((function, actions) -> {
            Map<String, Set<String>> byAction = new TreeMap<>();
            actions.forEach((action, prefixes) -> byAction.put(action, new TreeSet<>(prefixes)));
            copy.put(function, byAction);
        });
        return Collections.unmodifiableMap(copy);
    }
}
