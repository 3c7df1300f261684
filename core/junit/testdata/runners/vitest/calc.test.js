// RUN=2 flips "calc subtracts" to failing and "calc divides" to passing.
const run2 = process.env.RUN === '2';
import { describe, test, expect } from "vitest";
describe('calc', () => {
  test('adds', () => { expect(2 + 2).toBe(4); });
  test('subtracts', () => { expect(2 - 2).toBe(run2 ? 1 : 0); });
  test('divides', () => { expect(run2).toBe(true); });
  test.skip('multiplies', () => {});
  test.todo('rounds');
  describe('parser', () => {
    test('handles empty input', () => { expect('').toBe(''); });
  });
});
describe('formatter', () => {
  test('handles empty input', () => { expect(' '.trim()).toBe(''); });
});
