package io.mptrec.registry.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.problem.ProblemMappers;
import io.mptrec.kernel.security.Names;
import io.mptrec.model.artifact.ArtifactException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the registry answers when model-core refuses an artifact (bad manifest, hash, shape): the client's error, a 400
 * on its body. Where the refusal comes from the JSON parser, model-core's message ends with the parser's own (its
 * class and feature names, the source it read): the answer keeps model-core's words and says the rest plainly, with
 * the line and column. Published so that the API (the registry's mapper) and the upload page answer alike.
 */
public final class ArtifactRefusals {

    /** Jackson's word for a literal such as NaN or Infinity, which JSON has no number for. */
    private static final Pattern NON_NUMBER = Pattern.compile("Non-standard token '([-+A-Za-z]{1,12})'.*",
            Pattern.DOTALL);

    private ArtifactRefusals() {
    }

    /** The 400 problem of an artifact model-core refused (a bad manifest, hash, shape), field {@code body} or the value's. */
    public static Problem problem(ArtifactException e) {
        JsonProcessingException json = e.getCause() instanceof JsonProcessingException j ? j : null;
        String message = e.getMessage();
        if (json == null || json.getMessage() == null || !message.endsWith(json.getMessage())) {
            return invalid(codes(message), "body");
        }
        // model-core's words, without the parser's message it appended (after ": ")
        String prefix = message.substring(0, message.length() - json.getMessage().length()).replaceAll(":\\s*$", "");
        if (json instanceof JsonMappingException mapping) {
            // the metadata read into model-core's records: the path of the value that did not fit
            String path = ProblemMappers.jsonProblem(mapping).field();
            String field = path == null ? "manifest.metadata" : "manifest.metadata." + path;
            return invalid(codes(prefix) + ": " + field + " is unknown or not of the type the format gives it", field);
        }
        JsonLocation at = json.getLocation();
        String where = at == null ? "" : String.format(Locale.ROOT, " at line %d, column %d", at.getLineNr(),
                at.getColumnNr());
        return invalid(codes(prefix) + where + ": " + reason(json.getOriginalMessage()), "body");
    }

    /**
     * model-core's message with any control character it quotes from the artifact (a file or array name) shown by its
     * code, never as itself.
     */
    private static String codes(String message) {
        StringBuilder out = new StringBuilder(message.length());
        message.codePoints().forEach(c -> out.append(Character.isISOControl(c)
                ? String.format(Locale.ROOT, "U+%04X", c) : Character.toString(c)));
        return out.toString();
    }

    /**
     * The parser's reason in plain words: a literal JSON has no number for ({@code NaN is not a number}), else its
     * first clause when that is printable and names nothing of the parser's own, else a general one.
     */
    private static String reason(String parser) {
        if (parser == null) {
            return "not JSON";
        }
        Matcher nonNumber = NON_NUMBER.matcher(parser);
        if (nonNumber.matches()) {
            return nonNumber.group(1) + " is not a number";
        }
        String clause = parser.split("\n| \\(start marker|\\[Source", 2)[0].strip();
        char[] chars = clause.toCharArray();
        boolean plain = !clause.isEmpty() && Names.isPrintableAscii(chars, 0, chars.length)
                && clause.indexOf('`') < 0 && clause.length() <= 200;
        return plain ? clause : "not JSON";
    }

    private static Problem invalid(String detail, String field) {
        return Problem.of(400, "invalid-artifact", "Invalid artifact", detail, field);
    }
}
