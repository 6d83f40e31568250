import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'bench/results/**'] }),
  {
    rules: {
      // Trailing commas keep diffs of multi-line literals to one line each.
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
    },
  },
]
