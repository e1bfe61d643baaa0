/**
 * Provider schemas in the form `terraform providers schema -json` prints them (the
 * form of providers/ionoscloud-*.schema.json), and their translation into the plugin
 * protocol's Schema message, which carries each attribute's type as JSON bytes.
 */
export type TypeJson = string | [string, unknown];

export interface NestedAttributeType {
  readonly attributes: Record<string, AttributeSchema>;
  readonly nesting_mode: 'single' | 'list' | 'set' | 'map';
}

export interface AttributeSchema {
  /** Absent for an attribute with nested attributes (`nested_type`). */
  readonly type?: TypeJson;
  readonly nested_type?: NestedAttributeType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
}

export type NestingMode = 'single' | 'list' | 'set' | 'map' | 'group';

export interface BlockTypeSchema {
  readonly nesting_mode: NestingMode;
  readonly min_items?: number;
  readonly max_items?: number;
  readonly block: BlockSchema;
}

export interface BlockSchema {
  readonly attributes?: Record<string, AttributeSchema>;
  readonly block_types?: Record<string, BlockTypeSchema>;
  readonly deprecated?: boolean;
}

export interface TypeSchema {
  readonly version: number;
  readonly block: BlockSchema;
}

export interface ProviderSchemaJson {
  readonly provider: TypeSchema;
  readonly resource_schemas: Record<string, TypeSchema>;
  readonly data_source_schemas?: Record<string, TypeSchema>;
  readonly ephemeral_resource_schemas?: Record<string, TypeSchema>;
}

const NESTING = { single: 1, list: 2, set: 3, map: 4, group: 5 } as const;

/** The protocol's Schema message (as @grpc/proto-loader objects) for one schema. */
export function toProtocolSchema(schema: TypeSchema): object {
  return { version: schema.version, block: toProtocolBlock(schema.block) };
}

function toProtocolAttributes(attributes: Record<string, AttributeSchema>): object[] {
  return Object.entries(attributes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, attribute]) => ({
      name,
      type: attribute.type === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(attribute.type)),
      nested_type: attribute.nested_type
        ? { attributes: toProtocolAttributes(attribute.nested_type.attributes), nesting: NESTING[attribute.nested_type.nesting_mode] }
        : undefined,
      required: attribute.required ?? false,
      optional: attribute.optional ?? false,
      computed: attribute.computed ?? false,
      sensitive: attribute.sensitive ?? false,
      deprecated: attribute.deprecated ?? false,
    }));
}

function toProtocolBlock(block: BlockSchema): object {
  return {
    attributes: toProtocolAttributes(block.attributes ?? {}),
    block_types: Object.entries(block.block_types ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, nested]) => ({
        type_name: name,
        block: toProtocolBlock(nested.block),
        nesting: NESTING[nested.nesting_mode],
        min_items: nested.min_items ?? 0,
        max_items: nested.max_items ?? 0,
      })),
    deprecated: block.deprecated ?? false,
  };
}
