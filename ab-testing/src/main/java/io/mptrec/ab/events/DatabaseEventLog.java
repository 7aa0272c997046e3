package io.mptrec.ab.events;

import io.mptrec.ab.kpi.KpiRequests.KpiAck;
import io.mptrec.ab.kpi.KpiRequests.KpiEventRequest;
import io.mptrec.ab.kpi.service.KpiEventService;
import io.mptrec.ab.serving.Exposure;
import io.mptrec.ab.serving.service.ExposureWriter;

import java.util.List;

/** The direct path: the exposure writer's batched inserts and the KPI service's idempotent commit. */
final class DatabaseEventLog implements EventLog {

    private final ExposureWriter exposures;
    private final KpiEventService kpi;

    DatabaseEventLog(ExposureWriter exposures, KpiEventService kpi) {
        this.exposures = exposures;
        this.kpi = kpi;
    }

    @Override
    public void exposure(Exposure exposure) {
        exposures.write(exposure);
    }

    @Override
    public KpiAck kpiEvents(List<KpiEventRequest> events) {
        return kpi.persistEvents(events);
    }

    @Override
    public void awaitReadable() {
        exposures.awaitStored();
    }
}
