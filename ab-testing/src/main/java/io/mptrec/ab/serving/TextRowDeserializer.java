package io.mptrec.ab.serving;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.DupDetector;
import com.fasterxml.jackson.core.json.JsonReadContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import io.mptrec.model.data.TextRow;

import java.io.IOException;
import java.util.Map;

/**
 * Reads a JSON object of strings (or nulls) as a {@link TextRow}: the names as the parser gives them (its canonical
 * strings) and the values' characters copied from its buffer, without a map entry or a string per cell. Accepts and
 * refuses what Jackson's map deserializer does for a {@code Map<String, String>}, with the same errors (a value that
 * is no string names its path). A name given twice in a row is refused with the parser's own error, as kernel's
 * StrictJson has the parser refuse it in every object ({@code STRICT_DUPLICATE_DETECTION}), but by the row's builder:
 * the parser's check is off for the row's object while it is read.
 */
public final class TextRowDeserializer extends StdDeserializer<Map<String, String>> {

    /** One builder per thread, reset for each row: a row then allocates its names, characters and bounds only. */
    private static final ThreadLocal<TextRow.Builder> BUILDER = ThreadLocal.withInitial(TextRow.Builder::new);

    public TextRowDeserializer() {
        super(Map.class);
    }

    @Override
    public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        JsonReadContext object = null;
        DupDetector parsersCheck = null;
        if (token == JsonToken.START_OBJECT) {
            // the builder refuses a repeated name with one reused table; the parser's check makes a hash set per row
            // (28 % of what reading rows allocated, ab-testing/BENCHMARK.md). Given back below: the parser reuses
            // this context for the next object at this depth.
            if (p.getParsingContext() instanceof JsonReadContext context && context.getDupDetector() != null) {
                object = context;
                parsersCheck = context.getDupDetector();
                object.withDupDetector(null);
            }
            token = p.nextToken();
        } else if (token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT) {
            @SuppressWarnings("unchecked")
            Map<String, String> refused = (Map<String, String>) ctxt.handleUnexpectedToken(Map.class, p);
            return refused;
        }
        try {
            return read(p, ctxt, token);
        } finally {
            if (object != null) {
                object.withDupDetector(parsersCheck);
            }
        }
    }

    private static TextRow read(JsonParser p, DeserializationContext ctxt, JsonToken first) throws IOException {
        TextRow.Builder row = BUILDER.get().reset();
        for (JsonToken token = first; token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            String name = p.currentName();
            try {
                row.name(name);
            } catch (TextRow.DuplicateNameException e) {
                // the parser's own error, where it would have raised it: before the value is read
                throw new JsonParseException(p, "Duplicate field '" + name + "'");
            }
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_STRING) {
                row.value(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            } else if (value == JsonToken.VALUE_NULL) {
                row.value(null);
            } else {
                try {
                    // refused, as by Jackson's map of strings (the strict mapper coerces no scalar to text)
                    row.value(StringDeserializer.instance.deserialize(p, ctxt));
                } catch (IOException e) {
                    throw JsonMappingException.wrapWithPath(e, row, name);
                }
            }
        }
        return row.build();
    }
}
