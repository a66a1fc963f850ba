package io.l2sm.conformance;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One case's outcome.
 *
 * @param result pass, fail (the evidence contradicts the expectation) or error (it could not run)
 * @param evidence what was observed: frames counted, replies, status read
 */
@JsonPropertyOrder({"group", "name", "result", "evidence", "seconds"})
public record CaseResult(
    String group, String name, String result, String evidence, double seconds) {}
