package org.vigil.rules;

/** A rule file that cannot be used, with the file, the line (0 when unknown) and the reason. */
public final class RuleException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String reason;

    public RuleException(String file, int line, String reason) {
        this(file, line, reason, null);
    }

    public RuleException(String file, int line, String reason, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    /** 1-based line in the rule file, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
