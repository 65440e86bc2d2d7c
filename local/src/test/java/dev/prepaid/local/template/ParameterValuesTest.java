package dev.prepaid.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The constraints CloudFormation applies to parameter values, one by one. */
class ParameterValuesTest {
    static final SamTemplate TEMPLATE = SamTemplate.parse("""
            Parameters:
              Stage: {Type: String, AllowedValues: [dev, prod]}
              Size: {Type: Number, MinValue: 1, MaxValue: 10}
              Ratio: {Type: Number}
              Name: {Type: String, MinLength: 2, MaxLength: 4}
              Arn: {Type: String, AllowedPattern: "^$|^arn:[a-z]+$", ConstraintDescription: an ARN or nothing}
              Zones: {Type: CommaDelimitedList, AllowedValues: [a, b]}
              Free: {Type: String}
            Resources: {}
            """);

    static String problem(String name, String value) {
        return ParameterValues.problem(TEMPLATE.parameters().get(name), value);
    }

    @Test
    void eachConstraint() {
        assertNull(problem("Stage", "prod"));
        assertEquals("must be one of dev, prod", problem("Stage", "Prod"));
        assertNull(problem("Size", "10"));
        assertNull(problem("Size", "1.5"));
        assertEquals("must be between 1 and 10", problem("Size", "11"));
        assertEquals("must be between 1 and 10", problem("Size", "0"));
        assertEquals("must be a number", problem("Size", "ten"));
        assertEquals("must be a number", problem("Ratio", ""));
        assertNull(problem("Ratio", "-3"));
        assertNull(problem("Name", "abcd"));
        assertEquals("must be 2 to 4 characters long", problem("Name", "abcde"));
        assertEquals("must be 2 to 4 characters long", problem("Name", "a"));
        assertNull(problem("Arn", ""));
        assertNull(problem("Arn", "arn:sns"));
        assertEquals("must match ^$|^arn:[a-z]+$", problem("Arn", "arn:sns:1"));
        assertNull(problem("Zones", "a, b"));
        assertEquals("must be one of a, b (each item)", problem("Zones", "a,c"));
        assertNull(problem("Free", "anything at all"));
    }

    @Test
    void theMessageNamesTheParameterAndTheTemplatesHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterValues.check(TEMPLATE, Map.of("Arn", "x")));
        assertEquals("--parameter Arn=x: Arn must match ^$|^arn:[a-z]+$ (an ARN or nothing)", e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ParameterValues.check(TEMPLATE, Map.of("stage", "dev")));
        assertEquals("--parameter stage: the template declares no parameter stage (it declares: Stage, Size, Ratio,"
                + " Name, Arn, Zones, Free)", unknown.getMessage());
        ParameterValues.check(TEMPLATE, Map.of("Stage", "dev", "Size", "3", "Zones", "b"));
    }
}
