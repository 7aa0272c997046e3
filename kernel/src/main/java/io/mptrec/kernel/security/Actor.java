package io.mptrec.kernel.security;

/** Who acts: the authenticated user's name, and whether an admin bypass is open to them. */
public record Actor(String name, boolean admin) {

    /** The registry itself (seeding at first start). */
    public static final Actor SYSTEM = new Actor("system", false);
}
