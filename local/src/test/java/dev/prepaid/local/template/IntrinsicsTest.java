package dev.prepaid.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntrinsicsTest {
    private static final String BASE = "http://127.0.0.1:3999";
    private static final SamTemplate TEMPLATE = SamTemplate.parse(String.join("\n",
            "Parameters:",
            "  Stage: { Type: String, Default: dev }",
            "  Origins: { Type: CommaDelimitedList, Default: 'https://a.example,https://b.example' }",
            "  Size: { Type: Number, Default: 3 }",
            "  NoDefault: { Type: String }",
            "Mappings:",
            "  Levels: { dev: { Log: DEBUG }, prod: { Log: WARN } }",
            "Conditions:",
            "  IsProd: !Equals [!Ref Stage, prod]",
            "  IsDev: !Not [!Condition IsProd]",
            "  Both: !And [!Condition IsDev, !Equals [!Ref Size, 3]]",
            "  Either: !Or [!Condition IsProd, !Equals [a, b]]",
            "Resources:",
            "  Table: { Type: 'AWS::DynamoDB::Table' }",
            "  Api: { Type: 'AWS::Serverless::HttpApi' }",
            "  Secret: { Type: 'AWS::SecretsManager::Secret' }"));

    /** A stand-in for the created resources: the table is "local-table", the API is the base URL. */
    private static final Intrinsics.Resources RESOURCES = new Intrinsics.Resources() {
        @Override
        public Object ref(String logicalId) {
            return switch (logicalId) {
                case "Table" -> "local-table";
                case "Api" -> "local";
                default -> "arn:local:" + logicalId;
            };
        }

        @Override
        public Object getAtt(String logicalId, String attribute) {
            return "arn:aws:dynamodb:us-east-1:000000000000:table/local-table" + (attribute.equals("Arn") ? "" : "#" + attribute);
        }
    };

    private static Intrinsics intrinsics(Map<String, String> overrides) {
        return new Intrinsics(TEMPLATE, overrides, RESOURCES, BASE + "/");
    }

    private static Object yaml(String expression) {
        return CloudFormationYaml.load("v: " + expression) instanceof Map<?, ?> m ? m.get("v") : null;
    }

    private static String eval(String expression) {
        return intrinsics(Map.of()).resolveString(yaml(expression));
    }

    @Test
    void refOfParametersResourcesAndPseudoParameters() {
        assertEquals("dev", eval("!Ref Stage"));
        assertEquals("prod", intrinsics(Map.of("Stage", "prod")).resolveString(yaml("!Ref Stage")));
        assertEquals(List.of("https://a.example", "https://b.example"), intrinsics(Map.of()).resolve(yaml("!Ref Origins")));
        assertEquals("https://a.example,https://b.example", eval("!Ref Origins"));
        assertEquals("3", eval("!Ref Size"));
        assertEquals("local-table", eval("!Ref Table"));
        assertEquals("us-east-1", eval("!Ref AWS::Region"));
        assertEquals("000000000000", eval("!Ref AWS::AccountId"));
        assertEquals("aws", eval("!Ref AWS::Partition"));
        assertEquals("amazonaws.com", eval("!Ref AWS::URLSuffix"));
        assertEquals("prepaid-local", eval("!Ref AWS::StackName"));
        assertThrows(Intrinsics.UnresolvableException.class, () -> eval("!Ref Nothing"));
    }

    @Test
    void aParameterWithoutDefaultOrValueIsEmptyAndNoted() {
        Intrinsics intrinsics = intrinsics(Map.of());
        assertEquals("", intrinsics.resolveString(yaml("!Ref NoDefault")));
        assertEquals(List.of("parameter NoDefault has no default and no local value: using \"\""), intrinsics.warnings());
        assertEquals("given", intrinsics(Map.of("NoDefault", "given")).resolveString(yaml("!Ref NoDefault")));
    }

    @Test
    void getAttAndSub() {
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/local-table", eval("!GetAtt Table.Arn"));
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/local-table/index/*", eval("!Sub '${Table.Arn}/index/*'"));
        assertEquals("prepaid-dev-us-east-1 ${Literal}", eval("!Sub 'prepaid-${Stage}-${AWS::Region} ${!Literal}'"));
        assertEquals("x-local-table-5", eval("!Sub ['x-${Name}-${N}', {Name: !Ref Table, N: 5}]"));
        assertEquals("arn:local:Secret", eval("!Ref Secret"));
    }

    @Test
    void theApisUrlIsTheLocalBaseUrl() {
        assertEquals(BASE + "/api/payment/callback",
                eval("!Sub 'https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/payment/callback'"));
        assertEquals(BASE + "/", eval("!Sub 'https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/'"));
        assertEquals(BASE, eval("!GetAtt Api.ApiEndpoint"));
        assertEquals(BASE + "/x", eval("!Sub '${Api.ApiEndpoint}/x'"));
        // Only an API of the template: anything else is substituted as usual.
        assertEquals("https://local-table.execute-api.us-east-1.amazonaws.com/",
                eval("!Sub 'https://${Table}.execute-api.${AWS::Region}.${AWS::URLSuffix}/'"));
    }

    @Test
    void conditionsAndIf() {
        Intrinsics dev = intrinsics(Map.of());
        Intrinsics prod = intrinsics(Map.of("Stage", "prod"));
        assertFalse(dev.condition("IsProd"));
        assertTrue(dev.condition("IsDev"));
        assertTrue(dev.condition("Both"));
        assertFalse(dev.condition("Either"));
        assertTrue(prod.condition("Either"));
        assertEquals("relaxed", dev.resolveString(yaml("!If [IsProd, strict, relaxed]")));
        assertEquals("strict", prod.resolveString(yaml("!If [IsProd, strict, relaxed]")));
        assertEquals(Boolean.TRUE, dev.resolve(yaml("!Equals [!Ref Stage, dev]")));
        assertThrows(Intrinsics.UnresolvableException.class, () -> dev.condition("Missing"));
    }

    @Test
    void noValueRemovesTheProperty() {
        Object resolved = intrinsics(Map.of()).resolve(CloudFormationYaml.load(String.join("\n",
                "A: 1",
                "B: !If [IsProd, 2, !Ref AWS::NoValue]",
                "C: [x, !If [IsProd, y, !Ref AWS::NoValue]]")));
        assertEquals(Map.of("A", 1, "C", List.of("x")), resolved);
        assertNull(intrinsics(Map.of()).resolveString(yaml("!Ref AWS::NoValue")));
        assertSame(Intrinsics.NO_VALUE, intrinsics(Map.of()).resolve(yaml("!Ref AWS::NoValue")));
    }

    @Test
    void listFunctionsMappingsAndEncodings() {
        assertEquals("https://a.example;https://b.example", eval("!Join [';', !Ref Origins]"));
        assertEquals("https://b.example", eval("!Select [1, !Ref Origins]"));
        assertEquals(List.of("a", "b", ""), intrinsics(Map.of()).resolve(yaml("!Split [',', 'a,b,']")));
        assertEquals("DEBUG", eval("!FindInMap [Levels, !Ref Stage, Log]"));
        assertEquals("WARN", intrinsics(Map.of("Stage", "prod")).resolveString(yaml("!FindInMap [Levels, !Ref Stage, Log]")));
        assertEquals("aGk=", eval("!Base64 hi"));
        assertEquals("us-east-1b", eval("!Select [1, !GetAZs '']"));
    }

    @Test
    void whatHasNoLocalMeaningFails() {
        assertThrows(Intrinsics.UnresolvableException.class, () -> eval("!ImportValue shared-vpc"));
        assertThrows(Intrinsics.UnresolvableException.class, () -> eval("!Cidr [10.0.0.0/16, 2, 8]"));
        assertThrows(Intrinsics.UnresolvableException.class, () -> eval("!FindInMap [Levels, test, Log]"));
        assertThrows(Intrinsics.UnresolvableException.class, () -> eval("!Select [5, !Ref Origins]"));
    }
}
