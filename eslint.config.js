import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'bench/results/**'] }),
  {
    rules: {
      // Trailing commas keep diffs of multi-line literals to one line each.
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      // zod's named `z` is an object holding every export, locales included, so a bundle keeps all of zod: the chunk
      // the server and each catalog-loading thread compile before anything else was 757 KB that way and is 209 KB
      // with the namespace import (start-up, README "Performance").
      'no-restricted-syntax': ['error', {
        selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
        message: "Import zod as a namespace: import * as z from 'zod' (a named z keeps all of zod in the bundle).",
      }],
    },
  },
]
