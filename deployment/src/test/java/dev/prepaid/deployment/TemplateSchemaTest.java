package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml against the official SAM schema (JSON Schema draft-04, the one samtranslator publishes),
 * kept in the test resources (src/test/resources/sam/sam.schema.json, Apache-2.0, see the NOTICE.md there). The negative cases prove the check
 * can fail: the schema is loose in places (most CloudFormation-level values such as Runtime are
 * "pass-through", anything goes), but strict about which properties exist.
 */
class TemplateSchemaTest {
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        JsonNode schemaNode = Templates.samSchema();
        assertEquals("http://json-schema.org/draft-04/schema#", schemaNode.path("$schema").asText(),
                "expected the draft-04 SAM schema at " + Templates.SCHEMA);
        // The SAM schema annotates with two keywords of its own; declared here, they are ignored quietly
        // instead of being logged as unknown on every use.
        JsonMetaSchema draft4 = JsonMetaSchema.builder(JsonMetaSchema.getV4())
                .keyword(new NonValidationKeyword("__samPassThrough"))
                .keyword(new NonValidationKeyword("markdownDescription"))
                .build();
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, factory -> factory.metaSchema(draft4))
                .getSchema(schemaNode, SchemaValidatorsConfig.builder().build());
    }

    @Test
    void templateMatchesTheSamSchema() {
        ObjectNode template = Templates.template();
        assertTrue(template.path("Resources").size() > 0, "template.yaml has no resources");

        Set<ValidationMessage> messages = schema.validate(template);

        assertTrue(messages.isEmpty(), () -> "template.yaml breaks the SAM schema:\n" + describe(messages));
    }

    @Test
    void anUnknownFunctionPropertyIsReported() {
        ObjectNode broken = Templates.template();
        ((ObjectNode) broken.path("Resources").path("DeductCreditsFunction").path("Properties"))
                .put("NotAFunctionProperty", "x");

        Set<ValidationMessage> messages = schema.validate(broken);

        assertFalse(messages.isEmpty(), "an unknown Function property passed the schema");
        assertTrue(messages.stream().anyMatch(m -> m.getMessage().contains("'NotAFunctionProperty'")
                && m.getSchemaLocation().toString().contains("aws_serverless_function__Properties")),
                () -> describe(messages));
    }

    @Test
    void aMisspelledEventPropertyInTheYamlTextIsReported() {
        String text = Templates.templateText();
        String path = "Path: /api/credits/deduct";
        assertTrue(text.contains(path), "the template no longer has the line this test breaks: " + path);
        ObjectNode broken = Templates.toJson(text.replace(path, "Route: /api/credits/deduct"));

        Set<ValidationMessage> messages = schema.validate(broken);

        assertFalse(messages.isEmpty(), "an HttpApi event with an unknown property passed the schema");
        assertTrue(messages.stream().anyMatch(m -> m.getMessage().contains("'Route'")
                && m.getSchemaLocation().toString().contains("HttpApiEventProperties")),
                () -> describe(messages));
    }

    @Test
    void aMisspelledSqsEventPropertyIsReported() {
        ObjectNode broken = Templates.template();
        JsonNode events = broken.path("Resources").path("FulfilmentFunction").path("Properties").path("Events");
        assertTrue(events.path("FulfilmentQueue").path("Properties").has("FunctionResponseTypes"),
                "the template no longer has the SQS event this test breaks");
        ObjectNode sqs = (ObjectNode) events.path("FulfilmentQueue").path("Properties");
        sqs.set("FunctionResponseType", sqs.remove("FunctionResponseTypes"));

        Set<ValidationMessage> messages = schema.validate(broken);

        assertFalse(messages.isEmpty(), "an SQS event with an unknown property passed the schema");
        assertTrue(messages.stream().anyMatch(m -> m.getMessage().contains("'FunctionResponseType'")
                && m.getSchemaLocation().toString().contains("SQSEventProperties")), () -> describe(messages));
    }

    @Test
    void aMisspelledServerlessResourceTypeIsReported() {
        ObjectNode broken = Templates.template();
        ((ObjectNode) broken.path("Resources").path("CreditsQueryFunction"))
                .put("Type", "AWS::Serverless::Functon");

        Set<ValidationMessage> messages = schema.validate(broken);

        assertFalse(messages.isEmpty(), "an unknown AWS::Serverless:: type passed the schema");
    }

    @Test
    void anUnknownGlobalsSectionIsReported() {
        ObjectNode broken = Templates.template();
        ((ObjectNode) broken.path("Globals")).putObject("Functions").put("Timeout", 10);

        Set<ValidationMessage> messages = schema.validate(broken);

        assertFalse(messages.isEmpty(), "Globals.Functions (not Function) passed the schema");
    }

    private static String describe(Set<ValidationMessage> messages) {
        List<String> lines = messages.stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> String.valueOf(m.getInstanceLocation()))
                        .thenComparing(ValidationMessage::getMessage))
                .map(m -> "  " + m.getMessage() + "   [schema " + m.getSchemaLocation() + "]")
                .toList();
        return messages.size() + " message(s):\n" + lines.stream().collect(Collectors.joining("\n"));
    }
}
