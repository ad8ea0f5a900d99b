package dev.streamops.operator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.streamops.operator.api.StreamOperator;
import dev.streamops.operator.reconcile.FunctionPodTemplate;
import dev.streamops.operator.reconcile.StreamOperatorValidator;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * {@code render}: the Deployments the operator would create for the StreamOperators in a YAML
 * stream, without a cluster. Other kinds in the stream (Namespace, Secret, ...) are skipped. The
 * output has no owner reference (the operator adds it at creation: it needs the StreamOperator's
 * UID, which only the API server assigns, and an owner reference without one is refused), no
 * JOSDK bookkeeping annotation and no status; everything else is what the operator creates.
 */
public final class Renderer {
    /** Rejected input: the message names the document and the problem. */
    public static final class InvalidInputException extends Exception {
        public InvalidInputException(String message) {
            super(message);
        }
    }

    // Strict on purpose: a misspelt spec field must be an error here, not silently ignored.
    private static final ObjectMapper STRICT = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final FunctionPodTemplate template;
    private final StreamOperatorValidator validator = new StreamOperatorValidator();
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public Renderer(OperatorConfig config) {
        this.template = new FunctionPodTemplate(config);
    }

    /** @return multi-document YAML, one Deployment per StreamOperator, in input order */
    public String render(String yaml) throws InvalidInputException {
        var out = new StringBuilder();
        for (var deployment : deployments(yaml)) {
            var doc = serialization.asYaml(deployment);
            out.append(doc.startsWith("---") ? doc : "---\n" + doc);
        }
        return out.toString();
    }

    public List<Deployment> deployments(String yaml) throws InvalidInputException {
        var deployments = new ArrayList<Deployment>();
        var problems = new ArrayList<String>();
        List<JsonNode> documents;
        try (var parser = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            documents = parser.readAll();
        } catch (IOException e) {
            throw new InvalidInputException("not valid YAML: " + jacksonMessage(e));
        }
        int index = 0;
        for (var doc : documents) {
            index++;
            if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isObject() && doc.isEmpty())) {
                continue;
            }
            if (!"StreamOperator".equals(doc.path("kind").asText())) {
                continue;
            }
            var where = "document " + index + " (StreamOperator " + doc.path("metadata").path("name").asText("?") + ")";
            if (!StreamOperator.API_VERSION.equals(doc.path("apiVersion").asText())) {
                problems.add(where + ": apiVersion must be " + StreamOperator.API_VERSION);
                continue;
            }
            StreamOperator sop;
            try {
                sop = STRICT.treeToValue(doc, StreamOperator.class);
            } catch (IOException e) {
                problems.add(where + ": " + jacksonMessage(e));
                continue;
            }
            var invalid = validator.validate(sop);
            if (!invalid.isEmpty()) {
                problems.add(where + ": " + String.join("; ", invalid));
                continue;
            }
            deployments.add(template.deployment(sop));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(String.join("\n", problems));
        }
        if (deployments.isEmpty()) {
            throw new InvalidInputException("no StreamOperator (apiVersion " + StreamOperator.API_VERSION + ") found");
        }
        return deployments;
    }

    /** Jackson's message without the Java class names and source dump, which mean nothing to a YAML author. */
    private static String jacksonMessage(IOException e) {
        var message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown field '" + u.getPropertyName() + "' at " + path(u);
        } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            message = path(m) + ": " + message;
        }
        return message.replaceAll("\\s*\\(class [^)]*\\)", "").replaceAll("\\s*\\(for Object starting at.*", "");
    }

    private static String path(JsonMappingException e) {
        var path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
