/**
 * The tfplugin6 Provider service over a FakeProvider: decodes msgpack values, calls
 * the provider, encodes the answer. Anything that throws becomes an error diagnostic
 * naming the RPC, so Terraform shows it instead of a broken connection.
 */
import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { Diagnostics, toProtocolDiagnostic, toProtocolPath } from '../engine/diagnostics';
import type { FakeProvider } from '../engine/provider';
import { toProtocolSchema } from '../schema/schema';
import { decodeValue, encodeValue } from '../values/msgpack';
import { isObject, type ObjectValue, type Value } from '../values/value';

type Request = Record<string, any>;
type Handler = (request: Request) => object;

/**
 * Like the real providers (terraform-plugin-framework v1.14 fwserver/server_capabilities.go
 * for null, random and tls; terraform-plugin-mux v0.20 tf6muxserver for ionoscloud),
 * the schema is optional: Terraform asks one instance per command and keeps the answer.
 */
const CAPABILITIES = { plan_destroy: false, get_provider_schema_optional: true, move_resource_state: false };

export function providerService(provider: FakeProvider): UntypedServiceImplementation {
  const { definition } = provider;
  const schema = definition.schema;
  // Built once: a plugin the harness runs answers many commands.
  let protocolSchema: object | undefined;
  /** The answer to a stack that uses what the provider has and the fake cloud does not model. */
  const notModelled = (what: string, use: string) => ({
    diagnostics: [
      toProtocolDiagnostic({
        severity: 'error',
        summary: `The fake cloud does not model ${what}`,
        detail: `Add its behaviour to fake-cloud/providers/${definition.name} before a stack ${use} it.`,
      }),
    ],
  });
  const handlers: Record<string, Handler> = {
    GetMetadata: () => ({
      server_capabilities: CAPABILITIES,
      resources: Object.keys(schema.resource_schemas).map((type_name) => ({ type_name })),
      data_sources: Object.keys(schema.data_source_schemas ?? {}).map((type_name) => ({ type_name })),
      ephemeral_resources: Object.keys(schema.ephemeral_resource_schemas ?? {}).map((type_name) => ({ type_name })),
    }),
    GetProviderSchema: () => (protocolSchema ??= {
      provider: toProtocolSchema(schema.provider),
      resource_schemas: mapValues(schema.resource_schemas, toProtocolSchema),
      data_source_schemas: mapValues(schema.data_source_schemas ?? {}, toProtocolSchema),
      ephemeral_resource_schemas: mapValues(schema.ephemeral_resource_schemas ?? {}, toProtocolSchema),
      server_capabilities: CAPABILITIES,
    }),
    ValidateProviderConfig: (request) => {
      const diagnostics = new Diagnostics();
      definition.validateConfig?.(objectOf(decodeValue(request.config?.msgpack)), diagnostics);
      return { diagnostics: diagnostics.list.map(toProtocolDiagnostic) };
    },
    ConfigureProvider: (request) => {
      const diagnostics = new Diagnostics();
      definition.configure?.(objectOf(decodeValue(request.config?.msgpack)), diagnostics);
      return { diagnostics: diagnostics.list.map(toProtocolDiagnostic) };
    },
    ValidateResourceConfig: (request) => ({
      diagnostics: provider.validateResource(request.type_name, objectOf(decodeValue(request.config?.msgpack))).list.map(toProtocolDiagnostic),
    }),
    ValidateDataResourceConfig: (request) => notModelled(`data source ${request.type_name}`, 'reads'),
    UpgradeResourceState: (request) => {
      const { state, diagnostics } = provider.upgrade(request.type_name, Buffer.from(request.raw_state?.json ?? '').toString('utf8') || 'null');
      return { upgraded_state: { msgpack: encodeValue(state) }, diagnostics: diagnostics.list.map(toProtocolDiagnostic) };
    },
    ReadResource: (request) => {
      const { state, diagnostics } = provider.read(request.type_name, objectOrNull(decodeValue(request.current_state?.msgpack)));
      return { new_state: { msgpack: encodeValue(state) }, private: request.private, diagnostics: diagnostics.list.map(toProtocolDiagnostic) };
    },
    PlanResourceChange: (request) => {
      const { planned, requiresReplace, diagnostics } = provider.plan(
        request.type_name,
        objectOrNull(decodeValue(request.prior_state?.msgpack)),
        objectOrNull(decodeValue(request.proposed_new_state?.msgpack)),
        objectOrNull(decodeValue(request.config?.msgpack)),
      );
      return {
        planned_state: { msgpack: encodeValue(planned) },
        requires_replace: requiresReplace.map(toProtocolPath),
        planned_private: request.prior_private,
        diagnostics: diagnostics.list.map(toProtocolDiagnostic),
      };
    },
    ApplyResourceChange: (request) => {
      const { state, diagnostics } = provider.apply(
        request.type_name,
        objectOrNull(decodeValue(request.prior_state?.msgpack)),
        objectOrNull(decodeValue(request.planned_state?.msgpack)),
      );
      return { new_state: { msgpack: encodeValue(state) }, private: request.planned_private, diagnostics: diagnostics.list.map(toProtocolDiagnostic) };
    },
    ValidateEphemeralResourceConfig: (request) => notModelled(`ephemeral resource ${request.type_name}`, 'opens'),
    ReadDataSource: (request) => notModelled(`data source ${request.type_name}`, 'reads'),
    // Nothing runs in the background that a stop would have to end.
    StopProvider: () => ({ Error: '' }),
  };
  return Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, unary(name, handler)]));
}

function unary(name: string, handler: Handler) {
  return (call: ServerUnaryCall<Request, object>, callback: sendUnaryData<object>) => {
    try {
      callback(null, handler(call.request));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      callback(null, { diagnostics: [toProtocolDiagnostic({ severity: 'error', summary: `fake cloud: ${name} failed`, detail: message })] });
    }
  };
}

function objectOrNull(value: Value): ObjectValue | null {
  return isObject(value) ? value : null;
}

function objectOf(value: Value): ObjectValue {
  return isObject(value) ? value : {};
}

function mapValues<T, R>(record: Record<string, T>, map: (value: T) => R): Record<string, R> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
