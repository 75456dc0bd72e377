package com.keyhold.kms.customkeystoreconnection.protocol;

import java.util.List;
import org.json.JSONObject;

/** The request members the protocol and every handler rely on, whatever the resource type. */
public final class RequestCheck {
    private static final String STACK_ID_TAG = "aws:cloudformation:stack-id";
    private static final List<String> CREDENTIALS = List.of("accessKeyId", "secretAccessKey", "sessionToken");
    private static final String CALLER_CREDENTIALS = "the caller's temporary credentials: accessKeyId, "
        + "secretAccessKey and sessionToken";
    private static final String MISSING = "The request's %s %s; it must be %s. Keyhold changed nothing. CloudFormation "
        + "always sends it; a local runner or test harness must send it too.";

    private RequestCheck() {
    }

    /**
     * The first member the handlers need that the request lacks (absent, null, blank or not a string), named with what
     * CloudFormation sends there; null when all are there. Checked before any AWS call, so such a request changes
     * nothing and never writes an ownership record naming "stack null".
     *
     * <p>Every request needs {@code region}, {@code awsAccountId} and the three {@code callerCredentials} members (the
     * plugin's proxy requires the session token; CloudFormation always sends session credentials). A stack request also
     * needs {@code stackId} and {@code logicalResourceId}, which name the owner in the ownership record. A request is a
     * stack request when it has a {@code stackId} member at all, even a null one, or when its system tags name a stack.
     * CloudFormation sends the member with every stack operation; the CloudFormation CLI's contract tests and
     * {@code cfn invoke} leave it out entirely, and so does Cloud Control API, which has no stack (its maintainers: the
     * field "is purely a CloudFormation concept"). Those keep working without a stack id (guides/OPERATIONS.md).
     */
    public static String missingMember(final JSONObject request) {
        String problem = problem(request, "", "region", "the Region of the operation, for example us-east-1");
        if (problem == null) {
            problem = problem(request, "", "awsAccountId", "the 12-digit id of the account the operation runs in");
        }
        final JSONObject data = request.optJSONObject("requestData");
        final JSONObject credentials = data == null ? null : data.optJSONObject("callerCredentials");
        if (problem == null && credentials == null) {
            final String wrong = data == null || !data.has("callerCredentials") ? "is missing"
                : data.isNull("callerCredentials") ? "is null" : "is not an object";
            problem = String.format(MISSING, "requestData.callerCredentials", wrong, CALLER_CREDENTIALS);
        }
        for (int i = 0; problem == null && i < CREDENTIALS.size(); i++) {
            problem = problem(credentials, "requestData.callerCredentials.", CREDENTIALS.get(i), CALLER_CREDENTIALS);
        }
        if (problem == null && stackRequest(request, data)) {
            problem = problem(request, "", "stackId", "the stack's ARN, arn:aws:cloudformation:<region>:<account>:"
                + "stack/<name>/<id>, sent with every stack operation");
            if (problem == null) {
                problem = problem(data, "requestData.", "logicalResourceId",
                    "the resource's logical id in the stack's template");
            }
        }
        return problem;
    }

    /** What is wrong with one string member, or null when it is a string with text. */
    private static String problem(final JSONObject parent, final String prefix, final String name,
                                  final String expected) {
        final Object value = parent.opt(name);
        final String wrong;
        if (value == null) {
            wrong = "is missing";
        } else if (value == JSONObject.NULL) {
            wrong = "is null";
        } else if (!(value instanceof String text)) {
            wrong = "is not a string";
        } else if (text.isBlank()) {
            wrong = "is empty";
        } else {
            return null;
        }
        return String.format(MISSING, prefix + name, wrong, expected);
    }

    private static boolean stackRequest(final JSONObject request, final JSONObject data) {
        return request.has("stackId") || data != null && (namesStack(data.optJSONObject("systemTags"))
            || namesStack(data.optJSONObject("previousSystemTags")));
    }

    private static boolean namesStack(final JSONObject tags) {
        return tags != null && tags.has(STACK_ID_TAG);
    }
}
