package dev.streamops.local.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;

/**
 * The CRUD dispatcher plus the one thing a client asks an API server that the mock does not
 * store but computes: "what may I do?" ({@code SelfSubjectRulesReview},
 * {@code SelfSubjectAccessReview}). Locally there is one user, the developer, with every right
 * (like cluster-admin on a kind cluster), so the answer is "everything". JOSDK asks this before
 * leader election.
 */
final class LocalApiDispatcher extends KubernetesCrudDispatcher {
    private static final String AUTHORIZATION = "/apis/authorization.k8s.io/v1/";
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if ("POST".equals(request.getMethod()) && path != null && path.startsWith(AUTHORIZATION)) {
            String resource = path.substring(AUTHORIZATION.length()).split("[/?]")[0];
            try {
                ObjectNode review = request.getUtf8Body() == null || request.getUtf8Body().isBlank()
                        ? json.createObjectNode() : (ObjectNode) json.readTree(request.getUtf8Body());
                ObjectNode status = review.putObject("status");
                switch (resource) {
                    case "selfsubjectrulesreviews" -> {
                        ObjectNode rule = status.putArray("resourceRules").addObject();
                        rule.putArray("verbs").add("*");
                        rule.putArray("apiGroups").add("*");
                        rule.putArray("resources").add("*");
                        ArrayNode nonResource = status.putArray("nonResourceRules");
                        ObjectNode any = nonResource.addObject();
                        any.putArray("verbs").add("*");
                        any.putArray("nonResourceURLs").add("*");
                        status.put("incomplete", false);
                    }
                    case "selfsubjectaccessreviews", "subjectaccessreviews" -> {
                        status.put("allowed", true);
                        status.put("reason", "localrun: the local developer may do everything");
                    }
                    default -> {
                        return super.dispatch(request);
                    }
                }
                return new MockResponse().setResponseCode(201).setBody(json.writeValueAsString(review));
            } catch (IOException | ClassCastException invalid) {
                return new MockResponse().setResponseCode(400).setBody("{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"invalid review\"}");
            }
        }
        return super.dispatch(request);
    }
}
