package io.mptrec.kernel.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;

/**
 * The one JSON reading policy of the application's API: a body means exactly what it says, or it is refused with a
 * 400 that names the field ({@link io.mptrec.kernel.problem.ProblemMappers#json}).
 * <ul>
 * <li>a key twice in one object is refused: which of {@code {"reason":"a","reason":"b"}} would be audited?</li>
 * <li>no scalar coercion: {@code true} or {@code 12} is not a text, {@code "12"} not a number, {@code 1.5} not an
 * integer, {@code 0} not an enum constant, {@code null} not a primitive; an integer is a floating-point number;
 * {@code "NaN"} and {@code "Infinity"} are texts, not numbers (Jackson takes them into a double whatever its coercion
 * settings, and a range check then refused {@code "NaN"} as "must be >= 0").</li>
 * <li>unknown properties are refused: a misspelt optional field ({@code "reasn"}) would otherwise be dropped and the
 * request carried out without it.</li>
 * </ul>
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        apply(mapper);
    }

    /** Last, so that no configuration default (Quarkus turns unknown-property failures off) undoes the policy. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    /** Applies the policy to {@code mapper} (also for mappers outside CDI that read the same bodies). */
    public static ObjectMapper apply(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        SimpleModule numbersOnly = new SimpleModule("numbers-only");
        numbersOnly.addDeserializer(Double.class, new NumberOnly(Double.class, false));
        numbersOnly.addDeserializer(double.class, new NumberOnly(double.class, true));
        mapper.registerModule(numbersOnly);
        return mapper;
    }

    /** A double from a JSON number only: a text (the special values included) is refused as the wrong type. */
    private static final class NumberOnly extends StdScalarDeserializer<Double> {

        private final NumberDeserializers.DoubleDeserializer numbers;

        NumberOnly(Class<Double> type, boolean primitive) {
            super(type);
            numbers = new NumberDeserializers.DoubleDeserializer(type, primitive ? 0.0 : null);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                return (Double) ctxt.handleUnexpectedToken(handledType(), p);
            }
            return numbers.deserialize(p, ctxt);
        }

        @Override
        public Double getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            return numbers.getNullValue(ctxt);
        }
    }
}
