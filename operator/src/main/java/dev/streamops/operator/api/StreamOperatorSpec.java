package dev.streamops.operator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/**
 * What a pipeline author asks for. Defaults live in the field initialisers too, because the
 * operator must behave the same when the API server did not apply the schema defaults (render,
 * tests against the mock API server).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.inputTopic) || has(self.outputTopic)",
        message = "at least one of inputTopic and outputTopic must be set")
@ValidationRule(value = "!has(self.inputTopic) || !has(self.outputTopic) || self.inputTopic != self.outputTopic",
        message = "outputTopic must differ from inputTopic (the function would consume its own output)")
public class StreamOperatorSpec {
    public static final int DEFAULT_REPLICAS = 1;
    public static final int DEFAULT_PUSH_PORT = 4322;
    public static final String DEFAULT_PUSH_PATH = "/post_message";

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Container image of the function, e.g. streamops/example-transform:0.1.0.")
    private String image;

    @Pattern("^(Always|IfNotPresent|Never)$")
    @JsonPropertyDescription("Pull policy of the function image: Always, IfNotPresent or Never. "
            + "Kubernetes' default when absent.")
    private String imagePullPolicy;

    @JsonPropertyDescription("Secrets for pulling the function image from a private registry.")
    private List<LocalObjectReference> imagePullSecrets;

    @Size(min = 1, max = 255)
    @ValidationRule(value = "!self.startsWith('amq.')", message = "topic names starting with 'amq.' are reserved by RabbitMQ")
    // maxLength counts characters; RabbitMQ's limit is in bytes of UTF-8.
    @ValidationRule(value = "size(bytes(self)) <= 255", message = "topic names are at most 255 bytes (RabbitMQ's limit)")
    @JsonPropertyDescription("Topic (RabbitMQ quorum queue) the function consumes; the sidecar pushes its messages to the "
            + "function. 1-255 bytes, not starting with 'amq.'. At least one of inputTopic and outputTopic is required.")
    private String inputTopic;

    @Size(min = 1, max = 255)
    @ValidationRule(value = "!self.startsWith('amq.')", message = "topic names starting with 'amq.' are reserved by RabbitMQ")
    // maxLength counts characters; RabbitMQ's limit is in bytes of UTF-8.
    @ValidationRule(value = "size(bytes(self)) <= 255", message = "topic names are at most 255 bytes (RabbitMQ's limit)")
    @JsonPropertyDescription("Topic the function's results (POST /post_message without a 'status' field) are published to. "
            + "1-255 bytes, not starting with 'amq.', different from inputTopic.")
    private String outputTopic;

    @Size(min = 1, max = 255)
    @ValidationRule(value = "!self.startsWith('amq.')", message = "topic names starting with 'amq.' are reserved by RabbitMQ")
    // maxLength counts characters; RabbitMQ's limit is in bytes of UTF-8.
    @ValidationRule(value = "size(bytes(self)) <= 255", message = "topic names are at most 255 bytes (RabbitMQ's limit)")
    @JsonPropertyDescription("Optional topic for termination reports (POST /post_message with a 'status' field). "
            + "1-255 bytes, not starting with 'amq.'.")
    private String terminationTopic;

    @SpecReplicas
    @Default("1")
    @Min(0)
    @JsonPropertyDescription("Number of pods (function + sidecar). Default 1; 0 stops the function without touching its "
            + "queues. Also set by `kubectl scale sop/NAME --replicas=N`, an HPA or KEDA through the scale subresource.")
    private Integer replicas = DEFAULT_REPLICAS;

    @JsonPropertyDescription("Extra environment variables of the function container. Names the operator sets itself "
            + "(MY_POD_IP, API_PORT, INPUT_TOPIC, ...) are rejected.")
    private List<EnvVar> env;

    @JsonPropertyDescription("Compute resources (requests/limits) of the function container.")
    private ResourceRequirements resources;

    @Default("4322")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port on which the function serves pushed messages (the sidecar POSTs each input message to "
            + "http://$MY_POD_IP:pushPort pushPath). Default 4322. Must not be 4321 or 4323 (the sidecar's ports).")
    private Integer pushPort = DEFAULT_PUSH_PORT;

    @Default("/post_message")
    @Size(min = 1, max = 1024)
    @Pattern("^/[^\\s?#]*$")
    @JsonPropertyDescription("HTTP path on which the function serves pushed messages. Default /post_message.")
    private String pushPath = DEFAULT_PUSH_PATH;

    @JsonPropertyDescription("The RabbitMQ the sidecar connects to. When absent, the operator's default broker Secret is used.")
    private BrokerSpec broker;

    @JsonPropertyDescription("Overrides for the sidecar container (resources, prefetch, push concurrency).")
    private SidecarSpec sidecar;

    public String getImage() { return image; }
    public void setImage(String image) { this.image = image; }
    public String getImagePullPolicy() { return imagePullPolicy; }
    public void setImagePullPolicy(String imagePullPolicy) { this.imagePullPolicy = imagePullPolicy; }
    public List<LocalObjectReference> getImagePullSecrets() { return imagePullSecrets; }
    public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) { this.imagePullSecrets = imagePullSecrets; }
    public String getInputTopic() { return inputTopic; }
    public void setInputTopic(String inputTopic) { this.inputTopic = inputTopic; }
    public String getOutputTopic() { return outputTopic; }
    public void setOutputTopic(String outputTopic) { this.outputTopic = outputTopic; }
    public String getTerminationTopic() { return terminationTopic; }
    public void setTerminationTopic(String terminationTopic) { this.terminationTopic = terminationTopic; }
    public Integer getReplicas() { return replicas; }
    public void setReplicas(Integer replicas) { this.replicas = replicas; }
    public List<EnvVar> getEnv() { return env; }
    public void setEnv(List<EnvVar> env) { this.env = env == null ? null : new ArrayList<>(env); }
    public ResourceRequirements getResources() { return resources; }
    public void setResources(ResourceRequirements resources) { this.resources = resources; }
    public Integer getPushPort() { return pushPort; }
    public void setPushPort(Integer pushPort) { this.pushPort = pushPort; }
    public String getPushPath() { return pushPath; }
    public void setPushPath(String pushPath) { this.pushPath = pushPath; }
    public BrokerSpec getBroker() { return broker; }
    public void setBroker(BrokerSpec broker) { this.broker = broker; }
    public SidecarSpec getSidecar() { return sidecar; }
    public void setSidecar(SidecarSpec sidecar) { this.sidecar = sidecar; }
}
