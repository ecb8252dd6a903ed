import assert from 'node:assert/strict';
import type { RecordAudiences } from '../../src/access/audiences.js';

/** A copy of a list of audiences, sorted, to compare as a set. */
export const sorted = (a: readonly string[]) => [...a].sort();

/** The audiences of each part of a record and of its activities, compared as sets. */
export function assertAudiences(actual: RecordAudiences, expected: RecordAudiences): void {
  assert.deepEqual(sorted(actual.PUBLIC), sorted(expected.PUBLIC), 'PUBLIC');
  assert.deepEqual(sorted(actual.RESTRICTED), sorted(expected.RESTRICTED), 'RESTRICTED');
  assert.deepEqual(sorted(actual.PERSONAL), sorted(expected.PERSONAL), 'PERSONAL');
  assert.deepEqual(sorted(actual.activity), sorted(expected.activity), 'activity');
}
