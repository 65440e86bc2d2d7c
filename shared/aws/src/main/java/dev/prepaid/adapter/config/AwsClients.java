package dev.prepaid.adapter.config;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK clients built once per execution environment. Explicit region, credentials provider and HTTP
 * client keep the SDK from probing for them at cold start. {@code DYNAMODB_ENDPOINT} points a client
 * at DynamoDB Local.
 */
public final class AwsClients {
    private AwsClients() {
    }

    public static DynamoDbClient dynamo(Env env) {
        var builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(env.optional("AWS_REGION", "us-east-1")))
                .credentialsProvider(credentials(env, "DYNAMODB_ENDPOINT"));
        String endpoint = env.optional("DYNAMODB_ENDPOINT", null);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** {@code SQS_ENDPOINT} points the client at ElasticMQ locally. */
    public static SqsClient sqs(Env env) {
        var builder = SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(env.optional("AWS_REGION", "us-east-1")))
                .credentialsProvider(credentials(env, "SQS_ENDPOINT"));
        String endpoint = env.optional("SQS_ENDPOINT", null);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    static AwsCredentialsProvider credentials(Env env, String endpointVariable) {
        if (env.optional(endpointVariable, null) != null && env.optional("AWS_ACCESS_KEY_ID", null) == null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        // Lambda always provides credentials in the environment; skip the default chain's probing.
        return EnvironmentVariableCredentialsProvider.create();
    }
}
