package dev.prepaid.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and loads API Gateway HTTP API (payload 2.0) events. Files are read with the same serializer
 * the Lambda Java runtime uses, so a fixture that works here works with {@code sam local invoke -e}.
 */
public final class Events {
    private static final PojoSerializer<APIGatewayV2HTTPEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, Events.class.getClassLoader());

    private Events() {
    }

    /** The repository's {@code events/} folder, found from the module's working directory. */
    public static Path eventsDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("events")) && Files.exists(dir.resolve("template.yaml"))) {
                return dir.resolve("events");
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no events/ folder beside template.yaml above " + Path.of("").toAbsolutePath());
    }

    public static APIGatewayV2HTTPEvent load(String fileName) {
        try {
            byte[] bytes = Files.readAllBytes(eventsDir().resolve(fileName));
            return SERIALIZER.fromJson(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static APIGatewayV2HTTPEvent parse(String json) {
        return SERIALIZER.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** A request as API Gateway delivers it after its JWT authorizer accepted a token with these claims. */
    public static Builder request(String method, String path) {
        return new Builder(method, path);
    }

    public static final class Builder {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new HashMap<>();
        private final Map<String, String> query = new HashMap<>();
        private Map<String, String> claims;
        private List<String> scopes;
        private String body;
        private boolean base64;

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
            headers.put("content-type", "application/json");
        }

        public Builder user(String sub) {
            return claims(Map.of("sub", sub, "exp", Long.toString(System.currentTimeMillis() / 1000 + 3600)));
        }

        public Builder service(String sub, String scope) {
            return claims(Map.of("sub", sub, "scope", scope,
                    "exp", Long.toString(System.currentTimeMillis() / 1000 + 3600)));
        }

        public Builder claims(Map<String, String> claims) {
            this.claims = claims;
            return this;
        }

        public Builder scopes(List<String> scopes) {
            this.scopes = scopes;
            return this;
        }

        public Builder header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        public Builder query(String name, String value) {
            query.put(name, value);
            return this;
        }

        public Builder body(String body) {
            this.body = body;
            return this;
        }

        public Builder base64Body(String base64) {
            this.body = base64;
            this.base64 = true;
            return this;
        }

        public APIGatewayV2HTTPEvent build() {
            APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = null;
            if (claims != null) {
                authorizer = APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                .withClaims(claims).withScopes(scopes).build())
                        .build();
            }
            return APIGatewayV2HTTPEvent.builder()
                    .withVersion("2.0")
                    .withRouteKey(method + " " + path)
                    .withRawPath(path)
                    .withRawQueryString("")
                    .withHeaders(headers)
                    .withQueryStringParameters(query.isEmpty() ? null : query)
                    .withBody(body)
                    .withIsBase64Encoded(base64)
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withRequestId("req-" + System.nanoTime())
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                    .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                                    .withSourceIp("127.0.0.1").withUserAgent("prepaid-tests").build())
                            .withAuthorizer(authorizer)
                            .build())
                    .build();
        }
    }
}
