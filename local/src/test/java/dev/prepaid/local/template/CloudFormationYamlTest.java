package dev.prepaid.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;

class CloudFormationYamlTest {

    @Test
    void everyShortFormTagBecomesItsLongForm() {
        String yaml = String.join("\n",
                "a: !Ref X",
                "b: !Sub '${X}-y'",
                "c: !GetAtt Res.Attr.Deep",
                "d: !GetAtt [Res, Arn]",
                "e: !If [C, 1, 2]",
                "f: !Equals [a, b]",
                "g: !Join [',', [a, b]]",
                "h: !Select [0, !GetAZs '']",
                "i: !Split [',', 'a,b']",
                "j: !FindInMap [M, k1, k2]",
                "k: !ImportValue other-stack-output",
                "l: !Base64 text",
                "m: !Cidr [10.0.0.0/16, 2, 8]",
                "n: !Not [!Condition C]",
                "o: !And [!Condition C, !Condition D]",
                "p: !Or [!Condition C, !Condition D]",
                "q: !Condition C");
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) CloudFormationYaml.load(yaml);
        assertEquals(Map.of("Ref", "X"), doc.get("a"));
        assertEquals(Map.of("Fn::Sub", "${X}-y"), doc.get("b"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Res", "Attr.Deep")), doc.get("c"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Res", "Arn")), doc.get("d"));
        assertEquals(Map.of("Fn::If", List.of("C", 1, 2)), doc.get("e"));
        assertEquals(Map.of("Fn::Equals", List.of("a", "b")), doc.get("f"));
        assertEquals(Map.of("Fn::Join", List.of(",", List.of("a", "b"))), doc.get("g"));
        assertEquals(Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", ""))), doc.get("h"));
        assertEquals(Map.of("Fn::Split", List.of(",", "a,b")), doc.get("i"));
        assertEquals(Map.of("Fn::FindInMap", List.of("M", "k1", "k2")), doc.get("j"));
        assertEquals(Map.of("Fn::ImportValue", "other-stack-output"), doc.get("k"));
        assertEquals(Map.of("Fn::Base64", "text"), doc.get("l"));
        assertEquals(Map.of("Fn::Cidr", List.of("10.0.0.0/16", 2, 8)), doc.get("m"));
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Condition", "C"))), doc.get("n"));
        assertEquals(Map.of("Fn::And", List.of(Map.of("Condition", "C"), Map.of("Condition", "D"))), doc.get("o"));
        assertEquals(Map.of("Fn::Or", List.of(Map.of("Condition", "C"), Map.of("Condition", "D"))), doc.get("p"));
        assertEquals(Map.of("Condition", "C"), doc.get("q"));
    }

    @Test
    void unknownTagsAndDuplicateKeysAreRefused() {
        YAMLException typo = assertThrows(YAMLException.class, () -> CloudFormationYaml.load("a: !Refs X"));
        assertTrue(typo.getMessage().contains("!Refs"), typo.getMessage());
        assertThrows(YAMLException.class, () -> CloudFormationYaml.load("a: 1\na: 2"));
        assertThrows(YAMLException.class, () -> CloudFormationYaml.load("a: !GetAtt NoDot"));
    }
}
