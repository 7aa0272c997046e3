package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RegistryConnectionTests {

    /** The registry's URL keeps its path: one behind a proxy's prefix was called at the host's root. */
    @Test
    void shouldCallTheApiUnderTheRegistrysPath() {
        RegistryConnection connection = new RegistryConnection();
        for (String[] c : new String[][] {{"http://localhost:8080", "http://localhost:8080/api/v1/tasks/a/versions"},
                {"http://localhost:8080/", "http://localhost:8080/api/v1/tasks/a/versions"},
                {"https://host/mptrec", "https://host/mptrec/api/v1/tasks/a/versions"},
                {"https://host/mptrec/", "https://host/mptrec/api/v1/tasks/a/versions"}}) {
            connection.registry = URI.create(c[0]);
            assertThat(connection.url("/api/v1/tasks/a/versions")).as(c[0]).hasToString(c[1]);
        }
    }
}
