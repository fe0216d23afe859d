package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** Checks of a request's JSON body: each fails with a {@link BadRequest} naming the field. */
final class Body {
    private Body() {
    }

    /** An object with none but these fields. */
    static void known(JsonNode body, Set<String> fields, String what) {
        if (body == null || !body.isObject()) {
            throw new BadRequest("the body must be a JSON object" + what);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw new BadRequest("unknown field '" + f + "' (known: " + String.join(", ", fields.stream().sorted().toList()) + ")");
            }
        }
    }

    static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadRequest(field + " is required (a string)");
        }
        return v.asText();
    }

    static int number(JsonNode o, String field, int otherwise, int min, int max) {
        JsonNode v = o.get(field);
        if (v == null) {
            return otherwise;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new BadRequest(field + " must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }
}
