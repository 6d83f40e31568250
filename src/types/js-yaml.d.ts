/** The part of js-yaml's API the provider loader uses (the package ships no types). */
declare module 'js-yaml' {
  export interface Schema { readonly __schema: unique symbol }
  /** YAML 1.2 core schema: null, booleans, integers, floats and strings; no timestamps, merge keys or binary. */
  export const CORE_SCHEMA: Schema
  export function load (text: string, options?: { schema?: Schema, filename?: string }): unknown
}
