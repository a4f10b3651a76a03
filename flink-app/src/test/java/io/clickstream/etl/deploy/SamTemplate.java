package io.clickstream.etl.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code sam-template.yaml} as a deployment would see it: parsed with CloudFormation's short-form
 * tags, and its intrinsic functions evaluated for one sample stack (parameters, account, region),
 * so that tests can compare names, paths and ARNs with what the job and its requests use.
 */
public final class SamTemplate {

    public static final Path FILE = Paths.get("..", "sam-template.yaml");
    /** A 12-digit account and one of the longest region names (14 characters). */
    public static final String ACCOUNT = "123456789012";
    public static final String LONGEST_REGION = "ap-southeast-2";

    public final Map<String, Object> template;
    public final Map<String, Object> resources;
    private final Map<String, String> pseudo = new HashMap<>();
    private final Map<String, String> parameters = new HashMap<>();

    private SamTemplate(Map<String, Object> template, String region, Map<String, String> parameterValues) {
        this.template = template;
        this.resources = map(template.get("Resources"));
        pseudo.put("AWS::AccountId", ACCOUNT);
        pseudo.put("AWS::Region", region);
        pseudo.put("AWS::Partition", "aws");
        pseudo.put("AWS::StackName", "clickstream-stack");
        map(template.get("Parameters")).forEach((name, p) -> {
            Object d = map(p).get("Default");
            parameters.put(name, d == null ? "sample-" + name.toLowerCase() : String.valueOf(d));
        });
        parameters.putAll(parameterValues);
    }

    /** The template with its defaults, in eu-west-1. */
    public static SamTemplate load() {
        return load("eu-west-1", Map.of());
    }

    public static SamTemplate load(String region, Map<String, String> parameterValues) {
        try (Reader in = Files.newBufferedReader(FILE)) {
            Map<String, Object> parsed = new Yaml(new CloudFormationConstructor()).load(in);
            return new SamTemplate(parsed, region, parameterValues);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + FILE, e);
        }
    }

    public Map<String, Object> resource(String logicalId) {
        Object r = resources.get(logicalId);
        if (r == null) {
            throw new AssertionError("no resource " + logicalId + " in " + FILE);
        }
        return map(r);
    }

    public Map<String, Object> properties(String logicalId) {
        return map(resource(logicalId).get("Properties"));
    }

    public String type(String logicalId) {
        return (String) resource(logicalId).get("Type");
    }

    public List<String> resourcesOfType(String type) {
        return resources.keySet().stream().filter(id -> type.equals(type(id))).collect(Collectors.toList());
    }

    public String parameter(String name) {
        return parameters.get(name);
    }

    /** The job's property group, evaluated; keys whose value is {@code AWS::NoValue} are left out. */
    public Map<String, String> jobProperties(String groupId) {
        Map<String, Object> app = properties("FlinkApplication");
        List<?> groups = (List<?>) map(map(app.get("ApplicationConfiguration")).get("EnvironmentProperties")).get("PropertyGroups");
        Map<String, String> keys = new LinkedHashMap<>();
        for (Object g : groups) {
            if (groupId.equals(map(g).get("PropertyGroupId"))) {
                map(map(g).get("PropertyMap")).forEach((k, v) -> {
                    Object value = resolve(v);
                    if (value != null) {
                        keys.put(k, String.valueOf(value));
                    }
                });
            }
        }
        return keys;
    }

    /**
     * Evaluates a value: strings, lists and maps with Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Split,
     * Fn::If (conditions evaluated) inside. {@code AWS::NoValue} gives {@code null}.
     */
    public Object resolve(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean || value == null) {
            return value;
        }
        if (value instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object v : (List<?>) value) {
                Object r = resolve(v);
                if (r != null) {
                    out.add(r);
                }
            }
            return out;
        }
        Map<String, Object> fn = map(value);
        if (fn.size() == 1) {
            String name = fn.keySet().iterator().next();
            Object arg = fn.get(name);
            switch (name) {
                case "Ref":
                    return ref((String) arg);
                case "Fn::GetAtt":
                    List<?> parts = arg instanceof List ? (List<?>) arg : List.of(((String) arg).split("\\.", 2));
                    return getAtt((String) parts.get(0), (String) parts.get(1));
                case "Fn::Sub":
                    return sub(arg);
                case "Fn::Join": {
                    List<?> args = (List<?>) arg;
                    return ((List<?>) resolve(args.get(1))).stream().map(String::valueOf).collect(Collectors.joining((String) args.get(0)));
                }
                case "Fn::Split": {
                    List<?> args = (List<?>) arg;
                    return List.of(String.valueOf(resolve(args.get(1))).split(Pattern.quote((String) args.get(0)), -1));
                }
                case "Fn::If": {
                    List<?> args = (List<?>) arg;
                    return resolve(condition((String) args.get(0)) ? args.get(1) : args.get(2));
                }
                default:
                    break;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        fn.forEach((k, v) -> {
            Object r = resolve(v);
            if (r != null) {
                out.put(k, r);
            }
        });
        return out;
    }

    public String resolveString(Object value) {
        Object r = resolve(value);
        return r == null ? null : String.valueOf(r);
    }

    /** Evaluates a named condition of the template. */
    public boolean condition(String name) {
        return evaluateCondition(map(template.get("Conditions")).get(name));
    }

    /**
     * The descriptions of the template's rule assertions these parameters break, as CloudFormation
     * checks them before it creates or updates anything: each assertion of a rule whose condition
     * holds (or that has none).
     */
    public List<String> brokenRules() {
        List<String> broken = new ArrayList<>();
        Object rules = template.get("Rules");
        if (rules == null) {
            return broken;
        }
        map(rules).forEach((name, r) -> {
            Map<String, Object> rule = map(r);
            if (!rule.containsKey("RuleCondition") || evaluateCondition(rule.get("RuleCondition"))) {
                for (Object a : list(rule.get("Assertions"))) {
                    if (!evaluateCondition(map(a).get("Assert"))) {
                        broken.add(name + ": " + map(a).get("AssertDescription"));
                    }
                }
            }
        });
        return broken;
    }

    private boolean evaluateCondition(Object c) {
        Map<String, Object> fn = map(c);
        if (fn.containsKey("Condition")) {
            return condition((String) fn.get("Condition"));
        }
        if (fn.containsKey("Fn::Equals")) {
            List<?> args = (List<?>) fn.get("Fn::Equals");
            return String.valueOf(resolve(args.get(0))).equals(String.valueOf(resolve(args.get(1))));
        }
        if (fn.containsKey("Fn::Not")) {
            return !evaluateCondition(((List<?>) fn.get("Fn::Not")).get(0));
        }
        if (fn.containsKey("Fn::And")) {
            return ((List<?>) fn.get("Fn::And")).stream().allMatch(this::evaluateCondition);
        }
        if (fn.containsKey("Fn::Or")) {
            return ((List<?>) fn.get("Fn::Or")).stream().anyMatch(this::evaluateCondition);
        }
        throw new AssertionError("cannot evaluate condition " + c);
    }

    private Object ref(String name) {
        if (name.equals("AWS::NoValue")) {
            return null;
        }
        if (pseudo.containsKey(name)) {
            return pseudo.get(name);
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        String type = type(name);
        Map<String, Object> p = properties(name);
        switch (type) {
            case "AWS::S3::Bucket":
                return resolve(p.get("BucketName"));
            case "AWS::Glue::Database":
                return resolve(map(p.get("DatabaseInput")).get("Name"));
            case "AWS::KinesisFirehose::DeliveryStream":
                return resolve(p.get("DeliveryStreamName"));
            case "AWS::KinesisAnalyticsV2::Application":
                return resolve(p.get("ApplicationName"));
            case "AWS::Athena::WorkGroup":
                return resolve(p.get("Name"));
            case "AWS::Logs::LogGroup":
                return resolve(p.get("LogGroupName"));
            case "AWS::Logs::LogStream":
                return resolve(p.get("LogStreamName"));
            case "AWS::SNS::Topic":
                return "arn:aws:sns:" + pseudo.get("AWS::Region") + ":" + ACCOUNT + ":" + resolve(p.get("TopicName"));
            default:
                return "sample-" + name;
        }
    }

    private Object getAtt(String resource, String attribute) {
        String type = type(resource);
        String region = pseudo.get("AWS::Region");
        if (attribute.equals("Arn")) {
            switch (type) {
                case "AWS::S3::Bucket":
                    return "arn:aws:s3:::" + ref(resource);
                case "AWS::Logs::LogGroup":
                    return "arn:aws:logs:" + region + ":" + ACCOUNT + ":log-group:" + ref(resource) + ":*";
                case "AWS::KinesisFirehose::DeliveryStream":
                    return "arn:aws:firehose:" + region + ":" + ACCOUNT + ":deliverystream/" + ref(resource);
                case "AWS::IAM::Role":
                    return "arn:aws:iam::" + ACCOUNT + ":role/sample-" + resource;
                case "AWS::KMS::Key":
                    return "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/sample-" + resource;
                default:
                    break;
            }
        }
        return "sample-" + resource + "." + attribute;
    }

    private String sub(Object arg) {
        String text;
        Map<String, Object> vars = Map.of();
        if (arg instanceof List) {
            text = (String) ((List<?>) arg).get(0);
            vars = map(((List<?>) arg).get(1));
        } else {
            text = (String) arg;
        }
        Matcher m = Pattern.compile("\\$\\{([^}!]+)}").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Object value;
            if (vars.containsKey(name)) {
                value = resolve(vars.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                String[] parts = name.split("\\.", 2);
                value = getAtt(parts[0], parts[1]);
            } else {
                value = ref(name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        return m.appendTail(out).toString().replace("${!", "${");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object o) {
        return o instanceof List ? (List<Object>) o : o == null ? List.of() : List.of(o);
    }

    /** Reads CloudFormation's short-form tags (!Ref, !Sub, ...) as their long form. */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            for (String fn : new String[] {"Ref", "Sub", "GetAtt", "Join", "If", "Equals", "Not", "And", "Or", "Condition",
                "Select", "Split", "FindInMap", "Base64", "GetAZs", "ImportValue", "Cidr"}) {
                String name = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object value;
                        if (node instanceof ScalarNode) {
                            value = constructScalar((ScalarNode) node);
                        } else if (node instanceof SequenceNode) {
                            value = constructSequence((SequenceNode) node);
                        } else {
                            value = constructMapping((MappingNode) node);
                        }
                        return Map.of(name, value);
                    }
                });
            }
        }
    }
}
