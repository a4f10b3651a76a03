package io.clickstream.etl.parse;

/** A well-formed record that breaks a validation rule. Cheap: it carries no stack trace. */
public final class SchemaViolation extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    public SchemaViolation(String field, String rule, String message) {
        super(message, null, false, false);
        this.field = field;
        this.rule = rule;
    }

    public String field() {
        return field;
    }

    public String rule() {
        return rule;
    }
}
