package io.mptrec.model.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.model.artifact.CanonicalJson;
import io.mptrec.model.report.ContributionReport.Attributions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One golden report per schema version (src/test/resources/golden/reports/v&lt;n&gt;, written by {@link GoldenReports}):
 * the current reader reads each of them and writes each back byte for byte, and the current writer reproduces them
 * from the golden v1 artifacts: every key, text and integer exactly, every fraction to float32 summation order (1e-6
 * of its scale; the goldens were written before the engine's products went to OpenBLAS directly, which sums in
 * another order: model-core/BENCHMARKS.md). {@code codeVersion} is the one field that may change with a release, so
 * the recomputed report carries the golden's before the two are compared.
 */
class GoldenReportTests {

    static Path resources;

    @BeforeAll
    static void locate() throws Exception {
        resources = Path.of(GoldenReportTests.class.getResource("/golden").toURI()).getParent();
    }

    @Test
    void shouldHaveAGoldenReportForEveryReadableSchemaVersion() {
        assertThat(ContributionReport.READABLE_VERSIONS).allSatisfy(v -> assertThat(golden(v)).exists());
        assertThat(ContributionReport.READABLE_VERSIONS).contains(ContributionReport.SCHEMA_VERSION);
    }

    @ParameterizedTest(name = "schema version {0}")
    @ValueSource(ints = {1, 2})
    void shouldReadTheGoldenReportAndWriteItBackByteForByte(int version) throws Exception {
        String text = Files.readString(golden(version), StandardCharsets.UTF_8);
        ContributionReport report = ContributionReport.fromJson(text);
        assertThat(report.schemaVersion()).isEqualTo(version);
        assertThat(report.task()).isEqualTo("income");
        assertThat(report.attributions().fields()).hasSize(38);
        assertThat(report.attributions().baselineUsed())
                .isEqualTo(version == 1 ? AttributionBaseline.ZERO : AttributionBaseline.EXPECTED_GRADIENTS);
        assertThat(report.toJson() + "\n").isEqualTo(text);
    }

    @Test
    void shouldReproduceTheCurrentVersionsGoldenReport() throws Exception {
        String text = Files.readString(golden(ContributionReport.SCHEMA_VERSION), StandardCharsets.UTF_8);
        ContributionReport golden = ContributionReport.fromJson(text);
        ContributionReport computed = GoldenReports.compute(resources, GoldenReports.OPTIONS);
        assertSameReport(withCodeVersion(computed, golden.codeVersion()).toJson(), text);
    }

    /** Version 1 knew only the zero baseline: today's zero-baseline report is it, plus the two version-2 keys. */
    @Test
    void shouldReproduceTheVersion1GoldenReportWithTheZeroBaseline() throws Exception {
        String text = Files.readString(golden(1), StandardCharsets.UTF_8);
        ContributionReport golden = ContributionReport.fromJson(text);
        ContributionReport computed = GoldenReports.compute(resources, GoldenReports.OPTIONS_V1);
        assertThat(computed.attributions().baselineKind()).isEqualTo("zero");
        assertThat(computed.attributions().baseline()).isEqualTo(golden.attributions().baseline());
        Attributions a = computed.attributions();
        ContributionReport asVersion1 = new ContributionReport(1, computed.task(), computed.stage(), computed.promptSha256(),
                computed.encoderSha256(), golden.codeVersion(), computed.evaluation(), computed.gate(), computed.attention(),
                new Attributions(a.method(), a.target(), a.baseline(), null, null, a.steps(), a.baselineLogit(), a.fields(),
                        a.completeness(), a.occlusionRankCorrelation()),
                computed.nonInterference());
        assertSameReport(asVersion1.toJson(), text);
    }

    /** The same keys in the same order, texts and integers equal, fractions within 1e-6 of their scale. */
    private static void assertSameReport(String actual, String expected) throws Exception {
        assertSameNode("$", CanonicalJson.MAPPER.readTree(actual), CanonicalJson.MAPPER.readTree(expected));
    }

    private static void assertSameNode(String path, JsonNode actual, JsonNode expected) {
        if (expected.isFloatingPointNumber()) {
            assertThat(actual.isNumber()).as(path).isTrue();
            assertThat(actual.doubleValue()).as(path)
                    .isCloseTo(expected.doubleValue(), within(1e-6 * Math.max(1, Math.abs(expected.doubleValue()))));
        } else if (expected.isContainerNode()) {
            assertThat(actual.getNodeType()).as(path).isEqualTo(expected.getNodeType());
            List<String> names = new ArrayList<>();
            expected.fieldNames().forEachRemaining(names::add);
            List<String> actualNames = new ArrayList<>();
            actual.fieldNames().forEachRemaining(actualNames::add);
            assertThat(actualNames).as(path).isEqualTo(names);
            assertThat(actual.size()).as(path).isEqualTo(expected.size());
            for (int i = 0; expected.isArray() && i < expected.size(); i++) {
                assertSameNode(path + "[" + i + "]", actual.get(i), expected.get(i));
            }
            for (String name : names) {
                assertSameNode(path + "." + name, actual.get(name), expected.get(name));
            }
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    private static Path golden(int version) {
        return resources.resolve("golden/reports/v" + version).resolve(GoldenReports.FILE);
    }

    private static ContributionReport withCodeVersion(ContributionReport r, String codeVersion) {
        return new ContributionReport(r.schemaVersion(), r.task(), r.stage(), r.promptSha256(), r.encoderSha256(),
                codeVersion, r.evaluation(), r.gate(), r.attention(), r.attributions(), r.nonInterference());
    }
}
