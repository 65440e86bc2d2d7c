package dev.prepaid.adapter.out.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.secrets.SecretSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * One Secrets Manager secret whose string is a JSON object of names to values (the provider keys:
 * {@code {"STRIPE_SECRET_KEY": "...", "STRIPE_WEBHOOK_SECRET": "..."}}). Each {@link #read()} is one
 * GetSecretValue of the current version (AWSCURRENT); the client is made on the first read, not before.
 */
public final class SecretsManagerSecretSource implements SecretSource {
    private final Supplier<SecretsManagerClient> clients;
    private final String secretId;
    private SecretsManagerClient client;

    public SecretsManagerSecretSource(Supplier<SecretsManagerClient> clients, String secretId) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.secretId = Objects.requireNonNull(secretId, "secretId");
    }

    /** The request a read sends (the current version of the secret). */
    static GetSecretValueRequest request(String secretId) {
        return GetSecretValueRequest.builder().secretId(secretId).build();
    }

    @Override
    public synchronized Map<String, String> read() {
        if (client == null) {
            client = clients.get();
        }
        return values(client.getSecretValue(request(secretId)));
    }

    /** The response's JSON object as names to values; anything else is refused without showing it. */
    static Map<String, String> values(GetSecretValueResponse response) {
        String text = response.secretString();
        if (text == null) {
            throw new IllegalStateException("the provider secret has no SecretString (a binary secret is not supported)");
        }
        JsonNode secret;
        try {
            secret = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            // not the parser's message: it may quote the secret
            throw new UncheckedIOException(new IOException("the provider secret is not JSON"));
        }
        if (secret == null || !secret.isObject()) {
            throw new IllegalStateException("the provider secret must be a JSON object of variable names to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = secret.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            values.put(field.getKey(), field.getValue().asText());
        }
        return values;
    }

    @Override
    public String toString() {
        return "SecretsManagerSecretSource[" + secretId + "]";
    }
}
