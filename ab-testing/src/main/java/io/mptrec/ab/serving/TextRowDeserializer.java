package io.mptrec.ab.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * is no string names its path), and duplicate names refused by the parser ({@code STRICT_DUPLICATE_DETECTION},
 * kernel's StrictJson).
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
        if (token == JsonToken.START_OBJECT) {
            token = p.nextToken();
        } else if (token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT) {
            @SuppressWarnings("unchecked")
            Map<String, String> refused = (Map<String, String>) ctxt.handleUnexpectedToken(Map.class, p);
            return refused;
        }
        TextRow.Builder row = BUILDER.get().reset();
        for (; token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_STRING) {
                row.append(name, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            } else if (value == JsonToken.VALUE_NULL) {
                row.append(name, null);
            } else {
                try {
                    // refused, as by Jackson's map of strings (the strict mapper coerces no scalar to text)
                    row.append(name, StringDeserializer.instance.deserialize(p, ctxt));
                } catch (IOException e) {
                    throw JsonMappingException.wrapWithPath(e, row, name);
                }
            }
        }
        return row.build();
    }
}
