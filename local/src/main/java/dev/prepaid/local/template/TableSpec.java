package dev.prepaid.local.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;

/**
 * An {@code AWS::DynamoDB::Table} (properties resolved) and the CreateTable request that makes the same
 * table locally: attribute definitions, key schema, global and local secondary indexes, billing mode.
 *
 * @param name the table's local name: its TableName, else its logical id
 */
public record TableSpec(String logicalId, String name, Map<String, Object> properties) {

    public CreateTableRequest createTableRequest() {
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(attributeDefinitions())
                .keySchema(keySchema(properties.get("KeySchema")));
        boolean provisioned = "PROVISIONED".equals(properties.get("BillingMode"))
                || properties.get("BillingMode") == null && properties.get("ProvisionedThroughput") != null;
        if (provisioned) {
            request.billingMode(BillingMode.PROVISIONED).provisionedThroughput(throughput(properties.get("ProvisionedThroughput")));
        } else {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        }
        List<GlobalSecondaryIndex> globals = globalSecondaryIndexes();
        if (!globals.isEmpty()) {
            request.globalSecondaryIndexes(globals);
        }
        List<LocalSecondaryIndex> locals = new ArrayList<>();
        for (Map<String, Object> index : maps(properties.get("LocalSecondaryIndexes"))) {
            locals.add(LocalSecondaryIndex.builder()
                    .indexName(String.valueOf(index.get("IndexName")))
                    .keySchema(keySchema(index.get("KeySchema")))
                    .projection(projection(index.get("Projection")))
                    .build());
        }
        if (!locals.isEmpty()) {
            request.localSecondaryIndexes(locals);
        }
        return request.build();
    }

    public List<AttributeDefinition> attributeDefinitions() {
        List<AttributeDefinition> definitions = new ArrayList<>();
        for (Map<String, Object> definition : maps(properties.get("AttributeDefinitions"))) {
            definitions.add(AttributeDefinition.builder()
                    .attributeName(String.valueOf(definition.get("AttributeName")))
                    .attributeType(String.valueOf(definition.get("AttributeType")))
                    .build());
        }
        return definitions;
    }

    public List<GlobalSecondaryIndex> globalSecondaryIndexes() {
        boolean provisioned = "PROVISIONED".equals(properties.get("BillingMode"));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (Map<String, Object> index : maps(properties.get("GlobalSecondaryIndexes"))) {
            GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                    .indexName(String.valueOf(index.get("IndexName")))
                    .keySchema(keySchema(index.get("KeySchema")))
                    .projection(projection(index.get("Projection")));
            if (provisioned || index.get("ProvisionedThroughput") != null) {
                gsi.provisionedThroughput(throughput(index.get("ProvisionedThroughput")));
            }
            indexes.add(gsi.build());
        }
        return indexes;
    }

    /** The TTL attribute when TimeToLiveSpecification is enabled, else null. */
    public String timeToLiveAttribute() {
        Object enabled = SamTemplate.path(properties, "TimeToLiveSpecification", "Enabled");
        Object attribute = SamTemplate.path(properties, "TimeToLiveSpecification", "AttributeName");
        return attribute != null && "true".equalsIgnoreCase(String.valueOf(enabled)) ? String.valueOf(attribute) : null;
    }

    static List<KeySchemaElement> keySchema(Object value) {
        List<KeySchemaElement> keys = new ArrayList<>();
        for (Map<String, Object> key : maps(value)) {
            keys.add(KeySchemaElement.builder()
                    .attributeName(String.valueOf(key.get("AttributeName")))
                    .keyType(String.valueOf(key.get("KeyType")))
                    .build());
        }
        return keys;
    }

    static Projection projection(Object value) {
        Map<String, Object> projection = SamTemplate.mapOf(value);
        Projection.Builder builder = Projection.builder()
                .projectionType(String.valueOf(projection.getOrDefault("ProjectionType", "ALL")));
        if (projection.get("NonKeyAttributes") instanceof List<?> attributes) {
            builder.nonKeyAttributes(attributes.stream().map(String::valueOf).toList());
        }
        return builder.build();
    }

    static ProvisionedThroughput throughput(Object value) {
        Map<String, Object> throughput = SamTemplate.mapOf(value);
        return ProvisionedThroughput.builder()
                .readCapacityUnits(Long.parseLong(Intrinsics.text(throughput.getOrDefault("ReadCapacityUnits", 5))))
                .writeCapacityUnits(Long.parseLong(Intrinsics.text(throughput.getOrDefault("WriteCapacityUnits", 5))))
                .build();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object value) {
        List<Map<String, Object>> result = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map) {
                    result.add((Map<String, Object>) item);
                }
            }
        }
        return result;
    }
}
