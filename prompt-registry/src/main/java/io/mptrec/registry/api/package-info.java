/**
 * The registry's published entry point for other modules (ab-testing, governance-ui): {@link
 * io.mptrec.registry.api.PromptRegistry} and the records it returns or fires. Other modules ask the registry through
 * it and never write a registry table; the rule "may this version take live traffic" lives behind it, nowhere else.
 */
package io.mptrec.registry.api;
