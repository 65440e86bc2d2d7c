package dev.prepaid.bench.launcher;

import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The cold-start reference: the least a Java function on DynamoDB can do. Builds one SDK DynamoDB client
 * (url-connection-client, explicit region and environment credentials, as {@code AwsClients} does) and
 * makes one {@code TransactWriteItems} of a balance update and an entry put. No Lambda types, no logging
 * framework, no JSON: its class path is only the SDK's jars, taken from the deduct-credits zip. Prints
 * the same stamp line as {@link ColdLauncher}.
 */
public final class ReferenceLauncher {
    private ReferenceLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long entered = System.nanoTime();
        Properties request = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            request.load(reader);
        }
        Map<String, String> env = System.getenv();
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .endpointOverride(URI.create(env.get("DYNAMODB_ENDPOINT")))
                .build();
        long init = System.nanoTime();
        String table = env.get("TABLE_NAME");
        String user = request.getProperty("user");
        String now = Instant.now().toString();
        dynamo.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(Map.of("pk", s("USER#" + user), "sk", s("BALANCE")))
                        .updateExpression("SET #balance = :after, #seq = :next, updatedAt = :now")
                        .conditionExpression("attribute_not_exists(pk)")
                        .expressionAttributeNames(Map.of("#balance", "balance", "#seq", "seq"))
                        .expressionAttributeValues(Map.of(":after", n(100), ":next", n(1), ":now", s(now)))
                        .build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(Map.of("pk", s("ENTRY#reference#" + user), "sk", s("ENTRY"), "userId", s(user),
                                "amount", n(100), "balanceAfter", n(100), "seq", n(1), "createdAt", s(now)))
                        .conditionExpression("attribute_not_exists(pk)")
                        .build()).build()));
        long done = System.nanoTime();
        System.out.println("BENCH-COLD entered=" + entered + " init=" + init + " done=" + done + " status=200");
        System.out.flush();
        System.exit(0);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
