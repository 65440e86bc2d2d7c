package dev.prepaid.bench;

/**
 * AWS on-demand list prices, us-east-1, as known to the author at the time of writing (knowledge up to
 * 2025; written down 2026-11-22). They change: check https://aws.amazon.com/pricing before relying on them.
 * Free tiers are ignored. BENCHMARKS.md carries the same table.
 */
final class Prices {
    static final String AS_OF = "us-east-1 list prices as known to the author (2025 knowledge), recorded 2026-11-22; check before use";

    /** API Gateway HTTP API, per million requests (first 300 million a month; 512 KB metering units). */
    static final double HTTP_API_PER_MILLION = 1.00;
    /** Lambda, per million requests. */
    static final double LAMBDA_REQUESTS_PER_MILLION = 0.20;
    /** Lambda arm64 duration, per GB-second (first 7.5 billion GB-s a month). */
    static final double LAMBDA_ARM64_PER_GB_SECOND = 0.0000133334;
    /** Lambda memory of every function in template.yaml. */
    static final double LAMBDA_GB = 1.0;
    /** DynamoDB on-demand, per million write request units (after the November 2024 price cut). */
    static final double DYNAMODB_PER_MILLION_WRU = 0.625;
    /** DynamoDB on-demand, per million read request units (after the November 2024 price cut). */
    static final double DYNAMODB_PER_MILLION_RRU = 0.125;
    /** SQS standard queue, per million requests (each 64 KB chunk of a payload is one request). */
    static final double SQS_PER_MILLION = 0.40;
    /** CloudWatch Logs ingestion (standard class), per GB. */
    static final double LOGS_PER_GB = 0.50;

    // --- assumptions for Lambda duration on AWS (not measured here: the local engines are on loopback) ---

    /** Handler CPU time per request on a warm 1024 MB arm64 instance, ms (assumed). */
    static final double ASSUMED_HANDLER_MS = 2;
    /** In-region DynamoDB single-item call (GetItem, PutItem, UpdateItem, Query), ms (assumed). */
    static final double ASSUMED_DYNAMODB_ITEM_MS = 5;
    /** In-region DynamoDB TransactWriteItems, ms (assumed). */
    static final double ASSUMED_DYNAMODB_TRANSACTION_MS = 10;
    /** SQS SendMessage, ms (assumed). */
    static final double ASSUMED_SQS_MS = 8;
    /** A Stripe API call from us-east-1, ms (assumed). */
    static final double ASSUMED_STRIPE_MS = 300;
    /** Lambda's START/END/REPORT lines per invocation, bytes (assumed). */
    static final double PLATFORM_LOG_BYTES = 300;
    /**
     * SQS requests Lambda's event source mapping makes per message it delivers (a ReceiveMessage and a
     * DeleteMessageBatch), at batch size 1: an upper bound; at the template's batch size 10 under load it
     * is nearer 0.2, plus the mapping's idle long polls, which cost the same whatever the traffic.
     */
    static final double ESM_SQS_REQUESTS_PER_MESSAGE = 2;

    private Prices() {
    }
}
