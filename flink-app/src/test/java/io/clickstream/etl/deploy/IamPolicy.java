package io.clickstream.etl.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.clickstream.etl.deploy.SamTemplate.list;
import static io.clickstream.etl.deploy.SamTemplate.map;

/**
 * IAM policy statements, evaluated as IAM does for one principal: an explicit Deny wins, else
 * any Allow whose action, resource and conditions all match, else implicit deny. Actions match
 * case-insensitively, resources case-sensitively, both with {@code *} and {@code ?} wildcards. A
 * condition key missing from the request fails its condition (no {@code ...IfExists} here).
 * Operators or elements this class does not know make it throw rather than guess.
 */
public final class IamPolicy {

    private static final Set<String> OPERATORS = Set.of("StringEquals", "StringLike", "StringNotEquals", "StringNotLike", "Bool");

    /** The outcome for one request. */
    public enum Decision { ALLOW, IMPLICIT_DENY, EXPLICIT_DENY }

    private final List<Statement> statements = new ArrayList<>();

    /** The statements of policy documents already evaluated by {@link SamTemplate#resolve}. */
    public static IamPolicy of(List<?> documents) {
        IamPolicy policy = new IamPolicy();
        for (Object document : documents) {
            for (Object s : list(map(document).get("Statement"))) {
                policy.statements.add(new Statement(map(s)));
            }
        }
        return policy;
    }

    /** Every inline policy of an IAM role in the template. */
    public static IamPolicy ofRole(SamTemplate template, String roleId) {
        List<Object> documents = new ArrayList<>();
        for (Object p : list(template.properties(roleId).get("Policies"))) {
            documents.add(template.resolve(map(p).get("PolicyDocument")));
        }
        return of(documents);
    }

    /** The policy document of a bucket policy or managed policy in the template. */
    public static IamPolicy ofDocument(SamTemplate template, String resourceId) {
        return of(List.of(template.resolve(template.properties(resourceId).get("PolicyDocument"))));
    }

    public Decision evaluate(String action, String resource, Map<String, String> context) {
        boolean allowed = false;
        for (Statement s : statements) {
            if (s.matches(action, resource, context)) {
                if (s.deny) {
                    return Decision.EXPLICIT_DENY;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    /** Combines an identity policy with a resource policy: any explicit deny wins, an allow in either grants. */
    public static Decision combine(Decision identity, Decision resource) {
        if (identity == Decision.EXPLICIT_DENY || resource == Decision.EXPLICIT_DENY) {
            return Decision.EXPLICIT_DENY;
        }
        return identity == Decision.ALLOW || resource == Decision.ALLOW ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    private static final class Statement {
        final boolean deny;
        final List<Pattern> actions = new ArrayList<>();
        final List<Pattern> resources = new ArrayList<>();
        final Map<String, Object> conditions;

        Statement(Map<String, Object> s) {
            for (String unsupported : new String[] {"NotAction", "NotResource", "NotPrincipal"}) {
                if (s.containsKey(unsupported)) {
                    throw new IllegalArgumentException(unsupported + " is not evaluated here: " + s);
                }
            }
            deny = "Deny".equals(s.get("Effect"));
            if (!deny && !"Allow".equals(s.get("Effect"))) {
                throw new IllegalArgumentException("Effect must be Allow or Deny: " + s);
            }
            for (Object a : list(s.get("Action"))) {
                actions.add(wildcard(String.valueOf(a), true));
            }
            for (Object r : list(s.get("Resource"))) {
                resources.add(wildcard(String.valueOf(r), false));
            }
            conditions = s.containsKey("Condition") ? map(s.get("Condition")) : Map.of();
            conditions.keySet().forEach(op -> {
                if (!OPERATORS.contains(op)) {
                    throw new IllegalArgumentException("condition operator " + op + " is not evaluated here");
                }
            });
        }

        boolean matches(String action, String resource, Map<String, String> context) {
            return actions.stream().anyMatch(p -> p.matcher(action).matches())
                    && resources.stream().anyMatch(p -> p.matcher(resource).matches())
                    && conditionsHold(context);
        }

        private boolean conditionsHold(Map<String, String> context) {
            for (Map.Entry<String, Object> operator : conditions.entrySet()) {
                for (Map.Entry<String, Object> test : map(operator.getValue()).entrySet()) {
                    String actual = context.get(test.getKey());
                    List<Object> expected = list(test.getValue());
                    if (!holds(operator.getKey(), actual, expected)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private static boolean holds(String operator, String actual, List<Object> expected) {
            if (actual == null) {
                // A missing key: positive operators fail, negated ones hold (IAM's rule without IfExists).
                return operator.startsWith("StringNot");
            }
            switch (operator) {
                case "StringEquals":
                    return expected.stream().anyMatch(e -> String.valueOf(e).equals(actual));
                case "StringNotEquals":
                    return expected.stream().noneMatch(e -> String.valueOf(e).equals(actual));
                case "StringLike":
                    return expected.stream().anyMatch(e -> wildcard(String.valueOf(e), false).matcher(actual).matches());
                case "StringNotLike":
                    return expected.stream().noneMatch(e -> wildcard(String.valueOf(e), false).matcher(actual).matches());
                case "Bool":
                    return expected.stream().anyMatch(e -> String.valueOf(e).toLowerCase(Locale.ROOT).equals(actual));
                default:
                    throw new IllegalStateException(operator);
            }
        }
    }

    /** Whether an action pattern of a policy ({@code kms:GenerateDataKey*}) covers an action. */
    public static boolean actionMatches(String pattern, String action) {
        return wildcard(pattern, true).matcher(action).matches();
    }

    static Pattern wildcard(String glob, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL);
    }
}
