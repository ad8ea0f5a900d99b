package dev.streamops.sidecar.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Validates request bodies with Jackson's streaming parser: no tree is built, the original bytes are
 * what gets published. Every string is decoded so that invalid UTF-8 counts as invalid JSON.
 */
final class JsonBodies {

    /** One JSON document of a request: its exact bytes and whether it is a termination report. */
    record Document(byte[] bytes, boolean terminationReport) {
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonBodies() {
    }

    /** One JSON value; an object with a top-level "status" field is a termination report. */
    static Document single(byte[] body) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw invalid("empty body");
            }
            boolean report = readValue(parser, first);
            if (parser.nextToken() != null) {
                throw invalid("content after the JSON document");
            }
            return new Document(body, report);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** A JSON array; each element becomes one document with its exact bytes. */
    static List<Document> array(byte[] body) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw invalid("empty body");
            }
            if (first != JsonToken.START_ARRAY) {
                throw invalid("expected a JSON array");
            }
            List<Document> documents = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                int start = (int) parser.currentTokenLocation().getByteOffset();
                boolean report = readValue(parser, token);
                int end = (int) parser.currentLocation().getByteOffset();
                documents.add(new Document(Arrays.copyOfRange(body, start, end), report));
            }
            if (parser.nextToken() != null) {
                throw invalid("content after the JSON array");
            }
            return documents;
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** Reads the value starting at {@code first} to its end; true if it is an object with a "status" field. */
    private static boolean readValue(JsonParser parser, JsonToken first) throws IOException {
        boolean report = false;
        int depth = 0;
        JsonToken token = first;
        while (true) {
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case FIELD_NAME -> report |= depth == 1 && first == JsonToken.START_OBJECT && "status".equals(parser.currentName());
                case VALUE_STRING -> parser.finishToken();
                default -> { }
            }
            if (depth == 0) {
                return report;
            }
            token = parser.nextToken();
            if (token == null) {
                throw invalid("unexpected end of input");
            }
        }
    }

    private static ApiException invalid(String why) {
        return new ApiException(400, "Invalid JSON data", 0, why);
    }

    private static ApiException invalid(IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return invalid(detail);
    }
}
