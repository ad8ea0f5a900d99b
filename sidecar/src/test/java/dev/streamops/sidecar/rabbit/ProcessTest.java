package dev.streamops.sidecar.rabbit;

import dev.streamops.sidecar.RabbitVhost;
import dev.streamops.sidecar.SidecarProcess;
import dev.streamops.sidecar.TestFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static dev.streamops.sidecar.RabbitVhost.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sidecar as a real process: exit codes, SIGKILL and SIGTERM. */
class ProcessTest {

    @RegisterExtension
    static final RabbitVhost vhost = new RabbitVhost();

    @Test
    void invalidConfigurationExits2WithOneLineAndNoPassword() throws Exception {
        try (SidecarProcess sidecar = SidecarProcess.start(Map.of(
                "RABBITMQ_URI", "amqp://app:Very-S3cret@127.0.0.1/x", "OUTPUT_TOPIC", "o", "PREFETCH", "lots"))) {
            assertThat(sidecar.exitedWithin(Duration.ofSeconds(20))).isTrue();
            assertThat(sidecar.process.exitValue()).isEqualTo(2);
            assertThat(sidecar.output().strip())
                    .isEqualTo("streamops-sidecar: invalid configuration: PREFETCH: must be a whole number, got 'lots'");
        }
        try (SidecarProcess sidecar = SidecarProcess.start(Map.of("RABBITMQ_URI", "amqp://app:Very-S3cret@127.0.0.1/x"))) {
            assertThat(sidecar.exitedWithin(Duration.ofSeconds(20))).isTrue();
            assertThat(sidecar.process.exitValue()).isEqualTo(2);
            assertThat(sidecar.output().strip()).hasLineCount(1).contains("none is set").doesNotContain("Very-S3cret");
        }
    }

    @Test
    void queueWithOtherArgumentsStopsTheStartWithExit2() throws Exception {
        String out = uniqueTopic("clash");
        vhost.declare(out, Map.of("x-queue-type", "classic"));
        try (SidecarProcess sidecar = SidecarProcess.start(vhost.env("OUTPUT_TOPIC", out,
                "RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/" + vhost.name))) {
            assertThat(sidecar.exitedWithin(Duration.ofSeconds(30))).isTrue();
            assertThat(sidecar.process.exitValue()).isEqualTo(2);
            String lastLine = sidecar.output().strip().lines().reduce((a, b) -> b).orElseThrow();
            assertThat(lastLine).startsWith("streamops-sidecar: queue '" + out + "' already exists with other arguments")
                    .contains("inequivalent arg");
        }
    }

    @Test
    void sigkillMidStreamLosesNothing() throws Exception {
        String in = uniqueTopic("in");
        int count = 1000;
        try (TestFunction function = new TestFunction().delaying(1)) {
            Map<String, String> env = vhost.env("INPUT_TOPIC", in, "FUNCTION_URL", function.url(), "PUSH_AUTOSTART", "true");
            try (SidecarProcess first = SidecarProcess.startReady(env)) {
                vhost.publishAll(in, IntStream.range(0, count).mapToObj(i -> ("{\"k\":" + i + "}").getBytes()).toList());
                await().atMost(Duration.ofSeconds(60)).until(() -> function.received().size() >= 200);
                first.process.destroyForcibly().waitFor();
            }
            int beforeRestart = distinct(function).size();
            assertThat(beforeRestart).isLessThan(count);
            try (SidecarProcess second = SidecarProcess.startReady(env)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> distinct(function).size() == count);
                await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(in).messages() == 0);
                System.out.printf("SIGKILL after %d of %d messages: all %d delivered (%d pushes in total)%n",
                        beforeRestart, count, count, function.received().size());
                assertThat(distinct(function)).containsAll(IntStream.range(0, count).mapToObj(i -> "{\"k\":" + i + "}").toList());
            }
        }
    }

    @Test
    void sigtermDrainsThenExitsWithin10SecondsLeavingUnackedInTheQueue() throws Exception {
        String in = uniqueTopic("in");
        String out = uniqueTopic("out");
        int count = 20;
        try (TestFunction function = new TestFunction().delaying(2500)) {
            Map<String, String> env = vhost.env("INPUT_TOPIC", in, "OUTPUT_TOPIC", out, "FUNCTION_URL", function.url());
            try (SidecarProcess sidecar = SidecarProcess.startReady(env)) {
                vhost.publishAll(in, IntStream.range(0, count).mapToObj(i -> ("{\"t\":" + i + "}").getBytes()).toList());
                assertThat(sidecar.client.getApi("/get_message").statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> function.received().size() == 1);
                assertThat(sidecar.client.post("/post_message", "{\"before\":1}").statusCode()).isEqualTo(200);

                long signalled = System.nanoTime();
                sidecar.process.destroy(); // SIGTERM
                // While the delivery in flight finishes, publishes are refused with 503.
                boolean saw503 = false;
                while (!saw503 && sidecar.process.isAlive()) {
                    try {
                        HttpResponse<String> response = sidecar.client.post("/post_message", "{\"during\":1}");
                        assertThat(response.statusCode()).as("nothing is accepted after SIGTERM except by luck before the hook")
                                .isIn(200, 503);
                        saw503 = response.statusCode() == 503;
                    } catch (RuntimeException connectionClosed) {
                        break;
                    }
                }
                assertThat(saw503).as("a publish during drain got 503").isTrue();
                assertThat(sidecar.exitedWithin(Duration.ofSeconds(10))).as("exit within 10 s of SIGTERM").isTrue();
                double seconds = (System.nanoTime() - signalled) / 1e9;
                System.out.printf("SIGTERM to exit: %.2f s%n", seconds);
                assertThat(sidecar.output()).contains("shutting down").contains("stopped in");
            }
            // The delivery in flight finished (acked); every other message is back in the queue, none consumed.
            await().atMost(Duration.ofSeconds(10)).until(() -> vhost.state(in).messages() == count - 1);
            assertThat(vhost.state(in).consumers()).isZero();
            assertThat(function.received()).hasSize(1);
        }
    }

    private static Set<String> distinct(TestFunction function) {
        Set<String> set = new HashSet<>();
        function.received().forEach(b -> set.add(new String(b, StandardCharsets.UTF_8)));
        return set;
    }
}
