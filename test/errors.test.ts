import t from 'tap'
import { AppError, ERRORS } from '../src/errors.ts'

t.test('an AppError carries its code and status, and no stack frames (it is an answer, not a fault)', async (t) => {
  const limit = Error.stackTraceLimit
  const error = new AppError('UNKNOWN_DOMAIN', 'No provider serves x.example', { domain: 'x.example' })
  t.equal(error.statusCode, ERRORS.UNKNOWN_DOMAIN.status)
  t.equal(error.code, 'UNKNOWN_DOMAIN')
  t.same(error.extra, { domain: 'x.example' })
  t.notMatch(String(error.stack), /\n\s+at /)
  t.equal(Error.stackTraceLimit, limit, 'the global limit is restored')
  t.match(String(new Error('other').stack), /\n\s+at /, 'other errors keep their stacks')
})
