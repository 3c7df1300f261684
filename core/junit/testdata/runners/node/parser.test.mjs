// RUN=2 flips "parser > rejects garbage" to failing and "formatter > handles empty input" to passing.
import { describe, it, test } from 'node:test';
import assert from 'node:assert';
const run2 = process.env.RUN === '2';
describe('parser', () => {
  it('handles empty input', () => { assert.strictEqual(''.length, 0); });
  it('rejects garbage', () => { assert.strictEqual(run2 ? 1 : 2, 2); });
  describe('numbers', () => {
    it('parses 1', () => {});
    it('handles empty input', () => {});
  });
});
describe('formatter', () => {
  it('handles empty input', () => { assert.strictEqual(run2 ? 2 : 1, 2); });
  it.todo('pads columns', () => { assert.strictEqual(1, 2); });
  it.todo('wraps lines');
  it.skip('aligns right', () => {});
  describe('numbers', () => {
    it('parses 1', () => {});
  });
});
test('top level', () => {});
