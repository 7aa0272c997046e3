package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.artifact.TaskPromptArtifact;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pretrain, tune and evaluate on an impression log with side tables (quoted fields, a user missing from its table), a
 * split by date and a user column, from the schema alone.
 */
class RecommenderLogCommandTests {

    private static final String SCHEMA = """
            {
              "name": "synthetic-log",
              "file": "log.csv",
              "userColumn": "user_id",
              "format": {"header": true},
              "columns": [
                {"name": "user_id", "role": "categorical", "minCount": 3},
                {"name": "video_id", "role": "categorical"},
                {"name": "date", "role": "ignored"},
                {"name": "is_click", "role": "ignored"},
                {"name": "is_like", "role": "ignored"},
                {"name": "long_view", "role": "ignored"}
              ],
              "joins": [
                {"file": "users.csv", "key": "user_id", "columns": [
                  {"name": "fans_range", "role": "categorical"}, {"name": "register_days", "role": "numeric"}]},
                {"file": "videos.csv", "key": "video_id", "columns": [{"name": "tag", "role": "categorical"}]}
              ],
              "labels": {"click": "is_click == 1", "like": "is_like == 1", "long_view": "long_view == 1"},
              "split": {"type": "range", "column": "date", "train": [20220425, 20220428],
                        "validation": [20220429, 20220429], "test": [20220430, 20220430]}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void shouldPretrainTuneAndEvaluateWithGaucFromTheSchemaAlone() throws Exception {
        Path schema = writeDataset();
        Path artifacts = dir.resolve("artifacts");

        String[] printed = new String[1];
        String pretrained = captureErr(() -> printed[0] = captureOut(() -> assertThat(MptrecCommand.execute("pretrain",
                "--schema", schema.toString(), "--tasks", "click,like", "--out", artifacts.toString(), "--epochs", "1",
                "--batch-size", "32")).isZero()));
        assertThat(printed[0]).containsPattern("task prompt click .* test AUC 0\\.\\d{4}  logloss \\d\\.\\d{4}  GAUC [01]\\.\\d{4}");
        // user 39 is not in users.csv: its 30 rows (all days) miss the user's columns
        assertThat(pretrained).contains("joined users.csv on user_id (39 rows): 30 of 1200 rows (1 distinct keys) have no match")
                .contains("joined videos.csv on video_id (20 rows): 0 of 1200 rows (0 distinct keys) have no match");

        String tuned = captureOut(() -> assertThat(MptrecCommand.execute("tune", "--schema", schema.toString(),
                "--artifacts", artifacts.toString(), "--task", "long_view", "--epochs", "1", "--batch-size", "32",
                "--no-report")).isZero());
        assertThat(tuned).containsPattern("test AUC 0\\.\\d{4}  logloss \\d\\.\\d{4}  GAUC [01]\\.\\d{4} \\(200 rows\\)");

        String evaluated = captureOut(() -> assertThat(MptrecCommand.execute("evaluate", "--schema", schema.toString(),
                "--artifacts", artifacts.toString())).isZero());
        for (String task : new String[] {"click", "like", "long_view"}) {
            assertThat(evaluated).containsPattern(task + " +test +auc +0\\.\\d{4}  \\(n=200, positives=\\d+\\)")
                    .containsPattern(task + " +test +logloss +\\d\\.\\d{4}")
                    .containsPattern(task + " +test +gauc +[01]\\.\\d{4}  \\(n=\\d+, positives=\\d+, users with both classes=\\d+\\)");
            // the artifact records the test GAUC that evaluate recomputes from the stored weights
            OfflineMetric recorded = TaskPromptArtifact.read(artifacts.resolve("prompt-" + task)).metadata().lineage()
                    .metrics().stream().filter(m -> m.task().equals(task) && m.split().equals("test") && m.metric().equals("gauc"))
                    .findFirst().orElseThrow();
            assertThat(evaluated).contains(String.format("gauc     %.4f  (n=%d, positives=%d,", recorded.value(),
                    recorded.samples(), recorded.positives()));
        }
    }

    /** 40 users, 20 videos, 6 days of 200 impressions; clicks follow the video's tag, likes the user, with noise. */
    private Path writeDataset() throws Exception {
        StringBuilder users = new StringBuilder("user_id,fans_range,register_days\n");
        for (int u = 0; u < 39; u++) { // user 39 is missing
            users.append(u).append(",\"[").append(u % 4 * 10).append(',').append(u % 4 * 10 + 10).append(")\",")
                    .append(100 + u * 7).append('\n');
        }
        StringBuilder videos = new StringBuilder("video_id,tag\n");
        for (int v = 0; v < 20; v++) {
            videos.append(v).append(v % 2 == 0 ? ",\"music, live\"\n" : ",sport\n");
        }
        StringBuilder log = new StringBuilder("user_id,video_id,date,is_click,is_like,long_view\n");
        SplittableRandom random = new SplittableRandom(1);
        for (int day = 0; day < 6; day++) {
            for (int i = 0; i < 200; i++) {
                int user = (day * 200 + i) % 40;
                int video = random.nextInt(20);
                boolean click = (video % 2 == 0) != random.nextDouble() < 0.2;
                boolean like = click && (user % 3 == 0) != random.nextDouble() < 0.1;
                boolean longView = (video % 4 < 2) != random.nextDouble() < 0.2;
                log.append(user).append(',').append(video).append(',').append(20220425 + day).append(',')
                        .append(click ? 1 : 0).append(',').append(like ? 1 : 0).append(',').append(longView ? 1 : 0)
                        .append('\n');
            }
        }
        Files.writeString(dir.resolve("users.csv"), users);
        Files.writeString(dir.resolve("videos.csv"), videos);
        Files.writeString(dir.resolve("log.csv"), log);
        return Files.writeString(dir.resolve("schema.json"), SCHEMA);
    }

    private static String captureOut(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String captureErr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
