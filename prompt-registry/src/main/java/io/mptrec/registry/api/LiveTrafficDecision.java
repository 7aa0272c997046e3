package io.mptrec.registry.api;


/**
 * The registry's answer to "may this version take live traffic?".
 *
 * @param reason in words, naming the version, its status and the rule ({@link PromptRegistry#LIVE_TRAFFIC_RULE})
 */
public record LiveTrafficDecision(long versionId, String task, int number, VersionStatus status, boolean allowed,
                                  String reason) {
}
