package dev.prepaid.bench.launcher;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cold cost of one library at a time, in a fresh JVM on a function's own class path: from main() to the
 * library being ready for its first real use. Explains where a function's cold start goes beyond the
 * reference. Prints the same stamp line as {@link ColdLauncher} ({@code init} = {@code entered}).
 *
 * <ul>
 *   <li>{@code empty}: nothing (the launcher's own cost)</li>
 *   <li>{@code logging}: an SLF4J logger and one line through the functions' log4j configuration (LogConfigurationFactory, Powertools JSON layout)</li>
 *   <li>{@code jackson}: an ObjectMapper reading and writing one small JSON object</li>
 *   <li>{@code dynamodb}: building the SDK DynamoDB client as the functions do (no call)</li>
 *   <li>{@code stripe}: stripe-java's Gson reading a Stripe event (a webhook payload from the file in args[1])</li>
 * </ul>
 */
public final class ProbeLauncher {
    private ProbeLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long entered = System.nanoTime();
        String detail;
        switch (args[0]) {
            case "empty" -> detail = "nothing";
            case "logging" -> {
                org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("dev.prepaid.bench.Probe");
                log.info("probe");
                detail = log.getClass().getName();
            }
            case "jackson" -> {
                com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
                com.fasterxml.jackson.databind.JsonNode node = mapper.readTree("{\"userId\":\"u\",\"amount\":20.5}");
                detail = mapper.writeValueAsString(node);
            }
            case "dynamodb" -> {
                DynamoDbClient client = DynamoDbClient.builder()
                        .httpClient(UrlConnectionHttpClient.create())
                        .region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")))
                        .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                        .endpointOverride(URI.create(System.getenv().getOrDefault("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000")))
                        .build();
                detail = client.serviceName();
            }
            case "stripe" -> {
                String payload = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
                // stripe-java's own Gson instance (Gson is a runtime-only dependency, hence reflection)
                Object gson = com.stripe.net.ApiResource.class.getField("GSON").get(null);
                Object event = gson.getClass().getMethod("fromJson", String.class, Class.class)
                        .invoke(gson, payload, com.stripe.model.Event.class);
                detail = ((com.stripe.model.Event) event).getType();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        long done = System.nanoTime();
        System.out.println("BENCH-COLD entered=" + entered + " init=" + entered + " done=" + done + " probe=" + args[0]
                + " detail=" + detail.length());
        System.out.flush();
        System.exit(0);
    }
}
