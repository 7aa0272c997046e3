package io.mptrec.governance.ui.page;

/** A page action the viewer's roles do not allow; the message says which role it needs. */
public class ActionForbidden extends RuntimeException {

    public ActionForbidden(String message) {
        super(message);
    }
}
