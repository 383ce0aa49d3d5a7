package org.vigil.sigma;

/** A Sigma rule Vigil refuses to convert: the reason and what in the rule caused it. */
public final class SigmaException extends Exception {
    private final SigmaRefusal reason;

    public SigmaException(SigmaRefusal reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public SigmaRefusal reason() {
        return reason;
    }
}
