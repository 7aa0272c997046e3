package io.mptrec.ab.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import io.mptrec.model.data.TextColumn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON array of strings (or nulls) as a {@link TextColumn}: the characters of every value copied from the
 * parser's buffer into the column's one array, without a string per value. Accepts and refuses what Jackson's own
 * {@code List<String>} reading does, with the same errors (a value that is no string names its index, a column that
 * is no array its name).
 */
public final class TextColumnDeserializer extends StdDeserializer<List<String>> {

    /** One builder per thread, reset for each column: a column then allocates its characters and bounds only. */
    private static final ThreadLocal<TextColumn.Builder> BUILDER = ThreadLocal.withInitial(TextColumn.Builder::new);

    public TextColumnDeserializer() {
        super(List.class);
    }

    @Override
    public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.isExpectedStartArrayToken()) {
            @SuppressWarnings("unchecked")
            List<String> refused = (List<String>) ctxt.handleUnexpectedToken(
                    ctxt.getTypeFactory().constructCollectionType(ArrayList.class, String.class), p);
            return refused;
        }
        TextColumn.Builder column = BUILDER.get().reset();
        int index = 0;
        for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken(), index++) {
            if (token == JsonToken.VALUE_STRING) {
                column.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            } else if (token == JsonToken.VALUE_NULL) {
                column.appendNull();
            } else {
                try {
                    // refused, as by Jackson's list of strings (the strict mapper coerces no scalar to text)
                    column.append(StringDeserializer.instance.deserialize(p, ctxt));
                } catch (IOException e) {
                    throw JsonMappingException.wrapWithPath(e, column, index);
                }
            }
        }
        return column.build();
    }
}
