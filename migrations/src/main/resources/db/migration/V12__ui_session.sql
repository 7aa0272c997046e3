-- Version 12: the pages' signed-in sessions (the sign-in form; Keycloak keeps its own). The form's session cookie is
-- sealed but stateless, so signing out only dropped it from the browser, and a copy of it stayed valid; now each
-- sign-in opens a row here, named by a second cookie (mptrec-session: 256 random bits), every page request needs
-- its row, and signing out deletes it, on every instance of the application at once.
CREATE TABLE ui_session (
    id           VARCHAR(64)              NOT NULL,
    user_name    VARCHAR(200)             NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_ui_session PRIMARY KEY (id)
);
CREATE INDEX ix_ui_session_last_seen ON ui_session (last_seen_at);
