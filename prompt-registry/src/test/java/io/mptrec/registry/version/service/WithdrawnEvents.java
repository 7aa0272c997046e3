package io.mptrec.registry.version.service;

import io.mptrec.registry.api.VersionWithdrawn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test observer of {@link VersionWithdrawn}: keeps what it saw, and refuses (throws) for the task named
 * {@link #VETOED_TASK}, as an observer that fails inside the change's transaction would.
 */
@ApplicationScoped
public class WithdrawnEvents {

    static final String VETOED_TASK = "vetoed";

    private final List<VersionWithdrawn> seen = new CopyOnWriteArrayList<>();

    void on(@Observes VersionWithdrawn event) {
        if (VETOED_TASK.equals(event.task())) {
            throw new IllegalStateException("observer refuses the withdrawal of version " + event.number());
        }
        seen.add(event);
    }

    List<VersionWithdrawn> of(String task) {
        return seen.stream().filter(e -> e.task().equals(task)).toList();
    }
}
