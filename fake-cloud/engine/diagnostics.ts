/** Diagnostics as the plugin protocol carries them, with the attribute they concern. */
export type PathStep = string | number;
export type AttributePath = readonly PathStep[];

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly path?: AttributePath;
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];

  error(summary: string, detail?: string, path?: AttributePath): void {
    this.list.push({ severity: 'error', summary, detail, path });
  }

  warning(summary: string, detail?: string, path?: AttributePath): void {
    this.list.push({ severity: 'warning', summary, detail, path });
  }

  get hasErrors(): boolean {
    return this.list.some((diagnostic) => diagnostic.severity === 'error');
  }
}

/** The protocol's Diagnostic message. */
export function toProtocolDiagnostic(diagnostic: Diagnostic): object {
  return {
    severity: diagnostic.severity === 'error' ? 1 : 2,
    summary: diagnostic.summary,
    detail: diagnostic.detail ?? '',
    attribute: diagnostic.path ? toProtocolPath(diagnostic.path) : undefined,
  };
}

export function toProtocolPath(path: AttributePath): object {
  return { steps: path.map((step) => (typeof step === 'number' ? { element_key_int: step } : { attribute_name: step })) };
}
