/**
 * The OpenAPI document as the server generates it, for the committed copy at the repository root
 * (`npm run generate` writes it; a test fails when the two differ). It is built from the routes alone, so it does
 * not depend on the providers loaded or on any option.
 */
import { buildApp } from '../app.ts'
import { Catalog } from '../catalog/catalog.ts'
import { ProviderLookup } from '../catalog/lookup.ts'

export const OPENAPI_FILE = 'openapi.yaml'

export async function openapiYaml (): Promise<string> {
  const app = await buildApp({ lookup: new ProviderLookup(new Catalog([])) })
  try {
    await app.ready()
    return app.swagger({ yaml: true })
  } finally {
    await app.close()
  }
}
