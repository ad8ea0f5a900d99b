package dev.streamops.operator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * A small validator for documents against a CRD's structural openAPIV3Schema, for tests without
 * an API server: types, required, enum, pattern, length and range limits, unknown fields, and the
 * CEL rules (x-kubernetes-validations), compiled, type-checked and evaluated with Google's CEL for
 * Java. The API server uses cel-go with the same standard library (plus Kubernetes' extension
 * libraries, which our rules do not use), so a rule that does not compile here would not compile
 * there either; such a rule fails the test instead of passing.
 */
final class StructuralSchemaValidator {
    private static final CelRuntime CEL = CelRuntimeFactory.standardCelRuntimeBuilder().build();

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
            if (!evaluate(rule.path("rule").asText(), schema, value)) {
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

    /**
     * Evaluates a rule with {@code self} typed from its schema, as the API server types it: scalars as
     * themselves, objects as maps (the API server's object types answer has() and field selection alike).
     */
    static boolean evaluate(String rule, JsonNode schema, JsonNode self) {
        CelAbstractSyntaxTree ast;
        try {
            ast = CelCompilerFactory.standardCelCompilerBuilder()
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists(), ...
                    .addVar("self", celType(schema))
                    .setResultType(SimpleType.BOOL)
                    .build()
                    .compile(rule).getAst();
        } catch (CelValidationException e) {
            throw new IllegalStateException("CEL rule '" + rule + "' does not compile: " + e.getMessage(), e);
        }
        try {
            return (Boolean) CEL.createProgram(ast).eval(Map.of("self", value(self)));
        } catch (CelEvaluationException e) {
            throw new IllegalStateException("CEL rule '" + rule + "' failed on " + self + ": " + e.getMessage(), e);
        }
    }

    private static CelType celType(JsonNode schema) {
        return switch (schema.path("type").asText("")) {
            case "string" -> SimpleType.STRING;
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "boolean" -> SimpleType.BOOL;
            case "array" -> ListType.create(SimpleType.DYN);
            case "object" -> MapType.create(SimpleType.STRING, SimpleType.DYN);
            default -> SimpleType.DYN;
        };
    }

    private static Object value(JsonNode node) {
        if (node.isObject()) {
            var map = new LinkedHashMap<String, Object>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), value(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            var list = new ArrayList<Object>();
            node.forEach(item -> list.add(value(item)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
