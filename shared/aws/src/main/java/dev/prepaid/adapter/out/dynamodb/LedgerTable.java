package dev.prepaid.adapter.out.dynamodb;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The single-table design (docs/data-model.md is the prose version; template.yaml declares the same
 * table). Every key format lives here and nowhere else.
 */
public final class LedgerTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String GSI1 = "gsi1";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    public static final String GSI2 = "gsi2";
    public static final String GSI2_PK = "gsi2pk";
    public static final String GSI2_SK = "gsi2sk";
    public static final String GSI3 = "gsi3";
    public static final String GSI3_PK = "gsi3pk";
    public static final String GSI3_SK = "gsi3sk";
    public static final String GSI4 = "gsi4";
    public static final String GSI4_PK = "gsi4pk";
    public static final String GSI4_SK = "gsi4sk";
    /** TTL attribute (epoch seconds): webhook dedupe records and rate-limit windows expire by themselves. */
    public static final String TTL = "expiresAt";

    static final String BALANCE_SK = "BALANCE";
    static final String ENTRY_SK = "ENTRY";
    static final String COUNTER_SK = "COUNTER";

    /** Fixed-width UTC timestamps so that string order is time order in sort keys. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private LedgerTable() {
    }

    static String userPk(String userId) {
        return "USER#" + userId;
    }

    /** Ledger entries each get their own partition: the hot balance item's partition carries only itself. */
    static String entryPk(String entryId) {
        return "ENTRY#" + entryId;
    }

    static String counterPk(String counterId) {
        return "COUNTER#" + counterId;
    }

    static final String HOLD_SK = "HOLD";

    /** A hold: its own partition, found by id (the capture and release routes know only the id). */
    static String holdPk(String holdId) {
        return "HOLD#" + holdId;
    }

    /** GSI2's partition of one user's active holds (a hold leaves it when it is captured, released or expired). */
    static String holdsPk(String userId) {
        return "USER#" + userId + "#HOLDS";
    }

    /** GSI4 shards for active holds by expiry: reconciliation walks them for holds past their time. */
    public static final int HELD_SHARDS = 16;

    static String heldPk(String holdId) {
        return "HELD#" + Math.floorMod(holdId.hashCode(), HELD_SHARDS);
    }

    static String heldPk(int shard) {
        return "HELD#" + shard;
    }

    static String historyPk(String userId) {
        return "USER#" + userId + "#LEDGER";
    }

    /** GSI2's partition of one user's orders (a user id has no '#', so it never meets a {@link #typePk}). */
    static String ordersPk(String userId) {
        return "USER#" + userId + "#ORDERS";
    }

    static String typePk(String userId, String type) {
        return "USER#" + userId + "#TYPE#" + type;
    }

    /** GSI4 shards for changed balances: 16 partitions per hour keep a busy hour under one partition's limits. */
    public static final int CHANGED_SHARDS = 16;

    /**
     * The GSI4 partition of a balance changed at {@code at}: reconciliation walks these hour buckets to find
     * the users whose balance moved since its last run, without a scan.
     */
    public static String changedPk(Instant at, String userId) {
        return "CHANGED#" + HOUR.format(at) + "#" + Math.floorMod(userId.hashCode(), CHANGED_SHARDS);
    }

    public static String changedPk(String hour, int shard) {
        return "CHANGED#" + hour + "#" + shard;
    }

    /** The GSI4 partition of orders completed on {@code at}'s UTC day (completed orders without an entry). */
    public static String completedPk(Instant at) {
        return "COMPLETED#" + DAY.format(at);
    }

    /**
     * The GSI4 partition of orders closed unpaid (expired or failed) on {@code at}'s UTC day, whoever closed
     * them (webhook, callback or reconciliation): the payment success rate counts them beside the completed ones.
     */
    public static String closedPk(Instant at) {
        return "CLOSED#" + DAY.format(at);
    }

    static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    static String sequenceKey(long sequence) {
        return String.format("%020d", sequence);
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** The table as the code expects it; tests and the local runner create it from here. */
    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(PK), string(SK), string(GSI1_PK), string(GSI1_SK), string(GSI2_PK), string(GSI2_SK),
                        string(GSI3_PK), string(GSI3_SK), string(GSI4_PK), string(GSI4_SK))
                .keySchema(hash(PK), range(SK))
                .globalSecondaryIndexes(
                        gsi(GSI1, GSI1_PK, GSI1_SK), gsi(GSI2, GSI2_PK, GSI2_SK),
                        gsi(GSI3, GSI3_PK, GSI3_SK), gsi(GSI4, GSI4_PK, GSI4_SK))
                .build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
    }

    private static GlobalSecondaryIndex gsi(String name, String pk, String sk) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(List.of(hash(pk), range(sk)))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build();
    }
}
