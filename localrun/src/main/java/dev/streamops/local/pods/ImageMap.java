package dev.streamops.local.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which local command stands for which container image (examples/local-images.yaml). An entry
 * plays the image's ENTRYPOINT ({@code command}) and CMD ({@code args}); like Kubernetes, a
 * container's {@code args} replace the image's CMD. Relative paths are resolved against the
 * repository root, the runtime's working directory.
 */
public record ImageMap(Map<String, ImageCommand> images) {

    /** The entrypoint and default arguments an image stands for. */
    public record ImageCommand(List<String> command, List<String> args) {
        public ImageCommand {
            command = List.copyOf(command);
            args = List.copyOf(args);
        }
    }

    public ImageMap {
        images = Map.copyOf(images);
    }

    public static ImageMap load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException unreadable) {
            throw new IllegalArgumentException("cannot read the image map " + file + ": " + unreadable.getMessage());
        }
    }

    public static ImageMap parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException invalid) {
            throw new IllegalArgumentException(source + " is not valid YAML: " + invalid.getOriginalMessage());
        }
        JsonNode images = root == null ? null : root.get("images");
        if (images == null || !images.isObject() || images.isEmpty()) {
            throw new IllegalArgumentException(source + ": expected a non-empty map 'images: {<image>: {command: [...]}}'");
        }
        Map<String, ImageCommand> result = new LinkedHashMap<>();
        images.fields().forEachRemaining(entry -> {
            String image = entry.getKey();
            JsonNode command = entry.getValue().get("command");
            if (command == null || !command.isArray() || command.isEmpty()) {
                throw new IllegalArgumentException(source + ": image '" + image + "' needs a non-empty list 'command'");
            }
            result.put(image, new ImageCommand(strings(command, source, image, "command"),
                    strings(entry.getValue().get("args"), source, image, "args")));
        });
        return new ImageMap(result);
    }

    /**
     * "Pulls" the images: every command or argument that names a file in {@code workDir} (a jar)
     * is copied once into {@code pullDir} and referred to there. Like an image, what a container
     * runs then no longer changes when the build rewrites target/ while the runtime is up.
     */
    public ImageMap pulled(Path workDir, Path pullDir) throws IOException {
        Map<String, ImageCommand> pulled = new LinkedHashMap<>();
        Map<Path, Path> copies = new LinkedHashMap<>();
        for (Map.Entry<String, ImageCommand> entry : images.entrySet()) {
            pulled.put(entry.getKey(), new ImageCommand(pull(entry.getValue().command(), workDir, pullDir, copies),
                    pull(entry.getValue().args(), workDir, pullDir, copies)));
        }
        return new ImageMap(pulled);
    }

    private static List<String> pull(List<String> words, Path workDir, Path pullDir, Map<Path, Path> copies) throws IOException {
        List<String> result = new ArrayList<>();
        for (String word : words) {
            Path file = word.startsWith("-") || word.isBlank() ? null : workDir.resolve(word).normalize();
            if (file != null && file.startsWith(workDir) && Files.isRegularFile(file)) {
                Path copy = copies.get(file);
                if (copy == null) {
                    copy = pullDir.resolve(workDir.relativize(file));
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    copies.put(file, copy);
                }
                result.add(copy.toString());
            } else {
                result.add(word);
            }
        }
        return result;
    }

    public Optional<ImageCommand> commandFor(String image) {
        return Optional.ofNullable(images.get(image));
    }

    private static List<String> strings(JsonNode list, String source, String image, String field) {
        List<String> values = new ArrayList<>();
        if (list == null || list.isNull()) {
            return values;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(source + ": '" + field + "' of image '" + image + "' must be a list");
        }
        for (JsonNode item : list) {
            if (!item.isValueNode()) {
                throw new IllegalArgumentException(source + ": '" + field + "' of image '" + image + "' must hold plain strings");
            }
            values.add(item.asText());
        }
        return values;
    }
}
