package com.keyhold.kms.customkeystoreconnection.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DeleteParameterRequest;
import software.amazon.awssdk.services.ssm.model.DeleteParameterResponse;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;
import software.amazon.awssdk.services.ssm.model.PutParameterResponse;

/** An in-memory Parameter Store for unit tests, with a call log and scripted errors. */
public final class FakeSsm implements SsmClient {
    private final TreeMap<String, String> parameters = new TreeMap<>();
    private final List<String> calls = new ArrayList<>();
    private final List<Supplier<RuntimeException>> nextErrors = new ArrayList<>();

    public FakeSsm throwNext(final Supplier<RuntimeException> error) {
        nextErrors.add(error);
        return this;
    }

    public TreeMap<String, String> parameters() {
        return parameters;
    }

    public List<String> calls() {
        return calls;
    }

    @Override
    public PutParameterResponse putParameter(final PutParameterRequest request) {
        record("PutParameter " + request.name());
        if (parameters.containsKey(request.name()) && !Boolean.TRUE.equals(request.overwrite())) {
            throw ParameterAlreadyExistsException.builder().message("The parameter already exists.").build();
        }
        parameters.put(request.name(), request.value());
        return PutParameterResponse.builder().version(1L).build();
    }

    @Override
    public GetParameterResponse getParameter(final GetParameterRequest request) {
        record("GetParameter " + request.name());
        final String value = parameters.get(request.name());
        if (value == null) {
            throw ParameterNotFoundException.builder().message("ParameterNotFound").build();
        }
        return GetParameterResponse.builder().parameter(Parameter.builder().name(request.name()).value(value).build())
            .build();
    }

    @Override
    public DeleteParameterResponse deleteParameter(final DeleteParameterRequest request) {
        record("DeleteParameter " + request.name());
        if (parameters.remove(request.name()) == null) {
            throw ParameterNotFoundException.builder().message("ParameterNotFound").build();
        }
        return DeleteParameterResponse.builder().build();
    }

    @Override
    public GetParametersByPathResponse getParametersByPath(final GetParametersByPathRequest request) {
        record("GetParametersByPath " + request.path());
        final List<String> names = parameters.keySet().stream().filter(n -> n.startsWith(request.path() + "/"))
            .collect(Collectors.toList());
        final int start = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
        final int end = Math.min(names.size(), start + request.maxResults());
        final List<Parameter> page = names.subList(start, end).stream()
            .map(n -> Parameter.builder().name(n).value(parameters.get(n)).build()).collect(Collectors.toList());
        return GetParametersByPathResponse.builder().parameters(page)
            .nextToken(end < names.size() ? String.valueOf(end) : null).build();
    }

    @Override
    public String serviceName() {
        return "ssm";
    }

    @Override
    public void close() {
    }

    private void record(final String call) {
        calls.add(call);
        if (!nextErrors.isEmpty()) {
            throw nextErrors.remove(0).get();
        }
    }
}
