package dev.streamops.operator.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Names one key of one Secret in the StreamOperator's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeySelector {
    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of the Secret (in the StreamOperator's namespace).")
    private String name;

    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[-._a-zA-Z0-9]+$")
    @JsonPropertyDescription("Key in the Secret whose value is the RabbitMQ URI (amqp:// or amqps://, with credentials and virtual host).")
    private String key;

    public SecretKeySelector() {
    }

    public SecretKeySelector(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretKeySelector s && Objects.equals(name, s.name) && Objects.equals(key, s.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, key);
    }
}
