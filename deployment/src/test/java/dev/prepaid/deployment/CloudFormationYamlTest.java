package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;

/** The short-form tags become the long form CloudFormation evaluates. */
class CloudFormationYamlTest {

    private static JsonNode parse(String yaml) {
        return Templates.toJson(yaml);
    }

    private static JsonNode json(String json) throws Exception {
        return Templates.JSON.readTree(json.replace('\'', '"'));
    }

    @Test
    void refAndCondition() throws Exception {
        assertEquals(json("{'a': {'Ref': 'Table'}, 'b': {'Condition': 'IsProd'}}"),
                parse("a: !Ref Table\nb: !Condition IsProd\n"));
    }

    @Test
    void getAttScalarAndSequence() throws Exception {
        assertEquals(json("{'a': {'Fn::GetAtt': ['Table', 'Arn']},"
                        + " 'b': {'Fn::GetAtt': ['Db', 'Endpoint.Address']},"
                        + " 'c': {'Fn::GetAtt': ['Table', 'StreamArn']}}"),
                parse("a: !GetAtt Table.Arn\nb: !GetAtt Db.Endpoint.Address\nc: !GetAtt [Table, StreamArn]\n"));
    }

    @Test
    void subScalarAndSequence() throws Exception {
        assertEquals(json("{'a': {'Fn::Sub': '${T.Arn}/index/*'},"
                        + " 'b': {'Fn::Sub': ['${X}-${Y}', {'X': {'Ref': 'A'}, 'Y': 'y'}]}}"),
                parse("a: !Sub \"${T.Arn}/index/*\"\nb: !Sub\n  - \"${X}-${Y}\"\n  - X: !Ref A\n    Y: y\n"));
    }

    @Test
    void conditionFunctionsNest() throws Exception {
        assertEquals(json("{'IsProd': {'Fn::Equals': [{'Ref': 'Stage'}, 'prod']},"
                        + " 'NotProd': {'Fn::Not': [{'Condition': 'IsProd'}]},"
                        + " 'Both': {'Fn::And': [{'Condition': 'A'}, {'Fn::Or': [{'Condition': 'B'}, {'Condition': 'C'}]}]},"
                        + " 'Value': {'Fn::If': ['IsProd', true, false]}}"),
                parse("IsProd: !Equals [!Ref Stage, prod]\n"
                        + "NotProd: !Not [!Condition IsProd]\n"
                        + "Both: !And [!Condition A, !Or [!Condition B, !Condition C]]\n"
                        + "Value: !If [IsProd, true, false]\n"));
    }

    @Test
    void theRemainingFunctions() throws Exception {
        assertEquals(json("{'join': {'Fn::Join': [',', ['a', {'Ref': 'B'}]]},"
                        + " 'select': {'Fn::Select': [0, {'Fn::GetAZs': ''}]},"
                        + " 'split': {'Fn::Split': [',', {'Fn::ImportValue': 'shared-subnets'}]},"
                        + " 'find': {'Fn::FindInMap': ['Map', {'Ref': 'AWS::Region'}, 'Key']},"
                        + " 'b64': {'Fn::Base64': {'Fn::Sub': 'echo ${X}'}},"
                        + " 'cidr': {'Fn::Cidr': ['10.0.0.0/16', 6, 5]}}"),
                parse("join: !Join [\",\", [a, !Ref B]]\n"
                        + "select: !Select [0, !GetAZs \"\"]\n"
                        + "split: !Split [\",\", !ImportValue shared-subnets]\n"
                        + "find: !FindInMap [Map, !Ref \"AWS::Region\", Key]\n"
                        + "b64: !Base64 { \"Fn::Sub\": \"echo ${X}\" }\n"
                        + "cidr: !Cidr [\"10.0.0.0/16\", 6, 5]\n"));
    }

    @Test
    void unknownTagsAndDuplicateKeysAreErrors() {
        assertThrows(YAMLException.class, () -> parse("a: !Refs Table\n"));
        assertThrows(YAMLException.class, () -> parse("a: 1\na: 2\n"));
        assertThrows(YAMLException.class, () -> parse("a: !GetAtt TableArn\n"));
    }
}
