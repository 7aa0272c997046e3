package io.mptrec.kernel.rest;

import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;

/**
 * The answer to a create: 201 with the new resource's {@code Location} (the request's path plus its id). Uploads are
 * idempotent by content, so a second upload of the same bytes answers 200 with what is already stored.
 */
public final class Created {

    private Created() {
    }

    public static <T> RestResponse<T> at(UriInfo uri, String id, T entity) {
        URI location = uri.getAbsolutePathBuilder().path(id).build();
        return RestResponse.ResponseBuilder.<T>created(location).entity(entity).build();
    }

    /** 201 at {@code id} when the upload stored something new, else 200 with the existing resource. */
    public static <T> RestResponse<T> orExisting(boolean created, UriInfo uri, String id, T entity) {
        return created ? at(uri, id, entity) : RestResponse.ok(entity);
    }
}
