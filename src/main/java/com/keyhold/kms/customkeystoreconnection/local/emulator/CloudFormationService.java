package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * CloudFormation's DescribeStackResources on the AWS query protocol ({@code POST /}, form-encoded, {@code
 * Version=2010-05-15}, XML answers), for the stacks of whoever registered a {@link Stacks} (the local runner): the
 * call Keyhold's handlers make to tell whether a record's stack still holds a key store. Without a registered
 * directory it answers as CloudFormation does for an account with no stacks: every stack "does not exist".
 */
public final class CloudFormationService {
    static final String OPERATION = "DescribeStackResources";
    private static final String NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    /** Where the stacks live. */
    public interface Stacks {
        /** One resource of a stack. */
        record Resource(String stackId, String stackName, String logicalId, String physicalId, String type,
                        String status, String timestamp) {
        }

        /**
         * The resources of the stack {@code stackNameOrId} names (a running stack by name or id, as CloudFormation
         * takes either); empty when no such stack exists.
         */
        Optional<List<Resource>> resources(String stackNameOrId);
    }

    private CloudFormationService() {
    }

    static void handle(final HttpExchange exchange, final byte[] body, final SigV4Verifier verifier,
                       final Faults faults, final RequestLog log, final Clock clock, final Stacks stacks)
        throws IOException {
        final Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
        final String action = String.valueOf(form.get("Action"));
        try {
            verifier.verify(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders()::get,
                body, "cloudformation");
            if (!OPERATION.equals(action) || !"POST".equals(exchange.getRequestMethod())) {
                throw ApiException.client("InvalidAction", "The action " + action + " is not valid for this endpoint"
                    + "; it serves " + OPERATION + " only.");
            }
            final Faults.Verdict verdict = faults.before(false, action, null);
            if (verdict instanceof Faults.Fail fail) {
                throw fail.error();
            }
            final String stackName = form.get("StackName");
            if (stackName == null || form.containsKey("PhysicalResourceId")) {
                throw ApiException.client("ValidationError", "Specify StackName (this emulator does not look stacks "
                    + "up by PhysicalResourceId).");
            }
            final String logicalId = form.get("LogicalResourceId");
            final Optional<List<Stacks.Resource>> listed = stacks == null ? Optional.empty()
                : stacks.resources(stackName);
            final List<Stacks.Resource> resources = listed.orElseThrow(() ->
                ApiException.client("ValidationError", "Stack with id " + stackName + " does not exist"));
            final StringBuilder xml = new StringBuilder("<DescribeStackResourcesResponse xmlns=\"" + NS + "\">"
                + "<DescribeStackResourcesResult><StackResources>");
            for (Stacks.Resource r : resources) {
                if (logicalId != null && !logicalId.equals(r.logicalId())) {
                    continue;
                }
                xml.append("<member>").append(element("StackId", r.stackId()))
                    .append(element("StackName", r.stackName())).append(element("LogicalResourceId", r.logicalId()))
                    .append(element("PhysicalResourceId", r.physicalId())).append(element("ResourceType", r.type()))
                    .append(element("Timestamp", r.timestamp())).append(element("ResourceStatus", r.status()))
                    .append("</member>");
            }
            xml.append("</StackResources></DescribeStackResourcesResult><ResponseMetadata><RequestId>")
                .append(UUID.randomUUID()).append("</RequestId></ResponseMetadata></DescribeStackResourcesResponse>");
            log.add(new RequestLog.Entry(clock.instant(), action, null, RequestLog.OK));
            send(exchange, 200, xml.toString());
        } catch (ApiException e) {
            log.add(new RequestLog.Entry(clock.instant(), action, null, e.type()));
            send(exchange, e.status(), "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>"
                + (e.status() >= 500 ? "Receiver" : "Sender") + "</Type>" + element("Code", e.type())
                + element("Message", e.getMessage()) + "</Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>");
        } catch (RuntimeException e) {
            log.add(new RequestLog.Entry(clock.instant(), action, null, "InternalFailure"));
            send(exchange, 500, "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Receiver</Type>"
                + element("Code", "InternalFailure") + element("Message", "Keyhold emulator failure: " + e)
                + "</Error></ErrorResponse>");
        }
    }

    private static Map<String, String> form(final String body) {
        final Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            final int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static String element(final String name, final String value) {
        if (value == null) {
            return "";
        }
        return "<" + name + ">" + value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</" + name
            + ">";
    }

    private static void send(final HttpExchange exchange, final int status, final String xml) throws IOException {
        final byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }
}
