package io.mptrec.model.training;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this code, recorded in every artifact's lineage. */
public final class CodeVersion {

    private static final String VERSION = load();

    private CodeVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = CodeVersion.class.getResourceAsStream("/io/mptrec/model/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return "mptrec-model-core " + p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "mptrec-model-core unknown";
        }
    }
}
