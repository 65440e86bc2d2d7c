package dev.prepaid.local.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation / SAM template written in YAML into plain maps, lists and scalars. The short-form
 * intrinsic tags become their long form, as CloudFormation does before it evaluates anything:
 * {@code !Ref X} is {@code {"Ref": "X"}}, {@code !GetAtt A.B} is {@code {"Fn::GetAtt": ["A", "B"]}},
 * {@code !Sub ...} is {@code {"Fn::Sub": ...}} and so on. Unknown tags and duplicate keys are errors.
 */
public final class CloudFormationYaml {
    /** Tags whose long form is {@code {"Fn::<Name>": value}}. */
    static final List<String> FUNCTIONS = List.of("Sub", "If", "Equals", "Not", "And", "Or", "Join", "Select",
            "Split", "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs");

    private CloudFormationYaml() {
    }

    /** The document: for a template, a map. */
    public static Object load(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(10 * 1024 * 1024);
        return new Yaml(new Constructor(options)).load(yaml);
    }

    private static final class Constructor extends SafeConstructor {
        Constructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
            for (String function : FUNCTIONS) {
                yamlConstructors.put(new Tag("!" + function), new LongForm("Fn::" + function));
            }
        }

        Object value(Node node) {
            if (node instanceof ScalarNode scalar) {
                return constructScalar(scalar); // a tagged scalar is a string to CloudFormation
            }
            if (node instanceof SequenceNode sequence) {
                return new ArrayList<>(constructSequence(sequence));
            }
            if (node instanceof MappingNode mapping) {
                return new LinkedHashMap<>(constructMapping(mapping));
            }
            throw new YAMLException("unexpected node " + node);
        }

        private final class LongForm extends AbstractConstruct {
            private final String key;

            LongForm(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Map<String, Object> longForm = new LinkedHashMap<>();
                longForm.put(key, value(node));
                return longForm;
            }
        }

        /** {@code !GetAtt A.B.C} is {@code ["A", "B.C"]}: the logical id ends at the first dot. */
        private final class GetAtt extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                Object value = value(node);
                if (value instanceof String text) {
                    int dot = text.indexOf('.');
                    if (dot <= 0 || dot == text.length() - 1) {
                        throw new YAMLException("!GetAtt needs Resource.Attribute, got '" + text + "' " + node.getStartMark());
                    }
                    value = List.of(text.substring(0, dot), text.substring(dot + 1));
                }
                Map<String, Object> longForm = new LinkedHashMap<>();
                longForm.put("Fn::GetAtt", value);
                return longForm;
            }
        }
    }
}
