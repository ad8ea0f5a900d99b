package dev.streamops.operator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A small validator for documents against a CRD's structural openAPIV3Schema, for tests without
 * an API server: types, required, enum, pattern, length and range limits, unknown fields, and the
 * two CEL rule shapes our CRD uses. A CEL rule of any other shape is reported as unsupported, so
 * a new rule in the CRD cannot go unchecked.
 */
final class StructuralSchemaValidator {
    private static final Pattern HAS_EITHER = Pattern.compile("has\\(self\\.(\\w+)\\) \\|\\| has\\(self\\.(\\w+)\\)");
    private static final Pattern NOT_STARTS_WITH = Pattern.compile("!self\\.startsWith\\('([^']*)'\\)");

    private StructuralSchemaValidator() {
    }

    /** @return problems as "path: message"; empty when the value conforms */
    static List<String> validate(JsonNode schema, JsonNode value, String path) {
        var problems = new ArrayList<String>();
        check(schema, value, path, problems);
        return problems;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (value == null || value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(path + ": null is not allowed");
            }
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                problems.add(path + ": must be an integer or a string");
            }
            return;
        }
        var type = schema.path("type").asText("");
        switch (type) {
            case "object" -> checkObject(schema, value, path, problems);
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(path + ": must be an array");
                    return;
                }
                if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                    problems.add(path + ": fewer than " + schema.get("minItems").asInt() + " items");
                }
                if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                    problems.add(path + ": more than " + schema.get("maxItems").asInt() + " items");
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), path + "[" + i + "]", problems);
                }
            }
            case "string" -> checkString(schema, value, path, problems);
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(path + ": must be an integer");
                    return;
                }
                checkRange(schema, value, path, problems);
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(path + ": must be a number");
                    return;
                }
                checkRange(schema, value, path, problems);
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + ": must be a boolean");
                }
            }
            case "" -> {
                if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                    problems.add(path + ": schema has no type (not structural)");
                }
            }
            default -> problems.add(path + ": unsupported schema type " + type);
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (var allowed : schema.get("enum")) {
                found |= allowed.equals(value);
            }
            if (!found) {
                problems.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        for (var rule : schema.path("x-kubernetes-validations")) {
            if (!evaluate(rule.path("rule").asText(), value)) {
                problems.add(path + ": " + rule.path("message").asText(rule.path("rule").asText()));
            }
        }
    }

    private static void checkObject(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": must be an object");
            return;
        }
        for (var required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add(path + "." + required.asText() + ": required");
            }
        }
        var properties = schema.path("properties");
        var additional = schema.path("additionalProperties");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            var name = names.next();
            var child = path + "." + name;
            if (properties.has(name)) {
                check(properties.get(name), value.get(name), child, problems);
            } else if (additional.isObject()) {
                check(additional, value.get(name), child, problems);
            } else if (!preserve) {
                problems.add(child + ": unknown field");
            }
        }
    }

    private static void checkString(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (!value.isTextual()) {
            problems.add(path + ": must be a string");
            return;
        }
        var s = value.asText();
        // Kubernetes counts characters for minLength/maxLength.
        int length = s.codePointCount(0, s.length());
        if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
            problems.add(path + ": shorter than " + schema.get("minLength").asInt());
        }
        if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
            problems.add(path + ": longer than " + schema.get("maxLength").asInt());
        }
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
            problems.add(path + ": does not match " + schema.get("pattern").asText());
        }
    }

    private static void checkRange(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
            problems.add(path + ": less than " + number(schema.get("minimum")));
        }
        if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
            problems.add(path + ": greater than " + number(schema.get("maximum")));
        }
    }

    /** The generator writes integer bounds as 1.0; report them as the user wrote them. */
    private static String number(JsonNode n) {
        return n.asDouble() == Math.rint(n.asDouble()) ? Long.toString(n.asLong()) : n.asText();
    }

    /** The CEL rule shapes of our CRD; any other shape is a test failure, never a silent pass. */
    static boolean evaluate(String rule, JsonNode self) {
        Matcher m = HAS_EITHER.matcher(rule);
        if (m.matches()) {
            return self.has(m.group(1)) || self.has(m.group(2));
        }
        m = NOT_STARTS_WITH.matcher(rule);
        if (m.matches()) {
            return !self.asText().startsWith(m.group(1));
        }
        throw new IllegalStateException("no evaluator for CEL rule '" + rule + "': teach StructuralSchemaValidator its meaning");
    }
}
