package dev.streamops.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the sidecar finds its RabbitMQ. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BrokerSpec {
    @JsonPropertyDescription("Secret key holding the RabbitMQ URI. The sidecar receives it through a secretKeyRef, "
            + "never as a literal. When absent, the operator's default (DEFAULT_BROKER_SECRET / DEFAULT_BROKER_SECRET_KEY) is used.")
    private SecretKeySelector secretRef;

    public BrokerSpec() {
    }

    public BrokerSpec(SecretKeySelector secretRef) {
        this.secretRef = secretRef;
    }

    public SecretKeySelector getSecretRef() { return secretRef; }
    public void setSecretRef(SecretKeySelector secretRef) { this.secretRef = secretRef; }
}
