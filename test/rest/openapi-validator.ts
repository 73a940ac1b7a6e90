/**
 * A JSON Schema validator over the OpenAPI document as served: ajv's draft 2020-12 build (the
 * dialect zod 4 emits and OpenAPI 3.1 uses), the whole document added under one id so every
 * `#/components/...` reference resolves. `example` is OpenAPI's annotation keyword; formats
 * (`date-time`) are annotations here, as in draft 2020-12 by default.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

const DOCUMENT_ID = 'swagger.json';

/** RFC 6901 token, then percent-encoded for a URI fragment (paths carry `{device_id}`). */
function fragmentToken(token: string): string {
  return encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));
}

export class DocumentValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: Record<string, any>) {
    this.ajv.addSchema(document, DOCUMENT_ID);
  }

  /** The validator of the schema at `pointer` (JSON pointer tokens) inside the document. */
  at(tokens: readonly string[]): ValidateFunction {
    const key = tokens.join('\u0000');
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#/${tokens.map(fragmentToken).join('/')}` });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** A named component schema's validator. */
  component(name: string): ValidateFunction {
    return this.at(['components', 'schemas', name]);
  }

  /**
   * The JSON body schema the document gives for `status` of `method path` (following a
   * `$ref` to a shared response), or undefined when it documents no such answer.
   */
  answer(path: string, method: string, status: number): ValidateFunction | undefined {
    let tokens = ['paths', path, method, 'responses', String(status)];
    let response = this.follow(tokens);
    if (response === undefined) return undefined;
    if (typeof response.$ref === 'string') {
      tokens = (response.$ref as string).replace(/^#\//, '').split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
      response = this.follow(tokens);
    }
    if (response?.content?.['application/json'] === undefined) return undefined;
    return this.at([...tokens, 'content', 'application/json', 'schema']);
  }

  private follow(tokens: readonly string[]): Record<string, any> | undefined {
    return tokens.reduce<Record<string, any> | undefined>((at, token) => at?.[token], this.document);
  }
}

/** ajv's errors in one line, for an assertion message. */
export function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}
