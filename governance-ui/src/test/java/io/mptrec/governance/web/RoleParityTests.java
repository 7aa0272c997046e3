package io.mptrec.governance.web;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.ui.UiSession;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.kernel.security.Permission;
import io.mptrec.kernel.security.Roles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pages and API agree on who may do what because both read the one table, {@link Permission}: every page route (its
 * {@link Requires}; none means every signed-in user) and every API operation (its {@code @RolesAllowed}, which must be
 * one permission's role set) is called as one user per role, and answers a refusal exactly when the table says so:
 * 403 (the 403 page under /ui), and anything but 401/403 otherwise. Ids that do not exist keep the allowed calls from
 * changing anything. The README's permission table is checked against the same table.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RoleParityTests {

    /** One user per role (application.properties). */
    static final Map<String, String> USER_OF_ROLE = new LinkedHashMap<>();

    static {
        USER_OF_ROLE.put(Roles.AUTHOR, "alice");
        USER_OF_ROLE.put(Roles.APPROVER, "bob");
        USER_OF_ROLE.put(Roles.RELEASE_MANAGER, "carol");
        USER_OF_ROLE.put(Roles.EXPERIMENTER, "erin");
        USER_OF_ROLE.put(Roles.AUDITOR, "dave");
        USER_OF_ROLE.put(Roles.ADMIN, "admin");
    }

    static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)(?:\\s*:\\s*([^}]+))?}");

    record Route(String verb, String path, Permission permission, String consumes) {
    }

    @Test
    void shouldRefuseEveryPageRouteToExactlyTheRolesThePermissionTableRefuses() {
        List<Route> routes = new ArrayList<>(routes("io.mptrec.governance.ui", "/ui", true));
        assertThat(routes).as("page routes").hasSizeGreaterThan(30);
        // signing out ends the session on the server: the last route each session takes
        routes.sort(java.util.Comparator.comparing(route -> route.path().equals("/ui/logout")));
        List<String> disagreements = new ArrayList<>();
        for (var entry : USER_OF_ROLE.entrySet()) {
            UiSession session = UiSession.signIn(entry.getValue());
            session.get("/ui");
            for (Route route : routes) {
                boolean allowed = route.permission() == null || route.permission().roles().contains(entry.getKey());
                Response r = pageRequest(session, route);
                boolean refused = r.statusCode() == 403 && r.asString().contains("may not");
                boolean signedOut = r.statusCode() == 302 && String.valueOf(r.header("Location")).contains("/login");
                if (allowed == refused || signedOut || r.statusCode() == 401) {
                    disagreements.add(entry.getValue() + " (" + entry.getKey() + ") " + route.verb() + " " + route.path()
                            + " needs " + route.permission() + ": " + r.statusCode());
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void shouldRefuseEveryApiOperationToExactlyTheRolesThePermissionTableRefuses() {
        List<Route> routes = routes("io.mptrec", "/api", false);
        assertThat(routes).as("API operations").hasSizeGreaterThan(30);
        List<String> disagreements = new ArrayList<>();
        for (var entry : USER_OF_ROLE.entrySet()) {
            for (Route route : routes) {
                boolean allowed = route.permission().roles().contains(entry.getKey());
                RequestSpecification spec = as(entry.getValue());
                if (!route.verb().equals("GET") && !route.verb().equals("DELETE")) {
                    spec = route.consumes().contains("json") ? spec.contentType("application/json").body("{}")
                            : spec.contentType(route.consumes()).body(new byte[0]);
                }
                int status = spec.request(route.verb(), route.path()).statusCode();
                if (allowed ? status == 401 || status == 403 : status != 403) {
                    disagreements.add(entry.getValue() + " (" + entry.getKey() + ") " + route.verb() + " " + route.path()
                            + " needs " + route.permission() + ": " + status);
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    /** The permission table of governance-ui/README.md states each permission with exactly its roles. */
    @Test
    void shouldStateThePermissionTableInTheReadmeAsTheCodeHasIt() throws IOException {
        String readme = Files.readString(java.nio.file.Path.of("README.md"));
        Map<Permission, Set<String>> stated = new EnumMap<>(Permission.class);
        Matcher row = Pattern.compile("(?m)^\\| ([A-Z_]+): [^|]*\\| ([^|]+) \\|$").matcher(readme);
        while (row.find()) {
            String roles = row.group(2).trim();
            stated.put(Permission.valueOf(row.group(1)), roles.equals("every role") ? new TreeSet<>(USER_OF_ROLE.keySet())
                    : Arrays.stream(roles.split(",")).map(String::trim).collect(Collectors.toCollection(TreeSet::new)));
        }
        Map<Permission, Set<String>> actual = new EnumMap<>(Permission.class);
        for (Permission p : Permission.values()) {
            actual.put(p, new TreeSet<>(p.roles()));
        }
        assertThat(stated).isEqualTo(actual);
    }

    private static Response pageRequest(UiSession session, Route route) {
        if (route.verb().equals("GET")) {
            return session.given().get(route.path());
        }
        if (route.consumes().startsWith(MediaType.MULTIPART_FORM_DATA)) {
            return session.given().multiPart("csrf-token", session.csrfToken()).multiPart("task", "parity-none")
                    .post(route.path());
        }
        return session.post(route.path());
    }

    /** Every resource method under {@code prefix}, path parameters filled with things that do not exist. */
    static List<Route> routes(String packageName, String prefix, boolean pages) {
        List<Route> routes = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        for (JavaClass c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(packageName)) {
            Class<?> type = c.reflect();
            Path base = type.getAnnotation(Path.class);
            if (base == null || !("/" + base.value()).replaceAll("/+", "/").startsWith(prefix)) {
                continue;
            }
            for (Method m : type.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST"
                        : m.isAnnotationPresent(PUT.class) ? "PUT" : m.isAnnotationPresent(PATCH.class) ? "PATCH"
                        : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb == null) {
                    continue;
                }
                Permission permission;
                if (pages) {
                    Requires requires = m.getAnnotation(Requires.class);
                    permission = requires == null ? null : requires.value();
                } else {
                    RolesAllowed roles = m.isAnnotationPresent(RolesAllowed.class) ? m.getAnnotation(RolesAllowed.class)
                            : type.getAnnotation(RolesAllowed.class);
                    permission = roles == null ? null : Arrays.stream(Permission.values())
                            .filter(p -> Set.copyOf(p.roles()).equals(Set.of(roles.value()))).findFirst().orElse(null);
                    if (permission == null) {
                        unmapped.add(type.getSimpleName() + "." + m.getName());
                        continue;
                    }
                }
                Consumes consumes = m.isAnnotationPresent(Consumes.class) ? m.getAnnotation(Consumes.class)
                        : type.getAnnotation(Consumes.class);
                String mediaType = consumes == null ? MediaType.APPLICATION_JSON : consumes.value()[0];
                Path sub = m.getAnnotation(Path.class);
                String template = ("/" + base.value() + (sub == null ? "" : "/" + sub.value())).replaceAll("/+", "/");
                if (template.length() > 1 && template.endsWith("/")) {
                    template = template.substring(0, template.length() - 1);
                }
                for (String path : expand(template)) {
                    routes.add(new Route(verb, path, permission, mediaType));
                }
            }
        }
        assertThat(unmapped).as("API operations whose @RolesAllowed is not one permission of the table").isEmpty();
        return routes;
    }

    static List<String> expand(String template) {
        Matcher m = PARAMETER.matcher(template);
        if (!m.find()) {
            return List.of(template);
        }
        List<String> choices = m.group(2) != null ? List.of(m.group(2).trim().split("\\|"))
                : List.of(m.group(1).equals("task") || m.group(1).equals("name") ? "parity-none" : "999999");
        List<String> out = new ArrayList<>();
        for (String choice : choices) {
            out.addAll(expand(template.substring(0, m.start()) + choice + template.substring(m.end())));
        }
        return out;
    }
}
