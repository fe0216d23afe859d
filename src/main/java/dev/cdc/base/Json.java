package dev.cdc.base;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/** The project's one JSON mapper, and the few ways it writes and splices JSON text. */
public final class Json {
    private Json() {
    }

    /** Numbers keep their exact digits (numeric(40,20) stays exact). */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // PostgreSQL values go up to 1 GB, numerics to 131,072 digits
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
                            .maxNestingDepth(100_000).build())
                    .build())
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** A JSON array of strings as text, e.g. {@code ["uid"]}, and back: column lists kept in the catalog. */
    public static String write(List<String> names) {
        return write(MAPPER.valueToTree(names));
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> stringList(String json) {
        try {
            return List.of(MAPPER.readValue(json, String[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not a JSON array of strings: " + json, e);
        }
    }

    /** A JSON object's text with {@code fields} ({@code "a":1,"b":"x"}) as its first fields. */
    public static String withFields(String object, String fields) {
        String rest = object.substring(object.indexOf('{') + 1).stripLeading();
        return "{" + fields + (rest.startsWith("}") ? "" : ",") + rest;
    }

    /** {@code text} as a JSON string, quotes included. */
    public static String quoted(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, b);
        return b.append('"').toString();
    }
}
